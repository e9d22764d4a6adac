//! Writers of classification results, one per `--format`.
//!
//! A [`Sink`] receives every article result in input order and writes it at once, so output is
//! streamed and memory stays flat: `text` is a report for people ([`text`]), `json` one pretty
//! array ([`json`]), `jsonl` one object per line ([`jsonl`]). Sinks only format; they never
//! decide what a statement is, and they return write errors untouched (a closed pipe included)
//! for `main` to turn into an exit code.

pub mod json;
pub mod jsonl;
pub mod text;

use crate::args::Format;
use demarche_core::ArticleResult;
use std::io::{self, Write};

/// Receives article results in input order.
pub trait Sink {
    /// Writes one article's result; `text` is the article text when it could be read.
    fn article(&mut self, text: Option<&str>, result: &ArticleResult) -> io::Result<()>;
    /// Writes whatever closes the output (a summary, a closing bracket) and flushes.
    fn finish(&mut self) -> io::Result<()>;
}

/// The sink for `format`, writing to `out`.
pub fn sink<'a, W: Write + 'a>(format: Format, out: W) -> Box<dyn Sink + 'a> {
    match format {
        Format::Text => Box::new(text::TextSink::new(out)),
        Format::Json => Box::new(json::JsonSink::new(out)),
        Format::Jsonl => Box::new(jsonl::JsonlSink::new(out)),
    }
}
