//! `demarche explain SENTENCE` or `demarche explain --file F --line N`: show what the pipeline
//! found in a text and why, sentence by sentence (see [`demarche_engine::Explanation`]).
//!
//! Each sentence opens with the result, what a person asks first: the speaker and why, the
//! target, the stances and the rules that found them. The trace follows: the attribution's
//! candidate mentions and cue, the tokens, and the rules that matched (and what blocked a
//! match). `--verbose` also lists every rule that got part of the way, and those that matched
//! no element.
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
        write_sentence(&mut out, i + 1, s, args.verbose).context("cannot write output")?;
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

/// One sentence: the result first (speaker and why, target, stances and their rules), then
/// the trace (attribution, tokens, rules).
fn write_sentence(
    out: &mut impl Write,
    n: usize,
    s: &SentenceTrace,
    verbose: bool,
) -> io::Result<()> {
    writeln!(out, "sentence {n} (byte {}): {}", s.start, s.text)?;
    writeln!(out)?;
    write_result(out, s)?;
    writeln!(out)?;
    write_attribution(out, s)?;
    write_tokens(out, s)?;
    write_rules(out, s, verbose)?;
    writeln!(out)
}

/// What the pipeline found: speaker, target and stances.
fn write_result(out: &mut impl Write, s: &SentenceTrace) -> io::Result<()> {
    writeln!(out, "result:")?;
    let a = &s.attribution;
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
    write_target(
        out,
        s.statement.as_ref(),
        s.attribution.target_frame.as_deref(),
    )?;
    match &s.statement {
        Some(st) if !st.stances.is_empty() => {
            writeln!(out, "  stances:")?;
            for x in &st.stances {
                writeln!(out, "    {:13} {:?}  ({})", x.label, x.text, x.rule)?;
            }
        }
        _ => writeln!(out, "  stances: none")?,
    }
    Ok(())
}

/// The target line: the mention and its actor codes, or `—`. The reason the target was chosen
/// goes on this line once the engine's explain data carries it (issue 12).
fn write_target(
    out: &mut impl Write,
    st: Option<&demarche_core::Statement>,
    frame: Option<&str>,
) -> io::Result<()> {
    let Some(target) = st.and_then(|st| st.target.as_ref().map(|t| (t, &st.targets))) else {
        return writeln!(out, "  target: —");
    };
    let (mention, codes) = target;
    let actors = if codes.is_empty() {
        "no actor code".to_string()
    } else {
        codes.join(", ")
    };
    let why = frame.map_or(String::new(), |f| format!(", the TARGET of frame `{f}`"));
    writeln!(out, "  target: {:?} -> {actors}{why}", mention.text)
}

/// The attribution trace: candidate mentions and the cue.
fn write_attribution(out: &mut impl Write, s: &SentenceTrace) -> io::Result<()> {
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
    match &a.cue {
        Some(cue) => writeln!(out, "  cue: {cue:?}")?,
        None => writeln!(out, "  cue: none")?,
    }
    for f in &a.frames {
        let fills: Vec<String> = f
            .fills
            .iter()
            .map(|(slot, text)| format!("{slot} {text:?}"))
            .collect();
        writeln!(out, "  frame {}: {}", f.id, fills.join(", "))?;
    }
    writeln!(out)
}

fn write_tokens(out: &mut impl Write, s: &SentenceTrace) -> io::Result<()> {
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
    writeln!(out)
}

/// The rules: those that matched (guards first); with `verbose` also those that got part of
/// the way, furthest first, and those that matched nothing.
fn write_rules(out: &mut impl Write, s: &SentenceTrace, verbose: bool) -> io::Result<()> {
    let touched = s.rules.iter().filter(|r| !r.guard).count();
    let guards = s.rules.len() - touched;
    writeln!(
        out,
        "rules: {touched} touched, {guards} guard(s) checked, {} untouched (the sentence has none of the words they need)",
        s.skipped
    )?;
    let got = |r: &RuleTrace| {
        r.progress
            .as_ref()
            .map_or(0, |p| p.matched * 1000 / p.of.max(1))
    };
    let mut listed: Vec<&RuleTrace> = s
        .rules
        .iter()
        .filter(|r| !r.matches.is_empty() || (verbose && !r.guard && got(r) > 0))
        .collect();
    listed.sort_by_key(|r| (!r.guard, r.matches.is_empty(), std::cmp::Reverse(got(r))));
    for r in listed {
        write_rule(out, r)?;
    }
    let partial = s
        .rules
        .iter()
        .filter(|r| !r.guard && r.matches.is_empty() && got(r) > 0)
        .count();
    let nowhere: Vec<&str> = s
        .rules
        .iter()
        .filter(|r| !r.guard && r.matches.is_empty() && got(r) == 0)
        .map(|r| r.id.as_str())
        .collect();
    if !verbose {
        if partial + nowhere.len() > 0 {
            writeln!(
                out,
                "  {partial} more got part of the way, {} matched no element (--verbose lists them)",
                nowhere.len()
            )?;
        }
        return Ok(());
    }
    if !nowhere.is_empty() {
        writeln!(
            out,
            "  no element matched ({}): {}",
            nowhere.len(),
            nowhere.join(", ")
        )?;
    }
    Ok(())
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
