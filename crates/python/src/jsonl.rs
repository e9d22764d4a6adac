//! `classify_many(..., input="jsonl")`: records given as JSON Lines lines (`str` or `bytes`),
//! parsed on the worker threads as the CLI parses a JSON Lines file, so that the thread
//! holding the GIL only hands lines over.
//!
//! As in the CLI (`crates/cli/input/jsonl.rs`): `id`, `title`, `date` and `url` are taken when
//! they are strings or numbers (numbers written as in the input); a line that is not JSON, or
//! not an object, gives a `json` error result; a record without a string `text` gives
//! `missing-field`; invalid UTF-8 is replaced with a `utf8` warning. Blank lines are skipped,
//! as the CLI skips them. Messages name the record by its 0-based position.

use crate::records::{build, Item, Text};
use demarche_core::{Article, ArticleError, ArticleResult, ArticleWarning};
use serde_json::Value;

/// The item of JSON Lines record `n`, read from `line` (its line end, if any, is ignored).
pub fn parse(line: Vec<u8>, n: usize) -> Item {
    let at = format!("record {n}");
    let mut warnings: Vec<ArticleWarning> = Vec::new();
    let line = match String::from_utf8(line) {
        Ok(line) => line,
        Err(err) => {
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            warnings.push(crate::records::utf8_warning(&at, &text));
            text
        }
    };
    let mut value: Value = match serde_json::from_str(&line) {
        Ok(value) => value,
        Err(err) => return json_error(n, format!("{at}: invalid JSON: {err}")),
    };
    let Some(record) = value.as_object_mut() else {
        return json_error(
            n,
            format!("{at}: expected a JSON object, found {}", kind(&value)),
        );
    };
    let meta = |key: &str| match record.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(x)) => Some(x.to_string()),
        _ => None,
    };
    let article = Article {
        id: meta("id").unwrap_or_else(|| n.to_string()),
        text: String::new(),
        title: meta("title"),
        date: meta("date"),
        url: meta("url"),
    };
    let text = match record.get_mut("text") {
        Some(Value::String(s)) => {
            let s = std::mem::take(s);
            match s.find('\0') {
                Some(nul) => Text::Binary(nul),
                None => Text::Ok(s, warnings),
            }
        }
        None => Text::Missing("record has no field `text`".to_string()),
        Some(other) => Text::Missing(format!("field `text` is {}, not a string", kind(other))),
    };
    build(article, text, &at)
}

/// True for a line with nothing but white space (skipped, as the CLI skips it).
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

fn json_error(n: usize, message: String) -> Item {
    let error = ArticleError {
        kind: "json".to_string(),
        message,
        line: None,
    };
    Item::Failed(ArticleResult::failed(n.to_string(), error))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
