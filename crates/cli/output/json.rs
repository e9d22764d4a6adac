//! `--format json`: one pretty-printed JSON array of every [`ArticleResult`], in input order.
//!
//! The array is streamed element by element rather than collected, and is byte for byte what
//! `serde_json::to_writer_pretty` gives for a `Vec<ArticleResult>`: each element is printed
//! pretty on its own and indented one level (a JSON string never holds a raw newline, so
//! indenting after every `\n` is safe). Each element carries the run's provenance as
//! `"demarche"`, as in [`super::jsonl`].

use super::jsonl::Record;
use super::{Meta, Sink};
use demarche_core::ArticleResult;
use std::io::{self, Write};

/// Writes a JSON array, one element per article.
pub struct JsonSink<'m, W> {
    out: W,
    meta: &'m Meta<'m>,
    count: usize,
}

impl<'m, W: Write> JsonSink<'m, W> {
    /// A sink writing to `out`.
    pub fn new(out: W, meta: &'m Meta<'m>) -> Self {
        JsonSink {
            out,
            meta,
            count: 0,
        }
    }
}

impl<W: Write> Sink for JsonSink<'_, W> {
    fn article(&mut self, _text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        let record = Record {
            result,
            demarche: &self.meta.provenance,
        };
        let pretty = serde_json::to_string_pretty(&record)?;
        let open = if self.count == 0 { "[" } else { "," };
        self.count += 1;
        write!(self.out, "{open}\n  {}", pretty.replace('\n', "\n  "))
    }

    fn finish(&mut self) -> io::Result<()> {
        let close = if self.count == 0 { "[]\n" } else { "\n]\n" };
        self.out.write_all(close.as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::Article;

    fn render(results: &[ArticleResult]) -> String {
        let mut buf = Vec::new();
        let meta = Meta::bare();
        let mut sink = JsonSink::new(&mut buf, &meta);
        for r in results {
            sink.article(None, r).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn same_as_serde_pretty() {
        for n in 0..3 {
            let results: Vec<_> = (0..n)
                .map(|i| ArticleResult::ok(&Article::new(format!("a{i}"), "x\ny"), vec![]))
                .collect();
            let meta = Meta::bare();
            let records: Vec<_> = results
                .iter()
                .map(|result| Record {
                    result,
                    demarche: &meta.provenance,
                })
                .collect();
            let expected = serde_json::to_string_pretty(&records).unwrap() + "\n";
            assert_eq!(render(&results), expected);
        }
    }
}
