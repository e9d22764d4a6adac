//! `--format jsonl`: the JSON Lines output contract.
//!
//! Exactly one line per input article, in input order, each the serde serialisation of
//! [`ArticleResult`] (fields documented in `docs/output-format.md` and in `demarche-core`).
//! Failed articles keep their line, with `statements: []` and an `error` object.
//!
//! Provenance goes in every line, as one more field after `error`:
//! `"demarche":{"version":"0.1.0","rules":"<16 hex digits>"}`. A per-record field rather than a
//! header line, because a header line would break every reader that expects one article per
//! line (score.py, `pd.read_json(lines=True)`, DuckDB); readers that do not know the field
//! ignore it, and files concatenated from several runs stay self-describing.

use super::{Meta, Provenance, Sink};
use demarche_core::ArticleResult;
use serde::Serialize;
use std::io::{self, Write};

/// An [`ArticleResult`] with the run's provenance, as written by `json` and `jsonl`.
#[derive(Serialize)]
pub struct Record<'a> {
    /// The contract fields, in their order.
    #[serde(flatten)]
    pub result: &'a ArticleResult,
    /// Which demarche and rule pack made this record.
    pub demarche: &'a Provenance,
}

/// Writes one JSON object per article, one per line.
///
/// Each line is the [`Record`] of the article, built in a buffer and written at once: the
/// result is serialised as a plain struct and the provenance, the same on every line, is
/// appended as text (`#[serde(flatten)]` would go through serde's slower map path).
pub struct JsonlSink<W> {
    out: W,
    /// `,"demarche":{...}}` and the line end.
    tail: Vec<u8>,
    buf: Vec<u8>,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W, meta: &Meta<'_>) -> Self {
        let provenance = serde_json::to_string(&meta.provenance).unwrap_or_default();
        JsonlSink {
            out,
            tail: format!(",\"demarche\":{provenance}}}\n").into_bytes(),
            buf: Vec::new(),
        }
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn article(&mut self, _text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(&mut self.buf, result)?;
        // The object's closing brace gives way to the provenance field and a new one.
        self.buf.pop();
        self.buf.extend_from_slice(&self.tail);
        self.out.write_all(&self.buf)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::{Article, ArticleError};

    #[test]
    fn one_line_per_article() {
        let mut buf = Vec::new();
        let meta = Meta::bare();
        let mut sink = JsonlSink::new(&mut buf, &meta);
        sink.article(
            Some("t"),
            &ArticleResult::ok(&Article::new("a", "t"), vec![]),
        )
        .unwrap();
        let err = ArticleError {
            kind: "io".into(),
            message: "m".into(),
            line: None,
        };
        sink.article(None, &ArticleResult::failed("b", err))
            .unwrap();
        sink.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"id\":\"a\",\"statements\":[],\"error\":null,\"demarche\":{\"version\":\"0.0.0\",\"rules\":\"0123456789abcdef\"}}\n\
             {\"id\":\"b\",\"statements\":[],\"error\":{\"kind\":\"io\",\"message\":\"m\"},\"demarche\":{\"version\":\"0.0.0\",\"rules\":\"0123456789abcdef\"}}\n"
        );
    }
}
