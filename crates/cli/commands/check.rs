//! `demarche check [RULES]`: compile a rule pack and report every error in it.
//!
//! Prints `ok: N labels` and exits 0 when the pack compiles; otherwise every positioned error
//! goes to stderr, then `error: N error(s) in rule files`, and the exit code is 2 (through the
//! error returned by [`super::load_rules`]).

use super::load_rules;
use anyhow::Context;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Runs `check` on `dir`, or on the embedded pack.
pub fn run(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let rules = load_rules(dir)?;
    let mut out = std::io::stdout().lock();
    let labels = rules.labels().len();
    let noun = if labels == 1 { "label" } else { "labels" };
    writeln!(out, "ok: {labels} {noun}")
        .and_then(|()| out.flush())
        .context("cannot write output")?;
    Ok(ExitCode::SUCCESS)
}
