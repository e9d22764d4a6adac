//! `demarche test [RULES] [--filter GLOB]`: run the examples embedded in a rule pack.
//!
//! Prints each failure (`FAIL rule-id path:line: what happened`, then the example), each
//! `todo` that now passes (`FIXED`, to be promoted to `expect`), a table per rule (expect
//! examples found, missed, rejects wrongly matched, todos), and `N passed, M failed` alone on
//! the last line. `todo` examples are known misses: counted and listed, never failed. Exit
//! code 1 when any example failed, 0 otherwise; rule-file errors give 2 as in `check`.

use super::load_rules;
use crate::args::TestArgs;
use anyhow::Context;
use demarche_engine::ExampleOutcome;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

/// Counts of one rule's examples.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    expect_found: usize,
    expect_total: usize,
    rejects_matched: usize,
    reject_total: usize,
    todo_missed: usize,
    todo_total: usize,
}

impl Tally {
    fn failed(&self) -> bool {
        self.expect_found < self.expect_total || self.rejects_matched > 0
    }
}

/// Runs `test`.
pub fn run(args: &TestArgs) -> anyhow::Result<ExitCode> {
    let rules = load_rules(args.rules.as_deref())?;
    let outcomes: Vec<ExampleOutcome> = rules
        .run_examples()
        .into_iter()
        .filter(|o| args.filter.as_deref().map_or(true, |g| glob(g, &o.rule)))
        .collect();
    let mut out = BufWriter::new(io::stdout().lock());
    if outcomes.is_empty() {
        if let Some(g) = &args.filter {
            writeln!(out, "no rule id matches `{g}`").context("cannot write output")?;
        }
    }
    let failed = report(&mut out, &outcomes)
        .and_then(|failed| out.flush().map(|()| failed))
        .context("cannot write output")?;
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// True if `text` matches the glob `pattern` (`*` any run of characters, `?` one).
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Writes the failures, fixed todos, the table and the closing count; returns how many failed.
fn report(out: &mut impl Write, outcomes: &[ExampleOutcome]) -> io::Result<usize> {
    let mut failed = 0;
    let mut fixed = 0;
    for outcome in outcomes {
        let kind = match (outcome.expect, outcome.todo) {
            (_, true) => "todo",
            (true, false) => "expect",
            (false, _) => "reject",
        };
        match (&outcome.failure, outcome.todo) {
            (Some(failure), false) => {
                failed += 1;
                writeln!(
                    out,
                    "FAIL {} {}:{}: {failure}",
                    outcome.rule, outcome.path, outcome.line
                )?;
                writeln!(out, "     {kind} {:?}", outcome.text)?;
            }
            (None, true) => {
                fixed += 1;
                writeln!(
                    out,
                    "FIXED {} {}:{}: this todo passes now; make it an `expect`",
                    outcome.rule, outcome.path, outcome.line
                )?;
                writeln!(out, "     {kind} {:?}", outcome.text)?;
            }
            _ => {}
        }
    }
    if failed + fixed > 0 {
        writeln!(out)?;
    }
    let rows = tally(outcomes);
    write_table(out, &rows)?;
    writeln!(out)?;
    let todo: usize = rows.iter().map(|(_, t)| t.todo_total).sum();
    if todo > 0 {
        writeln!(out, "todo: {todo} known miss(es), {fixed} of them pass now")?;
    }
    let run = outcomes.iter().filter(|o| !o.todo).count();
    writeln!(out, "{} passed, {failed} failed", run - failed)?;
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
        if outcome.todo {
            t.todo_total += 1;
            t.todo_missed += 1 - passed;
        } else if outcome.expect {
            t.expect_total += 1;
            t.expect_found += passed;
        } else {
            t.reject_total += 1;
            t.rejects_matched += 1 - passed;
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
    writeln!(
        out,
        "{:width$}  {:>6}  {:>6}  {:>7}  {:>5}",
        "rule", "found", "missed", "wrongly", "todo"
    )?;
    for (rule, t) in rows {
        let found = ratio(t.expect_found, t.expect_total);
        let missed = count(t.expect_total - t.expect_found, t.expect_total);
        let wrongly = ratio(t.rejects_matched, t.reject_total);
        let todo = ratio(t.todo_missed, t.todo_total);
        let mark = if t.failed() { "  FAIL" } else { "" };
        writeln!(
            out,
            "{rule:width$}  {found:>6}  {missed:>6}  {wrongly:>7}  {todo:>5}{mark}"
        )?;
    }
    Ok(())
}

/// `3/4`, or `-` for none.
fn ratio(part: usize, total: usize) -> String {
    if total == 0 {
        "-".to_string()
    } else {
        format!("{part}/{total}")
    }
}

/// `2`, or `-` when there is nothing to count.
fn count(n: usize, total: usize) -> String {
    if total == 0 {
        "-".to_string()
    } else {
        n.to_string()
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
            todo: false,
            text: "They urged calm.".into(),
            failure: failure.map(str::to_string),
            path: "rules/stances/restraint.rules".into(),
            line: 7,
        }
    }

    #[test]
    fn report_lists_failures_fixed_todos_table_and_count() {
        let mut todo_missed = outcome("concern.expressed-concern", true, Some("no match"));
        todo_missed.todo = true;
        let mut todo_fixed = outcome("concern.expressed-concern", true, None);
        todo_fixed.todo = true;
        let outcomes = [
            outcome("restraint.urge-calm", true, None),
            outcome("concern.expressed-concern", true, None),
            outcome("restraint.urge-calm", false, Some("matched `urged calm`")),
            todo_missed,
            todo_fixed,
        ];
        let mut buf = Vec::new();
        assert_eq!(report(&mut buf, &outcomes).unwrap(), 1);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "FAIL restraint.urge-calm rules/stances/restraint.rules:7: matched `urged calm`\n     \
             reject \"They urged calm.\"\n\
             FIXED concern.expressed-concern rules/stances/restraint.rules:7: this todo passes now; make it an `expect`\n     \
             todo \"They urged calm.\"\n\n\
             rule                        found  missed  wrongly   todo\n\
             restraint.urge-calm           1/1       0      1/1      -  FAIL\n\
             concern.expressed-concern     1/1       0        -    1/2\n\n\
             todo: 2 known miss(es), 1 of them pass now\n\
             2 passed, 1 failed\n"
        );
    }

    #[test]
    fn glob_matches_rule_ids() {
        let cases = [
            ("ceasefire.*", "ceasefire.halt-the-fighting", true),
            ("ceasefire.*", "restraint.exercise", false),
            ("*restraint*", "restraint.exercise", true),
            ("restraint.exercise", "restraint.exercise", true),
            ("restraint.exercis?", "restraint.exercise", true),
            ("restraint.exercis?", "restraint.exercises", false),
            ("*.urge-*-calm", "restraint.urge-for-calm", true),
            ("", "x", false),
            ("*", "", true),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(glob(pattern, text), want, "{pattern} vs {text}");
        }
    }
}
