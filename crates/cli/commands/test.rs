//! `demarche test [RULES]`: run the `expect` / `reject` examples embedded in a rule pack.
//!
//! Prints each failure (`FAIL rule-id path:line: what happened`, then the example), a table of
//! passed/total per rule, and `N passed, M failed` alone on the last line. Exit code 1 when any
//! example failed, 0 otherwise; rule-file errors give 2 as in `check`.

use super::load_rules;
use anyhow::Context;
use demarche_engine::ExampleOutcome;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// Passed and total counts of one rule's `expect` and `reject` examples.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    expect_passed: usize,
    expect_total: usize,
    reject_passed: usize,
    reject_total: usize,
}

/// Runs `test` on `dir`, or on the embedded pack.
pub fn run(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let rules = load_rules(dir)?;
    let outcomes = rules.run_examples();
    let mut out = BufWriter::new(io::stdout().lock());
    let failed = report(&mut out, &outcomes)
        .and_then(|failed| out.flush().map(|()| failed))
        .context("cannot write output")?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes the failures, the table and the closing count; returns how many failed.
fn report(out: &mut impl Write, outcomes: &[ExampleOutcome]) -> io::Result<usize> {
    let mut failed = 0;
    for outcome in outcomes {
        if let Some(failure) = &outcome.failure {
            failed += 1;
            let kind = if outcome.expect { "expect" } else { "reject" };
            writeln!(
                out,
                "FAIL {} {}:{}: {failure}",
                outcome.rule, outcome.path, outcome.line
            )?;
            writeln!(out, "     {kind} {:?}", outcome.text)?;
        }
    }
    if failed > 0 {
        writeln!(out)?;
    }
    write_table(out, &tally(outcomes))?;
    writeln!(out)?;
    writeln!(out, "{} passed, {failed} failed", outcomes.len() - failed)?;
    Ok(failed)
}

/// Tallies per rule, in the order rules first appear in `outcomes` (pack order).
fn tally(outcomes: &[ExampleOutcome]) -> Vec<(&str, Tally)> {
    let mut rows: Vec<(&str, Tally)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for outcome in outcomes {
        let i = *index.entry(outcome.rule.as_str()).or_insert_with(|| {
            rows.push((outcome.rule.as_str(), Tally::default()));
            rows.len() - 1
        });
        let t = &mut rows[i].1;
        let passed = usize::from(outcome.failure.is_none());
        if outcome.expect {
            t.expect_total += 1;
            t.expect_passed += passed;
        } else {
            t.reject_total += 1;
            t.reject_passed += passed;
        }
    }
    rows
}

/// Writes the per-rule table; `-` where a rule has no example of that kind.
fn write_table(out: &mut impl Write, rows: &[(&str, Tally)]) -> io::Result<()> {
    let width = rows
        .iter()
        .map(|(rule, _)| rule.len())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(out, "{:width$}  {:>6}  {:>6}", "rule", "expect", "reject")?;
    for (rule, t) in rows {
        let expect = ratio(t.expect_passed, t.expect_total);
        let reject = ratio(t.reject_passed, t.reject_total);
        let mark = if t.expect_passed < t.expect_total || t.reject_passed < t.reject_total {
            "  FAIL"
        } else {
            ""
        };
        writeln!(out, "{rule:width$}  {expect:>6}  {reject:>6}{mark}")?;
    }
    Ok(())
}

/// `3/4`, or `-` for none.
fn ratio(passed: usize, total: usize) -> String {
    if total == 0 {
        "-".to_string()
    } else {
        format!("{passed}/{total}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(rule: &str, expect: bool, failure: Option<&str>) -> ExampleOutcome {
        ExampleOutcome {
            rule: rule.into(),
            expect,
            guard: false,
            text: "They urged calm.".into(),
            failure: failure.map(str::to_string),
            path: "rules/stances/restraint.rules".into(),
            line: 7,
        }
    }

    #[test]
    fn report_lists_failures_table_and_count() {
        let outcomes = [
            outcome("restraint.urge-calm", true, None),
            outcome("concern.expressed-concern", true, None),
            outcome("restraint.urge-calm", false, Some("matched `urged calm`")),
        ];
        let mut buf = Vec::new();
        assert_eq!(report(&mut buf, &outcomes).unwrap(), 1);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "FAIL restraint.urge-calm rules/stances/restraint.rules:7: matched `urged calm`\n     \
             reject \"They urged calm.\"\n\n\
             rule                       expect  reject\n\
             restraint.urge-calm           1/1     0/1  FAIL\n\
             concern.expressed-concern     1/1       -\n\n\
             2 passed, 1 failed\n"
        );
    }
}
