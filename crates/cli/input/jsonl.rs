//! JSON Lines input: one article record per line, streamed.
//!
//! Each non-blank line yields one [`Item`]: an [`Article`] from a record whose text field (see
//! [`FieldMap`]) is a string, or an error record for a malformed line (kind `json`), a record
//! without a string text (kind `missing-field`), a text holding NUL (kind `binary`) or a line
//! over `--max-article-bytes` (kind `too-large`); each message names the input and the 1-based
//! line. Reading goes on after a bad line. A line that is not valid UTF-8 is decoded lossily
//! and its article gets a `utf8` warning. Blank lines (empty, or only white space) are not
//! records and are skipped, but counted in line numbers.
//!
//! [`Article`]: demarche_core::Article

use super::decode::{lossy, read_line_capped, too_large, Size};
use super::fields::{
    json_field, json_kind, json_lookup, json_lookup_mut, record_item, FieldMap, FieldValue, Origin,
    SeenIds,
};
use super::{failure, InputOptions, Item};
use std::io::BufRead;

/// Reads JSON Lines from `reader`: one item per non-blank line.
pub fn read_jsonl(
    mut reader: impl BufRead,
    name: &str,
    opts: &InputOptions,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    let mut seen = SeenIds::default();
    let cap = opts.max_article_bytes;
    loop {
        let len = match read_line_capped(&mut reader, &mut buf, cap) {
            Ok(None) => return Ok(()),
            Ok(Some(len)) => len,
            Err(err) => {
                let line = line_no + 1;
                let message = format!("{name}:{line}: cannot read: {err}");
                return f(failure(format!("{name}:{line}"), "io", message, Some(line)));
            }
        };
        line_no += 1;
        let origin = Origin {
            name,
            line: line_no,
        };
        let mut line: &[u8] = &buf;
        if line_no == 1 {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        let line = line.trim_ascii();
        if len > cap as u64 {
            let error = too_large(&origin.at(), Size::Exactly(len), cap, Some(line_no));
            f(Item::Failed(demarche_core::ArticleResult::failed(
                origin.at(),
                error,
            )))?;
        } else if !line.is_empty() {
            f(parse_record(line, origin, &opts.fields, &mut seen))?;
        }
    }
}

/// Parses one JSON Lines record into an article, or into the error record that replaces it.
fn parse_record(line: &[u8], origin: Origin, fields: &FieldMap, seen: &mut SeenIds) -> Item {
    let mut warnings = Vec::new();
    // A valid line is parsed in place; only an invalid one is copied to be decoded lossily.
    let decoded;
    let line = match std::str::from_utf8(line) {
        Ok(line) => line,
        Err(_) => {
            decoded = lossy(line.to_vec(), &origin.at(), &mut warnings);
            decoded.as_str()
        }
    };
    let mut value: serde_json::Value = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(err) => {
            let message = format!(
                "{}:{}: invalid JSON: {}",
                origin.at(),
                err.column(),
                json_reason(&err)
            );
            return failure(origin.at(), "json", message, Some(origin.line));
        }
    };
    let kind = json_kind(&value);
    let Some(record) = value.as_object_mut() else {
        let message = format!("{}: expected a JSON object, found {kind}", origin.at());
        return failure(origin.at(), "json", message, Some(origin.line));
    };
    // The text, looked up last, is moved out of the record instead of copied.
    let mut get = |key: &str| {
        if key == fields.text {
            json_lookup_mut(record, key).map(|v| match v {
                serde_json::Value::String(s) => FieldValue::Str(std::mem::take(s)),
                other => json_field(other),
            })
        } else {
            json_lookup(record, key).map(json_field)
        }
    };
    record_item(&mut get, fields, origin, seen, warnings)
}

/// serde_json's message without its " at line L column C" suffix (we give our own position).
fn json_reason(err: &serde_json::Error) -> String {
    let full = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::ArticleError;

    fn items_with(jsonl: &[u8], opts: &InputOptions) -> Vec<Item> {
        let mut items = Vec::new();
        read_jsonl(jsonl, "in.jsonl", opts, &mut |item| {
            items.push(item);
            Ok(())
        })
        .unwrap();
        items
    }

    fn items_of(jsonl: &str) -> Vec<Item> {
        items_with(jsonl.as_bytes(), &InputOptions::default())
    }

    fn error_of(item: &Item) -> (&str, &ArticleError) {
        match item {
            Item::Failed(r) => (&r.id, r.error.as_ref().unwrap()),
            Item::Article(a, _) => panic!("expected an error, got article {}", a.id),
        }
    }

    #[test]
    fn jsonl_records_and_errors_keep_order_and_lines() {
        let input =
            "{\"id\": 7, \"text\": \"a\", \"title\": \"T\"}\n\n{oops\n{\"id\": \"x\", \"title\": \"kept\"}\n[1]\n";
        let items = items_of(input);
        assert_eq!(items.len(), 4);
        let Item::Article(a, _) = &items[0] else {
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
        assert_eq!(err.message, "in.jsonl:4: record has no field `text`; use `--text-field FIELD` to name the field that holds the article text");
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
        assert!(matches!(&items[0], Item::Article(a, _) if a.id == "a"));
    }

    /// One line of input and what it gives: `Ok(text)` or `Err(error kind)`, and the warnings.
    type Case = (
        &'static [u8],
        Result<&'static str, &'static str>,
        &'static [&'static str],
    );

    const LINE_CASES: &[Case] = &[
        (b"{\"text\": \"plain\"}", Ok("plain"), &[]),
        (b"{\"text\": \"no newline at the end\"}", Ok("no newline at the end"), &[]),
        (b"{\"text\": \"bad \xFF byte\"}", Ok("bad \u{FFFD} byte"), &["utf8"]),
        (b"{\"text\": \"nul \\u0000 inside\"}", Err("binary"), &[]),
        (b"{\"text\": \"raw \x00 nul\"}", Err("json"), &[]),
        (b"{\"text\": 12}", Err("missing-field"), &[]),
        (b"{\"text\": null}", Err("missing-field"), &[]),
        (b"{\"text\": [\"a\"]}", Err("missing-field"), &[]),
        (b"{\"id\": \"x\"}", Err("missing-field"), &[]),
        (b"\"just a string\"", Err("json"), &[]),
        (b"{\"text\": \"a\"} trailing", Err("json"), &[]),
        (b"{\"text\": \"\\u2028\\u0007\\\"\"}", Ok("\u{2028}\u{7}\""), &[]),
        (b"{\"text\": \"\xD8\xA7\xD9\x84\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 \xE5\x81\x9C\xE7\x81\xAB\"}", Ok("السلام 停火"), &[]),
    ];

    #[test]
    fn each_line_gives_one_item() {
        for (line, want, warns) in LINE_CASES {
            let items = items_with(line, &InputOptions::default());
            assert_eq!(items.len(), 1, "{line:?}");
            match (&items[0], want) {
                (Item::Article(a, w), Ok(text)) => {
                    assert_eq!(a.text, *text, "{line:?}");
                    let kinds: Vec<&str> = w.iter().map(|w| w.kind.as_str()).collect();
                    assert_eq!(kinds, *warns, "{line:?}");
                }
                (Item::Failed(r), Err(kind)) => {
                    let e = r.error.as_ref().unwrap();
                    assert_eq!((e.kind.as_str(), e.line), (*kind, Some(1)), "{line:?}");
                }
                (got, _) => panic!("{line:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn long_lines_are_refused_and_reading_goes_on() {
        let opts = InputOptions {
            max_article_bytes: 40,
            ..InputOptions::default()
        };
        let long = format!("{{\"id\": \"big\", \"text\": \"{}\"}}", "x".repeat(100));
        let input = format!("{{\"text\": \"short\"}}\n{long}\n{{\"text\": \"after\"}}");
        let items = items_with(input.as_bytes(), &opts);
        assert_eq!(items.len(), 3);
        let (id, err) = error_of(&items[1]);
        assert_eq!(
            (id, err.kind.as_str(), err.line),
            ("in.jsonl:2", "too-large", Some(2))
        );
        assert_eq!(
            err.message,
            "in.jsonl:2: 126 bytes, over the limit of 40 bytes (raise it with --max-article-bytes)"
        );
        assert!(matches!(&items[2], Item::Article(a, _) if a.text == "after"));
    }

    #[test]
    fn fields_can_be_mapped_and_dotted() {
        let opts = InputOptions {
            fields: FieldMap {
                id: "meta.id".into(),
                text: "maintext".into(),
                title: "title".into(),
                date: "date_publish".into(),
                url: "url".into(),
            },
            ..InputOptions::default()
        };
        let line = br#"{"meta": {"id": 9}, "maintext": "body", "date_publish": "2024-05-01 10:00:00", "text": "not this"}"#;
        let items = items_with(line, &opts);
        let Item::Article(a, _) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(
            (a.id.as_str(), a.text.as_str(), a.date.as_deref()),
            ("9", "body", Some("2024-05-01 10:00:00"))
        );
    }
}
