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
use crate::args::{ClassifyArgs, Color, CsvShape, Format};
use crate::coverage::Coverage;
use crate::input::InputOptions;
use crate::output::{self, Meta, Options};
use crate::pipeline::{Done, Run};
use crate::progress::Progress;
use anyhow::Context;
use std::io::{self, BufWriter, IsTerminal, Write};
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

/// Articles read and those with no text, for the warning about an empty input: an empty
/// file or stdin would otherwise give an empty output and no word at all.
#[derive(Debug, Default)]
struct Read {
    articles: usize,
    empty: usize,
    first_empty: Option<String>,
}

impl Read {
    fn note(&mut self, id: Option<&str>, text_len: usize) {
        self.articles += 1;
        if text_len == 0 {
            self.empty += 1;
            if self.first_empty.is_none() {
                self.first_empty = id.map(str::to_string);
            }
        }
    }

    /// One warning line on stderr when the input held no article, or articles with no text.
    fn report(&self) {
        if self.articles == 0 {
            warn("warning: the input is empty: no article was read");
        } else if self.empty > 0 {
            let first = match &self.first_empty {
                Some(id) => format!(" (first: {id})"),
                None => String::new(),
            };
            warn(&format!(
                "warning: {} of {} article(s) have an empty text{first}",
                self.empty, self.articles
            ));
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
    if args.csv_shape != CsvShape::Stance && !matches!(args.format, Format::Csv | Format::Tsv) {
        anyhow::bail!("--csv-shape applies to --format csv and tsv only");
    }
    let rules = load_rules(args.rules.as_deref())?;
    let meta = Meta::new(&rules);
    let input_opts = InputOptions::from_args(args.input_format, &args.input);
    let strict = args.input.strict;
    let stdout = io::stdout();
    let opts = Options {
        excel: args.excel,
        color: use_color(args.color, stdout.is_terminal()),
        csv_shape: args.csv_shape,
        dyads: args.dyads,
    };
    // The sink writes through `out`; the pipeline flushes it whenever it waits for input, so
    // results of a stream reach the reader before the stream ends.
    let out = Shared::new(BufWriter::new(stdout.lock()));
    let mut flush = out.clone();
    let mut sink = if args.summary {
        output::summary_sink(args.format, out, &meta, opts).context("no summary sink")?
    } else {
        output::sink(args.format, out, &meta, opts)
    };
    let mut failed = 0usize;
    let mut coverage = args.coverage.then(|| Coverage::new(&rules));
    let mut warned = Warned::default();
    let mut read = Read::default();
    let mut progress =
        (!args.quiet && io::stderr().is_terminal()).then(|| Progress::new(total_size(&args.paths)));
    let render = sink.render();
    let run = Run {
        paths: &args.paths,
        input: &input_opts,
        rules: &rules,
        coverage: args.coverage,
        jobs: args.jobs.map_or_else(default_jobs, usize::from),
        render: render.as_deref(),
    };
    let mut idle = || flush.flush().context("cannot write output");
    let walked = run.each(
        &mut |done| match done {
            Done::Article {
                article,
                result,
                candidates,
            } => {
                warned.note(&result.warnings);
                read.note(Some(&article.id), article.text.len());
                if let Some(c) = &mut coverage {
                    c.tally(&article.id, &result.statements, candidates);
                }
                if let Some(p) = &mut progress {
                    p.tick(article.text.len());
                }
                sink.article(Some(&article.text), &result)
                    .context("cannot write output")
            }
            Done::Rendered {
                bytes,
                warnings,
                text_len,
            } => {
                warned.note(&warnings);
                read.note(None, text_len);
                if let Some(p) = &mut progress {
                    p.tick(text_len);
                }
                sink.rendered(&bytes).context("cannot write output")
            }
            Done::Failed(result) => {
                failed += 1;
                read.articles += 1;
                if let Some(err) = &result.error {
                    warn(&format!("error: {}", err.message));
                }
                sink.article(None, &result).context("cannot write output")?;
                if strict {
                    return Err(Stop.into());
                }
                Ok(())
            }
        },
        &mut idle,
    );
    if let Some(p) = &progress {
        p.finish();
    }
    let stopped = match walked {
        Ok(()) => false,
        Err(err) if err.is::<Stop>() => true,
        Err(err) => return Err(err),
    };
    sink.finish().context("cannot write output")?;
    warned.report();
    if !stopped {
        read.report();
    }
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

/// A writer shared by the sink and the code that flushes it, on one thread.
struct Shared<W>(std::rc::Rc<std::cell::RefCell<W>>);

impl<W> Shared<W> {
    fn new(inner: W) -> Self {
        Shared(std::rc::Rc::new(std::cell::RefCell::new(inner)))
    }
}

impl<W> Clone for Shared<W> {
    fn clone(&self) -> Self {
        Shared(std::rc::Rc::clone(&self.0))
    }
}

impl<W: Write> Write for Shared<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.borrow_mut().flush()
    }
}

/// Every core the process may use.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The total size of the inputs, when they are all files (not folders or stdin).
fn total_size(paths: &[std::path::PathBuf]) -> Option<u64> {
    if paths.is_empty() {
        return None;
    }
    paths.iter().try_fold(0, |sum, p| {
        let meta = std::fs::metadata(p).ok().filter(|m| m.is_file())?;
        Some(sum + meta.len())
    })
}

/// Whether to colour: `--color`, else a terminal and `NO_COLOR` unset or empty (no-color.org).
fn use_color(when: Color, terminal: bool) -> bool {
    match when {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && !std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    }
}
