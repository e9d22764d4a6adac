//! The `demarche` binary: parse the command line, run a subcommand, map the outcome to an exit
//! code.
//!
//! Exit codes: 0 success (with or without statements); 1 failed rule tests; 2 usage (from
//! clap), rule-file, input or output errors. A closed stdout (broken pipe, as with `| head`)
//! exits 0 quietly, as ripgrep and ruff do. The CLI is the only crate that uses anyhow; it
//! renders what the engine returns and never decides stance itself.

mod args;
mod commands;
mod coverage;
mod eval;
mod input;
mod output;
mod pipeline;
mod progress;

use clap::Parser;
use std::io;
use std::process::ExitCode;

/// mimalloc instead of the system allocator. A run makes some 40 small, short-lived
/// allocations per sentence (token forms, matches, statements, output), and glibc's malloc
/// and free took about a tenth of one thread's time. With transparent huge pages off
/// (`no_thp`), peak RSS stays about what it was (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(&cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            commands::warn(&format!("error: {err:#}"));
            ExitCode::from(2)
        }
    }
}

/// True when the error comes from writing to a closed pipe.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
