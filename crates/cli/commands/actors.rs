//! `demarche actors import DICT... --out DIR [--pack DIR] [--stop-list FILE]`: TABARI /
//! PETRARCH `.actors` dictionaries to actor rule files (docs/actors.md).
//!
//! Reads the dictionaries (UTF-8, or Latin-1 line by line), the pack they go into and the stop
//! list, and writes one `.rules` file per dictionary into `--out`. Every bad dictionary line is
//! reported with `file:line:col`; with any, nothing is written unless `--keep-going`.

use super::warn;
use crate::args::ActorsImportArgs;
use anyhow::Context;
use demarche_engine::tabari::{decode, import as run_import, ImportOptions};
use demarche_engine::{read_sources, RuleSet};
use std::path::Path;
use std::process::ExitCode;

/// Runs `actors import`.
pub fn import(args: &ActorsImportArgs) -> anyhow::Result<ExitCode> {
    let pack = load_pack(args.pack.as_deref(), &args.out)?;
    let mut dicts = Vec::new();
    for path in &args.dicts {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        dicts.push((path.display().to_string(), decode(&bytes)));
    }
    let mut opts = ImportOptions {
        command: std::iter::once("demarche".to_string())
            .chain(std::env::args().skip(1).map(|a| shell_quote(&a)))
            .collect::<Vec<_>>()
            .join(" "),
        provenance: args.provenance.clone(),
        since: args.since,
        ..ImportOptions::default()
    };
    if let Some(stop) = &args.stop_list {
        let text =
            std::fs::read_to_string(stop).with_context(|| format!("reading {}", stop.display()))?;
        opts.stop_words = demarche_engine::tabari::stop_words(&text);
    }
    let imported = run_import(&pack, &dicts, &opts);
    for err in &imported.errors {
        warn(&err.render());
    }
    if !imported.errors.is_empty() && !args.keep_going {
        anyhow::bail!(
            "{} bad line(s) in the dictionaries; nothing written (--keep-going writes the rest)",
            imported.errors.len()
        );
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for (name, text) in &imported.files {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let s = &imported.stats;
    warn(&format!(
        "{} entries: {} names written into {} file(s); left out: {} in the pack, {} stop-listed \
         or short, {} taken, {} ended before --since; {} entries with no mappable code; {} bad \
         line(s)",
        s.entries,
        s.names,
        imported.files.len(),
        s.in_pack,
        s.stopped,
        s.taken,
        s.ended,
        s.unmapped,
        imported.errors.len()
    ));
    Ok(ExitCode::SUCCESS)
}

/// The pack in `dir` without its files under `out` (an earlier import), or the embedded pack.
fn load_pack(dir: Option<&Path>, out: &Path) -> anyhow::Result<RuleSet> {
    let Some(dir) = dir else {
        return super::load_rules(None);
    };
    let sources: Vec<(String, String)> = read_sources(dir)?
        .into_iter()
        .filter(|(p, _)| !Path::new(p).starts_with(out))
        .collect();
    match RuleSet::from_sources(&sources) {
        Ok(rules) => Ok(rules),
        Err(demarche_engine::Error::Rules(errors)) => {
            errors.iter().for_each(|e| warn(&e.render()));
            anyhow::bail!("{} error(s) in rule files", errors.len())
        }
        Err(e) => Err(e.into()),
    }
}

/// `arg` as a POSIX shell word: as it is when it is plain, else in single quotes.
fn shell_quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}
