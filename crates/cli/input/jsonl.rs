//! JSON Lines input: one article record per line, streamed.
//!
//! Each non-blank line yields one [`Item`]: an [`Article`] from a record with `id` (string or
//! number) and a string `text` (`title`, `date`, `url` passed through), or an error record for
//! a malformed line (kind `json`) or a record without a string `text` (kind `missing-field`),
//! whose message names the input and the 1-based line. Reading goes on after a bad line.

use super::{failure, Item};
use demarche_core::{Article, ArticleError, ArticleResult};
use std::io::BufRead;

/// Reads JSON Lines from `reader`: one item per non-blank line.
pub fn read_jsonl(
    mut reader: impl BufRead,
    name: &str,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => line_no += 1,
            Err(err) => {
                let line = line_no + 1;
                let message = format!("{name}:{line}: cannot read: {err}");
                return f(failure(format!("{name}:{line}"), "io", message, Some(line)));
            }
        }
        let mut line: &[u8] = &buf;
        if line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        let line = line.trim_ascii();
        if !line.is_empty() {
            f(parse_record(line, name, line_no))?;
        }
    }
}

/// Parses one JSON Lines record into an article, or into the error record that replaces it.
fn parse_record(line: &[u8], name: &str, line_no: usize) -> Item {
    let fallback_id = format!("{name}:{line_no}");
    let value: serde_json::Value = match serde_json::from_slice(line) {
        Ok(value) => value,
        Err(err) => {
            let message = format!(
                "{name}:{line_no}:{}: invalid JSON: {}",
                err.column(),
                json_reason(&err)
            );
            return failure(fallback_id, "json", message, Some(line_no));
        }
    };
    let Some(record) = value.as_object() else {
        let message = format!(
            "{name}:{line_no}: expected a JSON object, found {}",
            json_kind(&value)
        );
        return failure(fallback_id, "json", message, Some(line_no));
    };
    let id = match record.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback_id,
    };
    let field = |key: &str| record.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let mut article = Article {
        id,
        text: String::new(),
        title: field("title"),
        date: field("date"),
        url: field("url"),
    };
    match record.get("text") {
        Some(serde_json::Value::String(text)) => {
            article.text = text.clone();
            Item::Article(article)
        }
        other => {
            let found = other.map_or("no field `text`".to_string(), |v| {
                format!("field `text` is {}, not a string", json_kind(v))
            });
            let error = ArticleError {
                kind: "missing-field".to_string(),
                message: format!("{name}:{line_no}: record has {found}"),
                line: Some(line_no),
            };
            // The metadata of the record still passes through, to help joins.
            let ok = ArticleResult::ok(&article, Vec::new());
            Item::Failed(ArticleResult {
                error: Some(error),
                ..ok
            })
        }
    }
}

/// serde_json's message without its " at line L column C" suffix (we give our own position).
fn json_reason(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

/// A short name for the kind of a JSON value, for messages.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items_of(jsonl: &str) -> Vec<Item> {
        let mut items = Vec::new();
        read_jsonl(jsonl.as_bytes(), "in.jsonl", &mut |item| {
            items.push(item);
            Ok(())
        })
        .unwrap();
        items
    }

    fn error_of(item: &Item) -> (&str, &ArticleError) {
        match item {
            Item::Failed(r) => (&r.id, r.error.as_ref().unwrap()),
            Item::Article(a) => panic!("expected an error, got article {}", a.id),
        }
    }

    #[test]
    fn jsonl_records_and_errors_keep_order_and_lines() {
        let input =
            "{\"id\": 7, \"text\": \"a\", \"title\": \"T\"}\n\n{oops\n{\"id\": \"x\", \"title\": \"kept\"}\n[1]\n";
        let items = items_of(input);
        assert_eq!(items.len(), 4);
        let Item::Article(a) = &items[0] else {
            panic!()
        };
        assert_eq!(
            (a.id.as_str(), a.text.as_str(), a.title.as_deref()),
            ("7", "a", Some("T"))
        );
        let (id, err) = error_of(&items[1]);
        assert_eq!(
            (id, err.kind.as_str(), err.line),
            ("in.jsonl:3", "json", Some(3))
        );
        assert!(
            err.message.starts_with("in.jsonl:3:2: invalid JSON: "),
            "{}",
            err.message
        );
        let (id, err) = error_of(&items[2]);
        assert_eq!(
            (id, err.kind.as_str(), err.line),
            ("x", "missing-field", Some(4))
        );
        assert_eq!(err.message, "in.jsonl:4: record has no field `text`");
        let Item::Failed(failed) = &items[2] else {
            panic!()
        };
        assert_eq!(failed.title.as_deref(), Some("kept"));
        let (_, err) = error_of(&items[3]);
        assert_eq!(
            err.message,
            "in.jsonl:5: expected a JSON object, found an array"
        );
    }

    #[test]
    fn jsonl_first_line_may_have_a_bom() {
        let items = items_of("\u{feff}{\"id\": \"a\", \"text\": \"t\"}\r\n");
        assert!(matches!(&items[0], Item::Article(a) if a.id == "a"));
    }
}
