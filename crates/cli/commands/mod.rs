//! The subcommands, one module each, and what they share: loading a rule pack and reporting
//! its errors.
//!
//! Each command returns the process exit code, or an error for `main` to report (and to turn
//! into exit 2, or 0 for a closed stdout). Rule-file errors are rendered here, all of them, to
//! stderr: the engine only returns them.

pub mod actors;
pub mod check;
pub mod classify;
pub mod eval;
pub mod explain;
pub mod generate;
pub mod rules;
pub mod test;

use crate::args::{Cli, Command};
use demarche_engine::{Error, RuleSet};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Runs the subcommand of `cli`.
pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Classify(args) => classify::run(args),
        Command::Check(args) => check::run(args),
        Command::Test(args) => test::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Actors(crate::args::ActorsCommand::Import(args)) => actors::import(args),
        Command::Completions(args) => generate::completions(args.shell),
        Command::Man => generate::man(),
    }
}

/// Compiles the rule pack in `dir`, or the embedded pack. On rule-file errors, renders every
/// one to stderr and returns `N error(s) in rule files`.
pub fn load_rules(dir: Option<&Path>) -> anyhow::Result<RuleSet> {
    let compiled = match dir {
        Some(dir) => RuleSet::from_dir(dir),
        None => RuleSet::embedded(),
    };
    match compiled {
        Ok(rules) => Ok(rules),
        Err(Error::Rules(errors)) => {
            let mut stderr = std::io::stderr().lock();
            for err in &errors {
                // Nothing better to do if stderr itself is closed.
                let _ = writeln!(stderr, "{}", err.render());
            }
            anyhow::bail!("{} error(s) in rule files", errors.len())
        }
        // `Error::Io` already names the path and the cause; keep it as one message.
        Err(err @ Error::Io { .. }) => anyhow::bail!("{err}"),
    }
}

/// Writes one line to stderr, ignoring a closed stderr.
pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "{message}");
}
