//! `demarche check [RULES]`: parse, compile and lint a rule pack; report every problem at once.
//!
//! Diagnostics go to stdout in the format of `--format` (rustc-style text, JSON, or GitHub
//! annotations), followed in text by one line per lint that fired (shown or not) and a summary
//! line. Exit codes: 2 when there is an error (the pack cannot be used), 1 when a lint named by
//! `--deny` (or any, with `--deny warnings`) fired, 0 otherwise.
//!
//! The lints in [`OPT_IN`] judge a rule's examples rather than the rule (is every alternative
//! exercised by an example? does another rule's example set cover this one's?). They fire by
//! the thousand on a mature pack, where they drown the warning a new rule author needs to see,
//! so they are off unless named by `--warn` (or `--warn pedantic`) or `--deny`; when off, the
//! per-lint lines still count them.

use crate::args::{CheckArgs, DiagnosticFormat};
use crate::output::text::plural;
use anyhow::Context;
use demarche_engine::{check_sources, embedded_sources, read_sources, CheckReport, Diagnostic};
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// Lints that are off unless `--warn` or `--deny` names them (or `--warn pedantic`).
pub const OPT_IN: &[&str] = &["unexercised-alternative", "shadowed-rule"];

/// Why a lint's diagnostics were not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hidden {
    /// Shown.
    No,
    /// An opt-in lint not asked for.
    OptIn,
    /// Named by `--allow`.
    Allowed,
}

/// Whether `lint` is named in `names`, directly or by `group` (`warnings`, `pedantic`).
fn selected(lint: &str, names: &[String], group: &str) -> bool {
    names.iter().any(|n| n == group || n == lint)
}

/// Whether the diagnostics of `lint` are shown under `args`.
fn hidden(lint: &str, args: &CheckArgs) -> Hidden {
    if selected(lint, &args.allow, "warnings") {
        Hidden::Allowed
    } else if OPT_IN.contains(&lint)
        && !selected(lint, &args.warn, "pedantic")
        && !selected(lint, &args.deny, "")
    {
        Hidden::OptIn
    } else {
        Hidden::No
    }
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let report = match &args.rules {
        Some(dir) => check_sources(&read_sources(dir)?),
        None => check_sources(embedded_sources()),
    };
    let shown: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error() || !d.code.is_some_and(|c| hidden(c, args) != Hidden::No))
        .collect();
    let selected = |lint: &str, names: &[String]| selected(lint, names, "warnings");
    let errors = shown.iter().filter(|d| d.is_error()).count();
    let denied = shown
        .iter()
        .filter(|d| d.code.is_some_and(|c| selected(c, &args.deny)))
        .count();
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        DiagnosticFormat::Human => write_human(&mut out, &shown, &report, denied, args),
        DiagnosticFormat::Json => write_json(&mut out, &shown),
        DiagnosticFormat::Github => write_github(&mut out, &shown, &args.deny),
    }
    .and_then(|()| out.flush())
    .context("cannot write output")?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if denied > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The diagnostics, rustc style, then one summary line.
fn write_human(
    out: &mut impl Write,
    shown: &[&Diagnostic],
    report: &CheckReport,
    denied: usize,
    args: &CheckArgs,
) -> io::Result<()> {
    for d in shown {
        writeln!(out, "{}", d.render())?;
    }
    write_lint_lines(out, report, args)?;
    let errors = shown.iter().filter(|d| d.is_error()).count();
    let warnings = shown.len() - errors;
    let mut counts = Vec::new();
    if errors > 0 {
        counts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        // By lint, most frequent first, so a long run ends with what to read or --allow.
        let mut by_lint: Vec<(usize, &str)> = Vec::new();
        for code in shown.iter().filter_map(|d| d.code) {
            match by_lint.iter_mut().find(|(_, c)| *c == code) {
                Some((n, _)) => *n += 1,
                None => by_lint.push((1, code)),
            }
        }
        by_lint.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let parts: Vec<String> = by_lint.iter().map(|(n, c)| format!("{n} {c}")).collect();
        counts.push(format!(
            "{} ({})",
            plural(warnings, "warning"),
            parts.join(", ")
        ));
    }
    match &report.rules {
        Some(rules) => {
            let (stances, guards) = rules.rule_count();
            let (actors, _) = rules.actor_count();
            let status = if denied > 0 { "failed" } else { "ok" };
            let tail = if counts.is_empty() {
                String::new()
            } else {
                format!("; {}", counts.join(", "))
            };
            let denied = if denied > 0 {
                format!(" ({denied} denied)")
            } else {
                String::new()
            };
            writeln!(
                out,
                "{status}: {}, {}, {}, {}{tail}{denied}",
                plural(rules.labels().len(), "label"),
                plural(stances, "rule"),
                plural(guards, "guard"),
                plural(actors, "actor"),
            )
        }
        None => writeln!(out, "failed: {} in rule files", counts.join(", ")),
    }
}

/// One line per lint that fired, most frequent first: its count, its name, and whether it was
/// hidden (opt-in, or `--allow`), so a quiet run still says what it left out.
fn write_lint_lines(
    out: &mut impl Write,
    report: &CheckReport,
    args: &CheckArgs,
) -> io::Result<()> {
    let mut by_lint: Vec<(usize, &str)> = Vec::new();
    for code in report
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .filter_map(|d| d.code)
    {
        match by_lint.iter_mut().find(|(_, c)| *c == code) {
            Some((n, _)) => *n += 1,
            None => by_lint.push((1, code)),
        }
    }
    if by_lint.is_empty() {
        return Ok(());
    }
    by_lint.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let width = by_lint.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    writeln!(out, "lints:")?;
    for (n, code) in by_lint {
        let note = match hidden(code, args) {
            Hidden::No => String::new(),
            Hidden::OptIn => format!("  not shown: opt-in, `--warn {code}` lists them"),
            Hidden::Allowed => "  not shown: --allow".to_string(),
        };
        writeln!(out, "  {code:width$} {n:>6}{note}")?;
    }
    writeln!(out)
}

/// One JSON array; each diagnostic with its severity, lint name and position.
fn write_json(out: &mut impl Write, shown: &[&Diagnostic]) -> io::Result<()> {
    let items: Vec<serde_json::Value> = shown
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": d.severity.as_str(),
                "code": d.code,
                "path": d.path,
                "line": d.line,
                "column": d.col,
                "end_column": d.col + d.len,
                "message": d.message,
                "help": d.help,
                "source_line": d.line_text,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,...::message`.
fn write_github(out: &mut impl Write, shown: &[&Diagnostic], deny: &[String]) -> io::Result<()> {
    for d in shown {
        let denied = d
            .code
            .is_some_and(|c| deny.iter().any(|n| n == "warnings" || n == c));
        let level = if d.is_error() || denied {
            "error"
        } else {
            "warning"
        };
        let title = match d.code {
            Some(code) => format!("demarche {code}"),
            None => "demarche".to_string(),
        };
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},endColumn={},title={}::{}",
            escape_property(&d.path),
            d.line,
            d.col,
            d.col + d.len,
            escape_property(&title),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Escapes a workflow-command message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_annotations_escape_their_fields() {
        let d = Diagnostic::at(
            "rules/a,b.rules",
            "x\nlexicon FOO = y\n",
            10,
            13,
            "100% bad",
        )
        .warning("unused-lexicon")
        .with_help("line one\nline two");
        let mut buf = Vec::new();
        write_github(&mut buf, &[&d], &[]).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "::warning file=rules/a%2Cb.rules,line=2,col=9,endColumn=12,\
             title=demarche unused-lexicon::100%25 bad%0Ahelp: line one%0Aline two\n"
        );
        let mut buf = Vec::new();
        write_github(&mut buf, &[&d], &["unused-lexicon".to_string()]).unwrap();
        assert!(String::from_utf8(buf).unwrap().starts_with("::error "));
    }
}
