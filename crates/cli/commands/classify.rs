//! `demarche classify [PATH|-]...`: read articles, extract their statements, write results.
//!
//! Inputs are read by [`crate::input`], one item per article in input order, and each result is
//! written at once by the sink of `--format` ([`crate::output`]), so output streams. An input
//! that cannot be read still gets its result (an error record) and processing goes on; the
//! exit code is then 2 once everything else is done, as ripgrep does, or at once under
//! `--strict`. Each such error is also reported on stderr, since stdout may be going to a file;
//! warnings about odd input (in each result's `warnings`) are summed up there at the end.
//!
//! With `--summary`, the same run is written as an actors × labels count instead; with
//! `--coverage`, rule firings and candidate sentences are reported on stderr after the run.

use super::{load_rules, warn};
use crate::args::{ClassifyArgs, Color, Format};
use crate::coverage::Coverage;
use crate::input::{for_each_item, InputOptions, Item};
use crate::output::{self, Meta, Options};
use anyhow::Context;
use demarche_core::ArticleResult;
use std::io::{self, BufWriter, IsTerminal};
use std::process::ExitCode;

/// Raised by the item callback under `--strict` to stop at the first failed input.
#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stopped at the first input error (--strict)")
    }
}

impl std::error::Error for Stop {}

/// Articles with warnings, summed up on stderr at the end rather than one line each: a corpus
/// with many duplicate ids would otherwise bury the errors.
#[derive(Debug, Default)]
struct Warned {
    articles: usize,
    first: Option<String>,
}

impl Warned {
    fn note(&mut self, warnings: &[demarche_core::ArticleWarning]) {
        if let Some(w) = warnings.first() {
            self.articles += 1;
            self.first.get_or_insert_with(|| w.message.clone());
        }
    }

    fn report(&self) {
        if let Some(first) = &self.first {
            warn(&format!("warning: {first}"));
            if self.articles > 1 {
                warn(&format!(
                    "warning: {} article(s) have warnings; see their `warnings` field",
                    self.articles
                ));
            }
        }
    }
}

/// Runs `classify`.
pub fn run(args: &ClassifyArgs) -> anyhow::Result<ExitCode> {
    if args.excel && !matches!(args.format, Format::Csv | Format::Tsv) {
        anyhow::bail!("--excel applies to --format csv and tsv only");
    }
    if args.summary && args.format == Format::Html {
        anyhow::bail!("--summary writes a table, csv, tsv or json, not html");
    }
    let rules = load_rules(args.rules.as_deref())?;
    let meta = Meta::new(&rules);
    let input_opts = InputOptions::from_args(args.input_format, &args.input);
    let strict = args.input.strict;
    let stdout = io::stdout();
    let opts = Options {
        excel: args.excel,
        color: use_color(args.color, stdout.is_terminal()),
    };
    let out = BufWriter::new(stdout.lock());
    let mut sink = if args.summary {
        output::summary_sink(args.format, out, &meta, opts).context("no summary sink")?
    } else {
        output::sink(args.format, out, &meta, opts)
    };
    let mut failed = 0usize;
    let mut coverage = args.coverage.then(|| Coverage::new(&rules));
    let mut warned = Warned::default();
    let walked = for_each_item(&args.paths, &input_opts, &mut |item| match item {
        Item::Article(article, warnings) => {
            warned.note(&warnings);
            let statements = match &mut coverage {
                Some(c) => c.extract(&rules, &article),
                None => rules.extract(&article),
            };
            let mut result = ArticleResult::ok(&article, statements);
            result.warnings = warnings;
            sink.article(Some(&article.text), &result)
                .context("cannot write output")
        }
        Item::Failed(result) => {
            failed += 1;
            if let Some(err) = &result.error {
                warn(&format!("error: {}", err.message));
            }
            sink.article(None, &result).context("cannot write output")?;
            if strict {
                return Err(Stop.into());
            }
            Ok(())
        }
    });
    let stopped = match walked {
        Ok(()) => false,
        Err(err) if err.is::<Stop>() => true,
        Err(err) => return Err(err),
    };
    sink.finish().context("cannot write output")?;
    warned.report();
    if let Some(c) = coverage {
        // Nothing better to do if stderr itself is closed.
        let _ = c.write(&mut io::stderr().lock());
    }
    if stopped {
        warn(&format!("error: {Stop}"));
        return Ok(ExitCode::from(2));
    }
    if failed > 0 {
        warn(&format!("error: {failed} input(s) could not be read"));
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether to colour: `--color`, else a terminal and `NO_COLOR` unset or empty (no-color.org).
fn use_color(when: Color, terminal: bool) -> bool {
    match when {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && !std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    }
}
