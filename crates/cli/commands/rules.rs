//! `demarche rules [RULES] [--hash]`: describe a rule pack.
//!
//! Prints the pack's provenance hash (the one every JSON, CSV and HTML output records), its
//! counts, and its labels with their CAMEO and PLOVER codes. `--hash` prints the hash alone, for
//! scripts: `test "$(demarche rules --hash)" = "$(jq -r .demarche.rules out.jsonl | head -1)"`.

use super::load_rules;
use crate::args::RulesInfoArgs;
use anyhow::Context;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// Runs `rules`.
pub fn run(args: &RulesInfoArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(args.rules.as_deref())?;
    let mut out = BufWriter::new(io::stdout().lock());
    let hash = format!("{:016x}", rules.hash());
    let write = |out: &mut BufWriter<io::StdoutLock>| -> io::Result<()> {
        if args.hash {
            writeln!(out, "{hash}")?;
            return out.flush();
        }
        let (stance, guards) = rules.rule_count();
        let (actors, aliases) = rules.actor_count();
        writeln!(out, "hash      {hash}")?;
        writeln!(out, "rules     {stance} stance rules, {guards} guards")?;
        writeln!(out, "actors    {actors} actors, {aliases} aliases")?;
        writeln!(out)?;
        let width = rules
            .labels()
            .iter()
            .map(|l| l.name.len())
            .max()
            .unwrap_or(0)
            .max(5);
        writeln!(
            out,
            "{:width$}  {:6}  {:8}  description",
            "label", "cameo", "plover"
        )?;
        for l in rules.labels() {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "{:width$}  {:6}  {:8}  {}",
                l.name,
                dash(&l.cameo),
                dash(&l.plover),
                l.description.as_deref().unwrap_or("")
            )?;
        }
        out.flush()
    };
    write(&mut out).context("cannot write output")?;
    Ok(ExitCode::SUCCESS)
}
