//! `demarche classify [PATH|-]...`: read articles, extract their statements, write results.
//!
//! Inputs are read by [`crate::input`], one item per article in input order, and each result is
//! written at once by the sink of `--format` ([`crate::output`]), so output streams. An input
//! that cannot be read still gets its result (an error record) and processing goes on; the
//! exit code is then 2 once everything else is done, as ripgrep does. Each such error is also
//! reported on stderr, since stdout may be going to a file.

use super::{load_rules, warn};
use crate::args::ClassifyArgs;
use crate::coverage::Coverage;
use crate::input::{for_each_item, Item};
use crate::output;
use anyhow::Context;
use demarche_core::ArticleResult;
use std::io::{self, BufWriter};
use std::process::ExitCode;

/// Runs `classify`.
pub fn run(args: &ClassifyArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(args.rules.as_deref())?;
    let stdout = io::stdout();
    let mut sink = output::sink(args.format, BufWriter::new(stdout.lock()));
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
