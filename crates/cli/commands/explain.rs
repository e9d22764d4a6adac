//! `demarche explain SENTENCE` or `demarche explain --file F --line N`: show how the pipeline
//! reads a text, sentence by sentence (see [`demarche_engine::Explanation`]).
//!
//! With `--file`, a JSON Lines file (`*.jsonl`, `*.ndjson`) gives the article of record N; any
//! other file is read whole as one article and only the sentences on line N are shown, so
//! speakers carried from earlier sentences are still right. Exit 0, or 2 when the file or
//! line cannot be read.

use super::load_rules;
use crate::args::ExplainArgs;
use anyhow::{bail, Context};
use demarche_engine::{RuleTrace, SentenceTrace};
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// Runs `explain`.
pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(args.rules.as_deref())?;
    let (text, window) = match (&args.sentence, &args.file, args.line) {
        (Some(s), _, _) => (s.clone(), None),
        (None, Some(path), Some(line)) => read_line(path, line)?,
        _ => bail!("give a SENTENCE, or --file F --line N"),
    };
    let explanation = rules.explain(&text);
    let mut out = BufWriter::new(io::stdout().lock());
    let shown: Vec<(usize, &SentenceTrace)> = explanation
        .sentences
        .iter()
        .enumerate()
        .filter(|(_, s)| window.map_or(true, |(a, b)| s.start < b && s.start + s.text.len() > a))
        .collect();
    if shown.is_empty() {
        writeln!(out, "no sentence to explain").context("cannot write output")?;
    }
    for (i, s) in shown {
        write_sentence(&mut out, i + 1, s).context("cannot write output")?;
    }
    out.flush().context("cannot write output")?;
    Ok(ExitCode::SUCCESS)
}

/// The article to explain and, for a text file, the byte range of line `line` in it.
fn read_line(path: &Path, line: usize) -> anyhow::Result<(String, Option<(usize, usize)>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut start = 0;
    let mut range = None;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            range = Some((start, start + l.len()));
            break;
        }
        start += l.len();
    }
    let Some((a, b)) = range else {
        bail!("{}:{line}: the file has no line {line}", path.display());
    };
    let jsonl = path
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson");
    if !jsonl {
        return Ok((text, Some((a, b))));
    }
    let record: serde_json::Value = serde_json::from_str(&text[a..b])
        .with_context(|| format!("{}:{line}: not a JSON record", path.display()))?;
    match record.get("text").and_then(|t| t.as_str()) {
        Some(t) => Ok((t.to_string(), None)),
        None => bail!("{}:{line}: the record has no string `text`", path.display()),
    }
}

fn write_sentence(out: &mut impl Write, n: usize, s: &SentenceTrace) -> io::Result<()> {
    writeln!(out, "sentence {n} (byte {}): {}", s.start, s.text)?;
    writeln!(out)?;
    writeln!(out, "tokens:")?;
    let width = s
        .tokens
        .iter()
        .map(|t| t.surface.chars().count().max(t.folded.chars().count()))
        .max()
        .unwrap_or(0);
    for t in &s.tokens {
        let mut notes = Vec::new();
        if let Some(lemma) = &t.lemma {
            notes.push(format!("lemma {lemma}"));
        }
        if t.in_quote {
            notes.push("in quote".to_string());
        }
        let line = format!(
            "  {:width$}  {:width$}  {}",
            t.surface,
            t.folded,
            notes.join(", ")
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    let touched = s.rules.iter().filter(|r| !r.guard).count();
    let guards = s.rules.len() - touched;
    writeln!(
        out,
        "rules: {touched} touched, {guards} guard(s) checked, {} untouched (the sentence has none of the words they need)",
        s.skipped
    )?;
    // Guards that matched, then rules that matched, then those that got furthest.
    let got = |r: &RuleTrace| {
        r.progress
            .as_ref()
            .map_or(0, |p| p.matched * 1000 / p.of.max(1))
    };
    let mut listed: Vec<&RuleTrace> = s
        .rules
        .iter()
        .filter(|r| !r.matches.is_empty() || (!r.guard && got(r) > 0))
        .collect();
    listed.sort_by_key(|r| (!r.guard, r.matches.is_empty(), std::cmp::Reverse(got(r))));
    for r in listed {
        write_rule(out, r)?;
    }
    let nowhere: Vec<&str> = s
        .rules
        .iter()
        .filter(|r| !r.guard && r.matches.is_empty() && got(r) == 0)
        .map(|r| r.id.as_str())
        .collect();
    if !nowhere.is_empty() {
        writeln!(
            out,
            "  no element matched ({}): {}",
            nowhere.len(),
            nowhere.join(", ")
        )?;
    }
    writeln!(out)?;
    match &s.statement {
        Some(st) => {
            writeln!(out, "stances:")?;
            for x in &st.stances {
                writeln!(out, "  {:13} {:?}  ({})", x.label, x.text, x.rule)?;
            }
        }
        None => writeln!(out, "stances: none")?,
    }
    writeln!(out)?;
    let a = &s.attribution;
    let mentions: Vec<String> = a
        .mentions
        .iter()
        .map(|m| match &m.actor {
            Some(code) => format!("{:?} ({} {code})", m.text, m.kind),
            None => format!("{:?} ({})", m.text, m.kind),
        })
        .collect();
    writeln!(out, "attribution:")?;
    if mentions.is_empty() {
        writeln!(out, "  mentions: none")?;
    } else {
        writeln!(out, "  mentions: {}", mentions.join(", "))?;
    }
    if let Some(cue) = &a.cue {
        writeln!(out, "  cue: {cue:?}")?;
    }
    match (&a.speaker, &a.how) {
        (Some(speaker), Some(how)) => {
            let actors = if a.actors.is_empty() {
                "no actor code".to_string()
            } else {
                a.actors.join(", ")
            };
            writeln!(out, "  speaker: {speaker:?} -> {actors}, {how}")?;
        }
        _ => writeln!(out, "  speaker: none")?,
    }
    writeln!(out)
}

fn write_rule(out: &mut impl Write, r: &RuleTrace) -> io::Result<()> {
    let kind = if r.guard { "guard " } else { "" };
    write!(out, "  {kind}{} [{}]: ", r.id, r.labels.join(", "))?;
    if r.matches.is_empty() {
        return match &r.progress {
            Some(p) => writeln!(
                out,
                "no match; got {} of {} elements ({:?}), then `{}` did not match",
                p.matched,
                p.of,
                p.text,
                shorten(&p.next, 60)
            ),
            None => writeln!(out, "no match"),
        };
    }
    let shown: Vec<String> = r
        .matches
        .iter()
        .map(|m| match (&m.blocked_by, &m.context) {
            (Some(b), _) => format!("{:?} blocked by {b}", m.text),
            (None, Some(c)) => format!("{:?} (context: {c:?} in the sentence before)", m.text),
            (None, None) => format!("{:?}", m.text),
        })
        .collect();
    writeln!(out, "matched {}", shown.join("; "))
}

/// `s`, cut to `max` characters with `...` when longer.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}...", s.chars().take(max).collect::<String>())
    }
}
