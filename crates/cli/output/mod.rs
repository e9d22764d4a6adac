//! Writers of classification results, one per `--format`.
//!
//! A [`Sink`] receives every article result in input order and writes it at once, so output is
//! streamed and memory stays flat: `text` is a report for people ([`text`]), `json` one pretty
//! array ([`json`]), `jsonl` one object per line ([`jsonl`]), `csv` / `tsv` one row per stance
//! (or per actor, or per dyad) ([`csv`]), `table` an aligned terminal table ([`table`]). Two sinks hold the run
//! until the end because what they write first depends on all of it: `html` (a page that opens
//! with the actors × labels matrix, [`html`]) and `--summary` ([`summary`]). Sinks only format;
//! they never decide what a statement is, and they return write errors untouched (a closed pipe
//! included) for `main` to turn into an exit code.
//!
//! [`Meta`] carries what the sinks know of the run besides the results: the crosswalk codes of
//! the rule pack and the provenance (demarche version and rule-pack hash).

pub mod csv;
pub mod dyads;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod rows;
pub mod summary;
pub mod table;
pub mod text;

use crate::args::{CsvShape, Format};
use demarche_core::ArticleResult;
use demarche_engine::{LabelInfo, RuleSet};
use serde::Serialize;
use std::io::{self, Write};

/// Renders one article result to the bytes a sink writes for it, on any thread: for sinks
/// whose record for an article depends on that article alone ([`Sink::render`]).
pub type Render = dyn Fn(&ArticleResult, &mut Vec<u8>) + Sync;

/// Receives article results in input order.
pub trait Sink {
    /// Writes one article's result; `text` is the article text when it could be read.
    fn article(&mut self, text: Option<&str>, result: &ArticleResult) -> io::Result<()>;
    /// For a sink whose record of an article depends on nothing else, the function that
    /// renders it, so that worker threads can render while the writing thread only writes
    /// ([`Sink::rendered`]). `None` (the default): every result goes through
    /// [`Sink::article`].
    fn render(&self) -> Option<Box<Render>> {
        None
    }
    /// Writes a record made by [`Sink::render`], as [`Sink::article`] would have.
    fn rendered(&mut self, _bytes: &[u8]) -> io::Result<()> {
        Err(io::Error::other(
            "this output format renders no records ahead",
        ))
    }
    /// Writes whatever closes the output (a summary, a closing bracket) and flushes.
    fn finish(&mut self) -> io::Result<()>;
}

/// Which demarche and which rule pack made an output; written as `"demarche"` in JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The demarche version (`CARGO_PKG_VERSION`).
    pub version: String,
    /// [`RuleSet::hash`] as 16 lowercase hex digits.
    pub rules: String,
}

/// What sinks know about the run besides the results.
pub struct Meta<'r> {
    /// Version and rule-pack hash.
    pub provenance: Provenance,
    rules: Option<&'r RuleSet>,
}

impl<'r> Meta<'r> {
    /// The metadata of a run with `rules`.
    pub fn new(rules: &'r RuleSet) -> Self {
        Meta {
            provenance: Provenance {
                version: env!("CARGO_PKG_VERSION").to_string(),
                rules: format!("{:016x}", rules.hash()),
            },
            rules: Some(rules),
        }
    }

    /// Metadata with no rule pack: no codes, a fixed provenance. For unit tests.
    #[cfg(test)]
    pub fn bare() -> Meta<'static> {
        Meta {
            provenance: Provenance {
                version: "0.0.0".into(),
                rules: "0123456789abcdef".into(),
            },
            rules: None,
        }
    }

    /// The labels of the pack, in pack order.
    pub fn labels(&self) -> &[LabelInfo] {
        self.rules.map_or(&[], |r| r.labels())
    }

    /// The pack's entry for label `name`.
    pub fn label(&self, name: &str) -> Option<&LabelInfo> {
        self.labels().iter().find(|l| l.name == name)
    }

    /// The CAMEO actor code of actor `code`.
    pub fn actor_cameo(&self, code: &str) -> Option<&str> {
        self.rules.and_then(|r| r.actor_cameo(code))
    }

    /// What the rows of the long table ([`rows`]) need: the pack and the provenance.
    pub fn row_context(&self) -> rows::Context<'_> {
        rows::Context {
            rules: self.rules,
            version: &self.provenance.version,
            rules_hash: &self.provenance.rules,
        }
    }
}

/// Options of the sinks that have any.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `--excel`: byte-order mark and formula neutralisation (csv, tsv).
    pub excel: bool,
    /// Colour terminal output (table).
    pub color: bool,
    /// `--csv-shape`: the rows of csv and tsv.
    pub csv_shape: CsvShape,
    /// `--summary --dyads`: count speaker actor × target actor × label.
    pub dyads: bool,
}

/// The sink for `format`, writing to `out`.
pub fn sink<'a, W: Write + 'a>(
    format: Format,
    out: W,
    meta: &'a Meta<'a>,
    opts: Options,
) -> Box<dyn Sink + 'a> {
    match format {
        Format::Text => Box::new(text::TextSink::new(out)),
        Format::Json => Box::new(json::JsonSink::new(out, meta)),
        Format::Jsonl => Box::new(jsonl::JsonlSink::new(out, meta)),
        Format::Csv => Box::new(csv::CsvSink::new(
            out,
            meta,
            b',',
            opts.excel,
            opts.csv_shape,
        )),
        Format::Tsv => Box::new(csv::CsvSink::new(
            out,
            meta,
            b'\t',
            opts.excel,
            opts.csv_shape,
        )),
        Format::Table => Box::new(table::TableSink::new(out, opts.color)),
        Format::Html => Box::new(html::HtmlSink::new(out, meta)),
    }
}

/// The `--summary` sink for `format`: a table, CSV, TSV or JSON; `None` for `html`.
pub fn summary_sink<'a, W: Write + 'a>(
    format: Format,
    out: W,
    meta: &'a Meta<'a>,
    opts: Options,
) -> Option<Box<dyn Sink + 'a>> {
    use summary::SummaryFormat as F;
    let f = match format {
        Format::Text | Format::Table => F::Table,
        Format::Csv => F::Delimited(b','),
        Format::Tsv => F::Delimited(b'\t'),
        Format::Json | Format::Jsonl => F::Json,
        Format::Html => return None,
    };
    if opts.dyads {
        return Some(Box::new(dyads::DyadSink::new(out, meta, f, opts)));
    }
    Some(Box::new(summary::SummarySink::new(out, meta, f, opts)))
}
