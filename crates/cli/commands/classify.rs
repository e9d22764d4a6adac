//! `demarche classify [PATH|-]...`: read articles, extract their statements, write results.
//!
//! Inputs are read by [`crate::input`], one item per article in input order, and each result is
//! written at once by the sink of `--format` ([`crate::output`]), so output streams. An input
//! that cannot be read still gets its result (an error record) and processing goes on; the
//! exit code is then 2 once everything else is done, as ripgrep does. Each such error is also
//! reported on stderr, since stdout may be going to a file.
//!
//! With `--summary`, the same run is written as an actors × labels count instead.

use super::{load_rules, warn};
use crate::args::{ClassifyArgs, Color, Format};
use crate::coverage::Coverage;
use crate::input::{for_each_item, Item};
use crate::output::{self, Meta, Options};
use anyhow::Context;
use demarche_core::ArticleResult;
use std::io::{self, BufWriter, IsTerminal};
use std::process::ExitCode;

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
    for_each_item(&args.paths, args.input_format, &mut |item| {
        match item {
            Item::Article(article) => {
                let statements = match &mut coverage {
                    Some(c) => c.extract(&rules, &article),
                    None => rules.extract(&article),
                };
                let result = ArticleResult::ok(&article, statements);
                sink.article(Some(&article.text), &result)
            }
            Item::Failed(result) => {
                failed += 1;
                if let Some(err) = &result.error {
                    warn(&format!("error: {}", err.message));
                }
                sink.article(None, &result)
            }
        }
        .context("cannot write output")
    })?;
    sink.finish().context("cannot write output")?;
    if let Some(c) = coverage {
        // Nothing better to do if stderr itself is closed.
        let _ = c.write(&mut io::stderr().lock());
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
