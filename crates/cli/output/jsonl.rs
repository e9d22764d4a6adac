//! `--format jsonl`: the JSON Lines output contract.
//!
//! Exactly one line per input article, in input order, each the serde serialisation of
//! [`ArticleResult`] (fields documented in `docs/output-format.md` and in `demarche-core`).
//! Failed articles keep their line, with `statements: []` and an `error` object.

use super::Sink;
use demarche_core::ArticleResult;
use std::io::{self, Write};

/// Writes one JSON object per article, one per line.
pub struct JsonlSink<W> {
    out: W,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        JsonlSink { out }
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn article(&mut self, _text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, result)?;
        self.out.write_all(b"\n")
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
        let mut sink = JsonlSink::new(&mut buf);
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
            "{\"id\":\"a\",\"statements\":[],\"error\":null}\n\
             {\"id\":\"b\",\"statements\":[],\"error\":{\"kind\":\"io\",\"message\":\"m\"}}\n"
        );
    }
}
