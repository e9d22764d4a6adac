//! `demarche-bench`: the tooling behind `benches/run.sh` and `docs/performance.md`.
//!
//! - `corpus`: N MB of JSON Lines built from the project's own articles (seeded, streamed);
//! - `phrases`: the rule pack's anchor phrases, one a line, for `rg -i -F -f`;
//! - `rules`: the default pack plus generated rules, N times its size, for the rule-count test;
//! - `compile-time`: how long the embedded pack (or a folder) takes to compile.
//!
//! It measures nothing about `classify` itself: the script times the `demarche` binary from the
//! outside, as a user would run it. It is not part of CI's test run beyond its unit tests.

mod corpus;
mod genrules;
mod pack;
mod rng;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use demarche_engine::{read_sources, RuleSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Benchmark tooling for demarche (see docs/performance.md).
#[derive(Parser)]
#[command(name = "demarche-bench", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write N MB (10^6 bytes) of JSON Lines articles to stdout, from shuffled paragraphs
    Corpus {
        /// Size in MB (10^6 bytes); fractions allowed
        #[arg(long)]
        mb: f64,
        /// Seed of the shuffle: the same seed gives the same bytes
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folders or files of articles (.txt, .jsonl) [default: the project's tests/corpus and
        /// tests/gold]
        #[arg(long, num_args = 1..)]
        from: Vec<PathBuf>,
    },
    /// Print the anchor phrases of a rule pack's stance rules, one a line (for rg -i -F -f)
    Phrases {
        /// Rule pack folder [default: the embedded pack]
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Write the default pack plus generated stance rules, TIMES its rule count in all
    Rules {
        /// How many times the default pack's stance-rule count the new pack has
        #[arg(long, default_value_t = 10.0)]
        times: f64,
        /// Folder to create (must not exist, or be empty)
        #[arg(long)]
        out: PathBuf,
        /// Seed of the generated phrases
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Articles to draw the vocabulary from [default: the project's tests/corpus]
        #[arg(long, num_args = 1..)]
        from: Vec<PathBuf>,
    },
    /// Time the compilation of the embedded pack (or --rules DIR): median of --runs
    CompileTime {
        /// Rule pack folder [default: the embedded pack]
        #[arg(long)]
        rules: Option<PathBuf>,
        /// How many compilations to time
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
}

/// The project's `tests/` folder, found from this crate's source location.
fn project_tests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Corpus { mb, seed, from } => {
            let from = if from.is_empty() {
                vec![project_tests().join("corpus"), project_tests().join("gold")]
            } else {
                from
            };
            let paras = corpus::Paragraphs::load(&from)?;
            let target = (mb * 1e6).round() as u64;
            let stdout = std::io::stdout().lock();
            let out = std::io::BufWriter::with_capacity(1 << 16, stdout);
            let w = corpus::write_corpus(&paras, target, seed, out)?;
            eprintln!(
                "corpus: {} articles, {} bytes, from {} headlines and {} paragraphs, seed {seed}",
                w.articles,
                w.bytes,
                paras.headlines.len(),
                paras.body.len()
            );
        }
        Command::Phrases { rules } => {
            let scanned = match &rules {
                Some(dir) => pack::Pack::scan(&read_sources(dir)?),
                None => pack::Pack::scan(demarche_engine::embedded_sources()),
            };
            let (phrases, unanchored) = scanned.anchor_phrases();
            let mut out = std::io::stdout().lock();
            for p in &phrases {
                writeln!(out, "{p}")?;
            }
            eprintln!(
                "phrases: {} from {} match patterns; rules with an unanchored pattern: {}",
                phrases.len(),
                scanned.pattern_count(),
                if unanchored.is_empty() {
                    "none".into()
                } else {
                    unanchored.join(", ")
                }
            );
        }
        Command::Rules {
            times,
            out,
            seed,
            from,
        } => {
            let from = if from.is_empty() {
                vec![project_tests().join("corpus")]
            } else {
                from
            };
            let vocab = genrules::vocabulary(&corpus::Paragraphs::load(&from)?);
            let made = genrules::write_pack(&out, times, seed, &vocab)?;
            eprintln!(
                "rules: {} + {} generated stance rules ({} phrases from {} words) in {}",
                made.base_rules,
                made.rules,
                made.phrases,
                vocab.len(),
                out.display()
            );
        }
        Command::CompileTime { rules, runs } => {
            let runs = runs.max(1);
            let sources = rules.as_deref().map(read_sources).transpose()?;
            let mut ms = Vec::with_capacity(runs);
            for _ in 0..runs {
                let start = Instant::now();
                let set = match &sources {
                    Some(s) => RuleSet::from_sources(s),
                    None => RuleSet::embedded(),
                }
                .context("the pack does not compile")?;
                ms.push(start.elapsed().as_secs_f64() * 1e3);
                drop(set);
            }
            ms.sort_by(f64::total_cmp);
            let what = rules.map_or("embedded pack".to_string(), |d| d.display().to_string());
            println!(
                "{what}: compiled in {:.1} ms (median of {runs}; min {:.1}, max {:.1})",
                ms[runs / 2],
                ms[0],
                ms[runs - 1]
            );
        }
    }
    Ok(())
}
