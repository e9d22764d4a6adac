//! `demarche completions SHELL` and `demarche man`: shell completions (clap_complete) and a
//! roff manual page (clap_mangen), both generated from the clap definitions in `args.rs`, so
//! they never drift from the real command line.
//!
//! The man page is `demarche(1)` with every subcommand's page appended (`demarche-classify(1)`,
//! ...), in one roff stream: `demarche man > demarche.1 && man ./demarche.1`.

use crate::args::Cli;
use anyhow::Context;
use clap::CommandFactory;
use std::io::{self, Write};
use std::process::ExitCode;

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut cmd = Cli::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut cmd, "demarche", &mut out);
    out.flush().context("cannot write output")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the manual page, as roff, to stdout.
pub fn man() -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    write_man(&mut out).context("cannot write output")?;
    out.flush().context("cannot write output")?;
    Ok(ExitCode::SUCCESS)
}

/// The page of `demarche`, then one page per subcommand (except `help`).
fn write_man(out: &mut impl Write) -> io::Result<()> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for sub in cmd.get_subcommands() {
        // A one-shot command: leaking a few names is simpler than clap's `string` feature.
        let name: &'static str = Box::leak(format!("demarche-{}", sub.get_name()).into_boxed_str());
        let sub = sub.clone().name(name).version(env!("CARGO_PKG_VERSION"));
        clap_mangen::Man::new(sub).render(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn man_page_names_every_subcommand_and_flag() {
        let mut buf = Vec::new();
        write_man(&mut buf).unwrap();
        let page = String::from_utf8(buf).unwrap();
        let cmd = Cli::command();
        for sub in cmd.get_subcommands() {
            assert!(
                page.contains(&format!("demarche\\-{}", sub.get_name())),
                "{}",
                sub.get_name()
            );
            for arg in sub.get_arguments() {
                if let Some(long) = arg.get_long() {
                    let flag = format!("\\-\\-{}", long.replace('-', "\\-"));
                    assert!(page.contains(&flag), "{} {flag}", sub.get_name());
                }
            }
        }
    }
}
