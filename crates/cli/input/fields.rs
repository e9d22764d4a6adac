//! Record fields to an article: which field holds the id, text, title, date and URL
//! (`--text-field` and friends), shared by the JSON Lines and CSV readers.
//!
//! A record gives an [`Item`]: an article when its text field is a string, otherwise an error
//! record that keeps the metadata it has (kind `missing-field`; `binary` for a text holding
//! NUL). A record whose id was already used earlier in the same input is still classified, with
//! a `duplicate-id` warning naming the earlier line.

use super::decode::binary;
use super::Item;
use crate::args::InputArgs;
use demarche_core::{Article, ArticleError, ArticleResult, ArticleWarning};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// How a missing-field error says to name another text field.
const TEXT_FIELD_HINT: &str =
    "use `--text-field FIELD` to name the field that holds the article text";

/// Which record field holds each part of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap {
    /// The id field.
    pub id: String,
    /// The text field.
    pub text: String,
    /// The headline field.
    pub title: String,
    /// The date field.
    pub date: String,
    /// The URL field.
    pub url: String,
}

impl FieldMap {
    /// The mapping given on the command line.
    pub fn from_args(args: &InputArgs) -> Self {
        FieldMap {
            id: args.id_field.clone(),
            text: args.text_field.clone(),
            title: args.title_field.clone(),
            date: args.date_field.clone(),
            url: args.url_field.clone(),
        }
    }
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            id: "id".into(),
            text: "text".into(),
            title: "title".into(),
            date: "date".into(),
            url: "url".into(),
        }
    }
}

/// The value of one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A string.
    Str(String),
    /// A number, written as in the input.
    Num(String),
    /// Anything else, described for messages ("an array", "null").
    Other(&'static str),
}

impl FieldValue {
    /// The value as metadata text: strings and numbers, not empty.
    fn into_meta(self) -> Option<String> {
        match self {
            FieldValue::Str(s) | FieldValue::Num(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }
}

/// Where a record comes from, for ids and messages.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The input's name (path or `<stdin>`).
    pub name: &'a str,
    /// The 1-based line the record starts on.
    pub line: usize,
}

impl Origin<'_> {
    /// `NAME:LINE`, the id of a record with no usable id and the prefix of its messages.
    pub fn at(&self) -> String {
        format!("{}:{}", self.name, self.line)
    }
}

/// How many ids of one input are remembered to find duplicates: about 8 MB at most, so that
/// peak memory stays well under 64 MiB however many records an input has (issue 5). Later
/// records are still checked against the remembered ones.
const MAX_TRACKED_IDS: usize = 1 << 18;

/// The ids seen so far in one input, as 64-bit hashes with the line of first use, so that
/// memory grows by a few bytes per record whatever the ids' length, up to
/// [`MAX_TRACKED_IDS`] records.
#[derive(Debug, Default)]
pub struct SeenIds(HashMap<u64, usize>);

impl SeenIds {
    /// Records `id` at `line`; returns the line of an earlier record with the same id.
    fn first_use(&mut self, id: &str, line: usize) -> Option<usize> {
        let mut h = DefaultHasher::new();
        id.hash(&mut h);
        let key = h.finish();
        if let Some(&first) = self.0.get(&key) {
            return Some(first);
        }
        if self.0.len() < MAX_TRACKED_IDS {
            self.0.insert(key, line);
        }
        None
    }
}

/// Builds the item of one record; `get` looks a field up by name. The text field is looked
/// up last, once: `get` may move it out of the record rather than copy it.
pub fn record_item(
    get: &mut dyn FnMut(&str) -> Option<FieldValue>,
    fields: &FieldMap,
    origin: Origin,
    seen: &mut SeenIds,
    mut warnings: Vec<ArticleWarning>,
) -> Item {
    let own_id = get(&fields.id).and_then(FieldValue::into_meta);
    let mut meta = |key: &str| get(key).and_then(FieldValue::into_meta);
    let mut article = Article {
        id: own_id.clone().unwrap_or_else(|| origin.at()),
        text: String::new(),
        title: meta(&fields.title),
        date: meta(&fields.date),
        url: meta(&fields.url),
    };
    let not_text = |what: String| ArticleError {
        kind: "missing-field".to_string(),
        message: format!("{}: {what}", origin.at()),
        line: Some(origin.line),
    };
    let field = &fields.text;
    let error = match get(field) {
        Some(FieldValue::Str(text)) => match text.find('\0') {
            Some(at) => Some(binary(&origin.at(), at, Some(origin.line))),
            None => {
                article.text = text;
                None
            }
        },
        None => Some(not_text(format!(
            "record has no field `{field}`; {TEXT_FIELD_HINT}"
        ))),
        Some(FieldValue::Num(_)) => Some(not_text(format!(
            "field `{field}` is a number, not a string; {TEXT_FIELD_HINT}"
        ))),
        Some(FieldValue::Other(kind)) => Some(not_text(format!(
            "field `{field}` is {kind}, not a string; {TEXT_FIELD_HINT}"
        ))),
    };
    if let Some(id) = &own_id {
        if let Some(first) = seen.first_use(id, origin.line) {
            warnings.push(ArticleWarning {
                kind: "duplicate-id".to_string(),
                message: format!(
                    "{}: id `{id}` was already used on line {first}",
                    origin.at()
                ),
            });
        }
    }
    match error {
        None => Item::Article(article, warnings),
        Some(error) => {
            // The metadata of the record still passes through, to help joins.
            let mut result = ArticleResult::ok(&article, Vec::new());
            result.error = Some(error);
            result.warnings = warnings;
            Item::Failed(result)
        }
    }
}

/// Looks `path` up in a JSON object: the key itself when present, otherwise a dotted path
/// into nested objects (`meta.id`).
pub fn json_lookup<'v>(
    record: &'v serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Option<&'v serde_json::Value> {
    if let Some(v) = record.get(path) {
        return Some(v);
    }
    let (head, rest) = path.split_once('.')?;
    json_lookup(record.get(head)?.as_object()?, rest)
}

/// [`json_lookup`], for taking the value out.
pub fn json_lookup_mut<'v>(
    record: &'v mut serde_json::Map<String, serde_json::Value>,
    path: &str,
) -> Option<&'v mut serde_json::Value> {
    if record.contains_key(path) {
        return record.get_mut(path);
    }
    let (head, rest) = path.split_once('.')?;
    json_lookup_mut(record.get_mut(head)?.as_object_mut()?, rest)
}

/// A JSON value as a [`FieldValue`].
pub fn json_field(value: &serde_json::Value) -> FieldValue {
    match value {
        serde_json::Value::String(s) => FieldValue::Str(s.clone()),
        serde_json::Value::Number(n) => FieldValue::Num(n.to_string()),
        other => FieldValue::Other(json_kind(other)),
    }
}

/// A short name for the kind of a JSON value, for messages.
pub fn json_kind(value: &serde_json::Value) -> &'static str {
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
    use serde_json::json;

    #[test]
    fn dotted_paths() {
        let v = json!({"id": 1, "meta": {"id": "m", "deep": {"x": "y"}}, "a.b": "literal"});
        let obj = v.as_object().unwrap();
        let cases: &[(&str, Option<serde_json::Value>)] = &[
            ("id", Some(json!(1))),
            ("meta.id", Some(json!("m"))),
            ("meta.deep.x", Some(json!("y"))),
            ("a.b", Some(json!("literal"))),
            ("meta.nope", None),
            ("id.x", None),
            ("", None),
            (".", None),
        ];
        for (path, want) in cases {
            assert_eq!(json_lookup(obj, path).cloned(), *want, "{path:?}");
        }
    }

    #[test]
    fn duplicate_ids_warn_with_the_first_line() {
        let mut seen = SeenIds::default();
        let fields = FieldMap::default();
        let item = |seen: &mut SeenIds, id: &str, line| {
            let id = id.to_string();
            let mut get = move |k: &str| match k {
                "id" => Some(FieldValue::Str(id.clone())),
                "text" => Some(FieldValue::Str("t".into())),
                _ => None,
            };
            let origin = Origin { name: "in", line };
            record_item(&mut get, &fields, origin, seen, Vec::new())
        };
        assert!(matches!(item(&mut seen, "a", 1), Item::Article(_, w) if w.is_empty()));
        assert!(matches!(item(&mut seen, "b", 2), Item::Article(_, w) if w.is_empty()));
        let Item::Article(a, w) = item(&mut seen, "a", 3) else {
            panic!("a duplicate is still an article")
        };
        assert_eq!(a.id, "a");
        assert_eq!(w[0].message, "in:3: id `a` was already used on line 1");
    }
}
