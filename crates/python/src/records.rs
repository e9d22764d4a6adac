//! Python records to articles: a `str` is a text, a `dict` (or any mapping, such as a pandas
//! row) has `text` and optionally `id`, `title`, `date`, `url`.
//!
//! It mirrors the CLI's record reading (`crates/cli/input/fields.rs`): a record whose text is
//! missing or not a string gives an error result (`missing-field`) that keeps its metadata; a
//! text holding NUL is `binary`; invalid text (lone surrogates, bytes that are not UTF-8) is
//! replaced by U+FFFD with a `utf8` warning. Anything else that goes wrong reading a record
//! (another type, a mapping that raises) gives a `record` error. Nothing here raises for a
//! record: one bad record must not lose the others. A record without an id gets its 0-based
//! position in the input.

use demarche_core::{Article, ArticleError, ArticleResult, ArticleWarning};
use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyString};

/// One record, read.
pub enum Item {
    /// An article to classify, with what was odd about its input.
    Article(Article, Vec<ArticleWarning>),
    /// A record that cannot be classified: its error result.
    Failed(ArticleResult),
    /// A JSON Lines line and its position, parsed by the worker ([`crate::jsonl`]).
    Line(Vec<u8>, usize),
}

impl Item {
    /// Bytes of text (for batching).
    pub fn text_len(&self) -> usize {
        match self {
            Item::Article(a, _) => a.text.len(),
            Item::Failed(_) => 0,
            Item::Line(line, _) => line.len(),
        }
    }
}

/// The text of a record, or why there is none.
pub enum Text {
    /// The text, and what was odd about it.
    Ok(String, Vec<ArticleWarning>),
    /// No text: why, for the `missing-field` message.
    Missing(String),
    /// A NUL at this byte.
    Binary(usize),
}

/// Record `n` of `input="jsonl"`: the line's bytes, to be parsed by a worker; `None` for a
/// blank line (skipped, as the CLI skips it). A value that is not `str` or `bytes` is a
/// `json` error.
pub fn line_item(record: &Bound<'_, PyAny>, n: usize) -> Option<Item> {
    let bytes = if let Ok(s) = record.cast::<PyString>() {
        s.to_string_lossy().into_owned().into_bytes()
    } else if let Ok(b) = record.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else {
        let error = ArticleError {
            kind: "json".to_string(),
            message: format!(
                "record {n}: a value of type {}, not a JSON Lines line (str or bytes)",
                type_name(record)
            ),
            line: None,
        };
        return Some(Item::Failed(ArticleResult::failed(n.to_string(), error)));
    };
    (!crate::jsonl::is_blank(&bytes)).then_some(Item::Line(bytes, n))
}

/// Reads record number `n` (0-based) of `classify_many`.
pub fn item(record: &Bound<'_, PyAny>, n: usize) -> Item {
    let at = format!("record {n}");
    if record.is_instance_of::<PyString>() || record.is_instance_of::<PyBytes>() {
        let article = Article::new(n.to_string(), String::new());
        return build(article, text_of(record, &at), &at);
    }
    let fields = if let Ok(dict) = record.cast::<PyDict>() {
        read_dict(dict)
    } else if record.hasattr("keys").unwrap_or(false) {
        read_mapping(record)
    } else {
        Err(format!(
            "{at}: a value of type {}, not a str or a dict",
            type_name(record)
        ))
    };
    match fields {
        Ok(f) => {
            let article = Article {
                id: f.id.unwrap_or_else(|| n.to_string()),
                text: String::new(),
                title: f.title,
                date: f.date,
                url: f.url,
            };
            let text = match &f.text {
                Some(t) => text_of(t.bind(record.py()), &at),
                None => Text::Missing("record has no field `text`".to_string()),
            };
            build(article, text, &at)
        }
        Err(message) => Item::Failed(ArticleResult::failed(
            n.to_string(),
            ArticleError {
                kind: "record".to_string(),
                message,
                line: None,
            },
        )),
    }
}

/// The article of `Pack.classify`: a `TypeError` for a text that is neither `str` nor `bytes`.
pub fn single(
    text: &Bound<'_, PyAny>,
    id: Option<&Bound<'_, PyAny>>,
    date: Option<&Bound<'_, PyAny>>,
    title: Option<&Bound<'_, PyAny>>,
    url: Option<&Bound<'_, PyAny>>,
) -> PyResult<Item> {
    if !text.is_instance_of::<PyString>() && !text.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(format!(
            "text must be a str or bytes, not {}",
            type_name(text)
        )));
    }
    let article = Article {
        id: id.and_then(meta).unwrap_or_else(|| "0".to_string()),
        text: String::new(),
        title: title.and_then(meta),
        date: date.and_then(meta),
        url: url.and_then(meta),
    };
    Ok(build(article, text_of(text, "record 0"), "record 0"))
}

/// The fields of a record, as Python objects for the text and strings for the metadata.
struct Fields {
    id: Option<String>,
    title: Option<String>,
    date: Option<String>,
    url: Option<String>,
    text: Option<Py<PyAny>>,
}

fn read_dict<'py>(dict: &Bound<'py, PyDict>) -> Result<Fields, String> {
    // Interned keys: their hashes are cached, where a key made per lookup is hashed each time.
    let py = dict.py();
    let get = |key: &Bound<'py, PyString>| dict.get_item(key).ok().flatten();
    Ok(Fields {
        id: get(intern!(py, "id")).as_ref().and_then(meta),
        title: get(intern!(py, "title")).as_ref().and_then(meta),
        date: get(intern!(py, "date")).as_ref().and_then(meta),
        url: get(intern!(py, "url")).as_ref().and_then(meta),
        text: get(intern!(py, "text")).map(Bound::unbind),
    })
}

/// Any mapping: `record[key]`, absent on `KeyError` (a pandas Series row, a custom class).
fn read_mapping(record: &Bound<'_, PyAny>) -> Result<Fields, String> {
    let get = |key: &str| -> Result<Option<Bound<'_, PyAny>>, String> {
        let has = record
            .call_method1("__contains__", (key,))
            .and_then(|b| b.is_truthy())
            .map_err(|e| format!("cannot read field `{key}`: {e}"))?;
        if !has {
            return Ok(None);
        }
        record
            .get_item(key)
            .map(Some)
            .map_err(|e| format!("cannot read field `{key}`: {e}"))
    };
    Ok(Fields {
        id: get("id")?.as_ref().and_then(meta),
        title: get("title")?.as_ref().and_then(meta),
        date: get("date")?.as_ref().and_then(meta),
        url: get("url")?.as_ref().and_then(meta),
        text: get("text")?.map(Bound::unbind),
    })
}

/// A metadata value as text: a non-empty string, an integer, a float that is a number, or a
/// date (`isoformat()`); `None` for anything else (`None`, NaN, NaT, booleans, ...).
fn meta(value: &Bound<'_, PyAny>) -> Option<String> {
    if let Ok(s) = value.cast::<PyString>() {
        let s = s.to_string_lossy().into_owned();
        return (!s.is_empty()).then_some(s);
    }
    if value.is_none() || value.is_instance_of::<pyo3::types::PyBool>() {
        return None;
    }
    // NaN, NaT and pandas.NA are not equal to themselves (pandas.NA's comparison raises).
    if !value.eq(value).unwrap_or(false) {
        return None;
    }
    if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        return value.str().ok().map(|s| s.to_string_lossy().into_owned());
    }
    if let Ok(n) = value.extract::<i64>() {
        return Some(n.to_string());
    }
    let iso = value.call_method0("isoformat").ok()?;
    let s = iso.cast::<PyString>().ok()?.to_string_lossy().into_owned();
    (!s.is_empty()).then_some(s)
}

/// The text of a `str` or `bytes` value, decoded as the CLI decodes a record's text.
fn text_of(value: &Bound<'_, PyAny>, at: &str) -> Text {
    let mut warnings = Vec::new();
    let text = if let Ok(s) = value.cast::<PyString>() {
        match s.to_cow() {
            Ok(t) => t.into_owned(),
            Err(_) => {
                let t = s.to_string_lossy().into_owned();
                warnings.push(utf8_warning(at, &t));
                t
            }
        }
    } else if let Ok(b) = value.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => {
                let t = String::from_utf8_lossy(bytes).into_owned();
                warnings.push(utf8_warning(at, &t));
                t
            }
        }
    } else {
        return Text::Missing(format!(
            "field `text` is {}, not a string",
            type_name(value)
        ));
    };
    match text.find('\0') {
        Some(nul) => Text::Binary(nul),
        None => Text::Ok(text, warnings),
    }
}

/// The `utf8` warning of a text in which `at` had invalid sequences replaced.
pub fn utf8_warning(at: &str, text: &str) -> ArticleWarning {
    let count = text.matches('\u{FFFD}').count();
    ArticleWarning {
        kind: "utf8".to_string(),
        message: format!(
            "{at}: invalid text replaced by U+FFFD ({count} replacement(s)); offsets count in \
             the decoded text"
        ),
    }
}

/// The item of an article whose text was read as `text`.
pub fn build(mut article: Article, text: Text, at: &str) -> Item {
    let (kind, message) = match text {
        Text::Ok(t, warnings) => {
            article.text = t;
            return Item::Article(article, warnings);
        }
        Text::Missing(what) => ("missing-field", format!("{at}: {what}")),
        Text::Binary(nul) => (
            "binary",
            format!("{at}: binary data (a NUL at byte {nul}), not classified"),
        ),
    };
    // The metadata of the record still passes through, to help joins.
    let mut result = ArticleResult::ok(&article, Vec::new());
    result.error = Some(ArticleError {
        kind: kind.to_string(),
        message,
        line: None,
    });
    Item::Failed(result)
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "object".to_string(), |n| n.to_string())
}
