//! `demarche eval GOLD.jsonl... [--rules DIR] [--baseline DIR] [--fail-under F1]
//! [--fail-under-actors F] [--fail-under-attributed F] [--fail-under-targets F]`: score a rule
//! pack against gold files ([`crate::eval`]) and print the report.
//!
//! Exit codes: 0; 1 when a measure is under its `--fail-under*` threshold (each one under is
//! named on stderr); 2 when a gold file or record cannot be read (every other record is still
//! scored, and the report still printed).

use super::{load_rules, warn};
use crate::args::{EvalArgs, ReportFormat};
use crate::eval::{score, Counts, GoldArticle, Kind, Report};
use anyhow::Context;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// Runs `eval`.
pub fn run(args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(args.rules.as_deref())?;
    let mut gold = Vec::new();
    let mut bad = 0;
    // Each gold file's own report, and all of them together.
    let mut files = Vec::new();
    let mut report = Report::default();
    for path in &args.gold {
        let from = gold.len();
        bad += read_gold(path, &mut gold)?;
        let file = score(&rules, &gold[from..]);
        report.merge(&file);
        files.push((path.display().to_string(), file));
    }
    let baseline = match &args.baseline {
        Some(dir) => Some(score(&load_rules(Some(dir))?, &gold)),
        None => None,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ReportFormat::Human => write_human(&mut out, args, &report, &files, baseline.as_ref()),
        ReportFormat::Json => write_json(&mut out, &report, &files, baseline.as_ref()),
    }
    .and_then(|()| out.flush())
    .context("cannot write output")?;
    for (id, sentence) in &report.missing_sentences {
        warn(&format!(
            "warning: gold article `{id}`: sentence not found in its text, not scored: {sentence:?}"
        ));
    }
    if bad > 0 {
        warn(&format!("error: {bad} gold record(s) could not be read"));
        return Ok(ExitCode::from(2));
    }
    let mut under = false;
    for gate in gates(args, &report) {
        match gate {
            Gate::Under(message) => {
                under = true;
                warn(&format!("error: {message}"));
            }
            Gate::Ignored(message) => warn(&format!("note: {message}")),
        }
    }
    Ok(if under {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The outcome of one `--fail-under*` threshold that did not simply pass.
#[derive(Debug, PartialEq)]
enum Gate {
    /// The measure is under its threshold: exit 1.
    Under(String),
    /// The threshold cannot apply to this gold (it has nothing to measure).
    Ignored(String),
}

/// Checks every threshold given. A measure with nothing found to score counts as 0; a measure
/// the gold cannot give (no statement with actors, no `targets` field) is ignored with a note.
fn gates(args: &EvalArgs, r: &Report) -> Vec<Gate> {
    let no_actors =
        (r.actor_total == 0).then_some("the gold has no statement with labels and actors");
    let no_targets = (r.target_gold == 0).then_some("the gold has no targets");
    let measures = [
        (
            "micro F1",
            "--fail-under",
            args.fail_under,
            Some(r.micro().prf().2),
            None,
        ),
        (
            "actor strict",
            "--fail-under-actors",
            args.fail_under_actors,
            r.actor_strict_ratio(),
            no_actors,
        ),
        (
            "attributed recall",
            "--fail-under-attributed",
            args.fail_under_attributed,
            r.attributed_recall(),
            no_actors,
        ),
        (
            "target strict",
            "--fail-under-targets",
            args.fail_under_targets,
            r.target_strict_ratio(),
            no_targets,
        ),
    ];
    let mut out = Vec::new();
    for (name, flag, min, value, missing) in measures {
        let Some(min) = min else { continue };
        if let Some(why) = missing {
            out.push(Gate::Ignored(format!("{flag} {min} ignored: {why}")));
            continue;
        }
        let value = value.unwrap_or(0.0);
        if value < min {
            out.push(Gate::Under(format!(
                "{name} {value:.3} is under {flag} {min}"
            )));
        }
    }
    out
}

/// Reads one gold file; reports each bad line (`file:line: what`) on stderr and returns how
/// many there were.
fn read_gold(path: &Path, into: &mut Vec<GoldArticle>) -> anyhow::Result<usize> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bad = 0;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<GoldArticle>(&line) {
            Ok(g) => into.push(g),
            Err(e) => {
                bad += 1;
                warn(&format!(
                    "error: {}:{}: not a gold record: {e}",
                    path.display(),
                    n + 1
                ));
            }
        }
    }
    Ok(bad)
}

/// The tables and lists, for people.
fn write_human(
    out: &mut impl Write,
    args: &EvalArgs,
    r: &Report,
    files: &[(String, Report)],
    baseline: Option<&Report>,
) -> io::Result<()> {
    let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    writeln!(
        out,
        "gold: {} ({} articles, {} statements, {} negatives)",
        names.join(", "),
        r.articles,
        r.statements,
        r.negatives
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:14} {:>4} {:>4} {:>4}  {:>5} {:>5} {:>5}",
        "label", "tp", "fp", "fn", "P", "R", "F1"
    )?;
    for (label, c) in &r.labels {
        write_row(out, label, c)?;
    }
    write_row(out, "micro", &r.micro())?;
    writeln!(out, "{:14} {:>34.3}", "macro F1", r.macro_f1())?;
    writeln!(out)?;
    writeln!(
        out,
        "actors: strict {} ({}/{}), lenient {} ({}/{}); {} of {} attributed gold statements found",
        fmt_ratio(r.actor_strict, r.actor_scored),
        r.actor_strict,
        r.actor_scored,
        fmt_ratio(r.actor_lenient, r.actor_scored),
        r.actor_lenient,
        r.actor_scored,
        r.actor_scored,
        r.actor_total
    )?;
    writeln!(
        out,
        "attributed recall: {} ({}/{} gold statements with actors found with a right actor)",
        fmt_ratio(r.actor_lenient, r.actor_total),
        r.actor_lenient,
        r.actor_total
    )?;
    if r.target_gold == 0 {
        writeln!(out, "targets: - (the gold has no targets)")?;
    } else {
        writeln!(
            out,
            "targets: strict {} ({}/{}), named {} ({}/{}); {} of {} gold statements with targets found",
            fmt_ratio(r.target_strict, r.target_scored),
            r.target_strict,
            r.target_scored,
            fmt_ratio(r.target_named, r.target_named_scored),
            r.target_named,
            r.target_named_scored,
            r.target_scored,
            r.target_gold
        )?;
    }
    writeln!(
        out,
        "negatives: {} of {} labelled ({})",
        r.negatives_labelled,
        r.negatives,
        fmt_ratio(r.negatives_labelled, r.negatives)
    )?;
    if files.len() > 1 {
        write_files(out, files)?;
    }
    let shown = args.errors.unwrap_or(usize::MAX);
    for (kind, title) in [
        (Kind::FalsePositive, "false positives"),
        (Kind::FalseNegative, "false negatives"),
        (Kind::Actor, "wrong actors"),
        (Kind::Target, "wrong targets"),
    ] {
        let list: Vec<_> = r.mistakes.iter().filter(|m| m.kind == kind).collect();
        if list.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "{title} ({}):", list.len())?;
        for m in list.iter().take(shown) {
            let rules = if m.rules.is_empty() {
                String::new()
            } else {
                format!("  [{}]", m.rules.join(", "))
            };
            writeln!(
                out,
                "  {:14} {}: {:?}{rules}",
                m.label, m.article, m.sentence
            )?;
        }
        if list.len() > shown {
            writeln!(out, "  ... and {} more", list.len() - shown)?;
        }
    }
    write_rules(out, r)?;
    if let (Some(b), Some(dir)) = (baseline, &args.baseline) {
        write_baseline(out, r, b, &dir.display().to_string())?;
    }
    Ok(())
}

/// The main measures of each gold file, when there are several.
fn write_files(out: &mut impl Write, files: &[(String, Report)]) -> io::Result<()> {
    let width = files.iter().map(|(f, _)| f.len()).max().unwrap_or(4).max(4);
    writeln!(out)?;
    writeln!(
        out,
        "{:width$} {:>8} {:>8} {:>6} {:>10} {:>7} {:>6}",
        "file", "articles", "micro F1", "actors", "attributed", "targets", "named"
    )?;
    let show = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.3}"));
    for (file, r) in files {
        writeln!(
            out,
            "{file:width$} {:>8} {:>8.3} {:>6} {:>10} {:>7} {:>6}",
            r.articles,
            r.micro().prf().2,
            show(r.actor_strict_ratio()),
            show(r.attributed_recall()),
            show(r.target_strict_ratio()),
            show(r.target_named_ratio())
        )?;
    }
    Ok(())
}

fn write_row(out: &mut impl Write, label: &str, c: &Counts) -> io::Result<()> {
    let (p, r, f) = c.prf();
    writeln!(
        out,
        "{label:14} {:>4} {:>4} {:>4}  {p:>5.3} {r:>5.3} {f:>5.3}",
        c.tp, c.fp, c.fn_
    )
}

fn fmt_ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "-".to_string()
    } else {
        format!("{:.3}", a as f64 / b as f64)
    }
}

/// Per-rule counts: rules that fired, those that never did, those with only false positives.
fn write_rules(out: &mut impl Write, r: &Report) -> io::Result<()> {
    let fired: Vec<_> = r.rules.iter().filter(|(_, c)| c.tp + c.fp > 0).collect();
    writeln!(out)?;
    writeln!(
        out,
        "rules that fired ({} of {}):",
        fired.len(),
        r.rules.len()
    )?;
    let width = fired.iter().map(|(id, _)| id.len()).max().unwrap_or(4);
    writeln!(out, "  {:width$} {:>4} {:>4}", "rule", "tp", "fp")?;
    for (id, c) in &fired {
        writeln!(out, "  {id:width$} {:>4} {:>4}", c.tp, c.fp)?;
    }
    let never: Vec<&str> = r
        .rules
        .iter()
        .filter(|(_, c)| c.tp + c.fp == 0)
        .map(|(id, _)| id.as_str())
        .collect();
    if !never.is_empty() {
        writeln!(out, "never fired ({}): {}", never.len(), never.join(", "))?;
    }
    let only_fp: Vec<&str> = fired
        .iter()
        .filter(|(_, c)| c.tp == 0)
        .map(|(id, _)| id.as_str())
        .collect();
    if !only_fp.is_empty() {
        writeln!(
            out,
            "only false positives ({}): {}",
            only_fp.len(),
            only_fp.join(", ")
        )?;
    }
    Ok(())
}

/// What changes from the baseline pack to this one.
fn write_baseline(out: &mut impl Write, r: &Report, b: &Report, dir: &str) -> io::Result<()> {
    let (_, _, f_new) = r.micro().prf();
    let (_, _, f_old) = b.micro().prf();
    writeln!(out)?;
    writeln!(
        out,
        "against baseline {dir}: micro F1 {f_old:.3} -> {f_new:.3} ({:+.3})",
        f_new - f_old
    )?;
    for ((label, new), (_, old)) in r.labels.iter().zip(&b.labels) {
        let (fo, fnw) = (old.prf().2, new.prf().2);
        if (fo - fnw).abs() > 1e-9 {
            writeln!(
                out,
                "  {label:14} F1 {fo:.3} -> {fnw:.3} ({:+.3})",
                fnw - fo
            )?;
        }
    }
    let (gained, lost) = changes(r, b);
    for (sign, title, list) in [("+", "gained", &gained), ("-", "lost", &lost)] {
        writeln!(out, "{title} ({}):", list.len())?;
        for (article, sentence, label) in list.iter() {
            writeln!(out, "  {sign} {label:14} {article}: {sentence:?}")?;
        }
    }
    Ok(())
}

/// Sentence-label outcomes right in `r` but wrong in `b` (gained), and the reverse (lost). An
/// outcome missing from a report is right: no prediction where gold has no label.
#[allow(clippy::type_complexity)]
fn changes<'a>(
    r: &'a Report,
    b: &'a Report,
) -> (
    Vec<&'a (String, String, String)>,
    Vec<&'a (String, String, String)>,
) {
    let keys: std::collections::BTreeSet<&(String, String, String)> =
        r.outcomes.keys().chain(b.outcomes.keys()).collect();
    let right = |rep: &Report, k: &(String, String, String)| *rep.outcomes.get(k).unwrap_or(&true);
    let gained = keys
        .iter()
        .copied()
        .filter(|k| right(r, k) && !right(b, k))
        .collect();
    let lost = keys
        .iter()
        .copied()
        .filter(|k| !right(r, k) && right(b, k))
        .collect();
    (gained, lost)
}

/// One JSON object: the report, each gold file's main measures, and the baseline's report
/// when given.
fn write_json(
    out: &mut impl Write,
    r: &Report,
    files: &[(String, Report)],
    baseline: Option<&Report>,
) -> io::Result<()> {
    let summary = |r: &Report| {
        let (p, rc, f) = r.micro().prf();
        let labels: serde_json::Map<String, serde_json::Value> = r
            .labels
            .iter()
            .map(|(l, c)| {
                let (p, rc, f) = c.prf();
                (
                    l.clone(),
                    serde_json::json!({"tp": c.tp, "fp": c.fp, "fn": c.fn_, "p": p, "r": rc, "f1": f}),
                )
            })
            .collect();
        serde_json::json!({
            "articles": r.articles,
            "statements": r.statements,
            "labels": labels,
            "micro": {"p": p, "r": rc, "f1": f},
            "macro_f1": r.macro_f1(),
            "actor_strict": ratio_or_null(r.actor_strict, r.actor_scored),
            "actor_lenient": ratio_or_null(r.actor_lenient, r.actor_scored),
            "attributed_found": r.actor_scored,
            "attributed_total": r.actor_total,
            "attributed_recall": r.attributed_recall(),
            "target_statements": r.target_scored,
            "target_gold_statements": r.target_gold,
            "target_strict": r.target_strict_ratio(),
            "target_named": r.target_named_ratio(),
            "negatives": r.negatives,
            "negatives_labelled": r.negatives_labelled,
            "mistakes": r.mistakes,
            "rules": r.rules,
        })
    };
    let mut value = summary(r);
    value["files"] = files
        .iter()
        .map(|(file, r)| {
            serde_json::json!({
                "file": file,
                "articles": r.articles,
                "statements": r.statements,
                "micro_f1": r.micro().prf().2,
                "actor_strict": r.actor_strict_ratio(),
                "attributed_recall": r.attributed_recall(),
                "target_statements": r.target_scored,
                "target_strict": r.target_strict_ratio(),
                "target_named": r.target_named_ratio(),
            })
        })
        .collect::<Vec<_>>()
        .into();
    if let Some(b) = baseline {
        let (gained, lost) = changes(r, b);
        let rows = |l: Vec<&(String, String, String)>| {
            l.into_iter()
                .map(|(a, s, label)| serde_json::json!({"article": a, "sentence": s, "label": label}))
                .collect::<Vec<_>>()
        };
        value["baseline"] = summary(b);
        value["gained"] = rows(gained).into();
        value["lost"] = rows(lost).into();
    }
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

fn ratio_or_null(a: usize, b: usize) -> serde_json::Value {
    if b == 0 {
        serde_json::Value::Null
    } else {
        (a as f64 / b as f64).into()
    }
}
