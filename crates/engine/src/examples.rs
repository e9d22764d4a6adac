//! Embedded examples that run through the whole pipeline: a stance rule's `expect ... by X
//! to Y` (the speaker's and the target's actors), and every example of a `frame` block (the
//! frame must match, and give that speaker and target). Pattern-level examples of rules and
//! guards stay in `lib.rs` ([`RuleSet::run_examples`]).

use crate::{ExampleOutcome, RuleSet};
use demarche_core::Statement;

impl RuleSet {
    /// What is wrong with the speaker or the target the whole pipeline gives an example of
    /// rule `ri`, if their actors are not `by` / `to`: the statement carrying one of the
    /// rule's labels is judged.
    pub(crate) fn pipeline_failure(
        &self,
        ri: usize,
        text: &str,
        by: Option<&[String]>,
        to: Option<&[String]>,
    ) -> Option<String> {
        if by.is_none() && to.is_none() {
            return None;
        }
        let rule = &self.c.rules[ri];
        let labels: Vec<&str> = rule
            .labels
            .iter()
            .map(|&l| self.c.labels[l].name.as_str())
            .collect();
        let statements = self.extract_str(text);
        let Some(st) = statements
            .iter()
            .find(|s| s.stances.iter().any(|x| x.rule == rule.id))
            .or_else(|| {
                statements
                    .iter()
                    .find(|s| s.stances.iter().any(|x| labels.contains(&x.label.as_str())))
            })
        else {
            return Some(format!(
                "expected a `{}` statement by {}, the pipeline found none",
                labels.join("`/`"),
                show_codes(by.unwrap_or_default())
            ));
        };
        codes_failure(st, by, to)
    }

    /// Runs the examples of every `frame` block: an `expect` (or `todo`) needs the frame to
    /// match in the example and, with `by` / `to`, the first statement to have those speaker
    /// and target actors; a `reject` needs the frame not to match.
    pub(crate) fn frame_examples(&self) -> Vec<ExampleOutcome> {
        let mut out = Vec::new();
        for frame in &self.c.frames {
            for ex in &frame.examples {
                let mut matched = false;
                let mut statements = Vec::new();
                self.walk(&ex.text, None, |step| {
                    matched |= step.frames().iter().any(|(id, _)| *id == frame.id);
                    statements.extend(step.statement());
                });
                let failure = match (ex.expect, matched) {
                    (true, false) => Some(format!("expected frame `{}` to match", frame.id)),
                    (false, true) => Some(format!("expected frame `{}` not to match", frame.id)),
                    (false, false) => None,
                    (true, true) => match statements.first() {
                        None if ex.by.is_some() || ex.to.is_some() => {
                            Some("expected a statement, the pipeline found none".to_string())
                        }
                        None => None,
                        Some(st) => codes_failure(st, ex.by.as_deref(), ex.to.as_deref()),
                    },
                };
                out.push(ExampleOutcome {
                    rule: frame.id.clone(),
                    expect: ex.expect,
                    guard: false,
                    todo: ex.todo,
                    text: ex.text.clone(),
                    failure,
                    path: frame.path.clone(),
                    line: ex.line,
                });
            }
        }
        out
    }
}

/// What is wrong with a statement's speaker and target actors, if they are not `by` / `to`
/// (in any order).
fn codes_failure(st: &Statement, by: Option<&[String]>, to: Option<&[String]>) -> Option<String> {
    let same = |want: &[String], got: &[String]| {
        let mut want: Vec<&str> = want.iter().map(String::as_str).collect();
        let mut got: Vec<&str> = got.iter().map(String::as_str).collect();
        want.sort_unstable();
        got.sort_unstable();
        want == got
    };
    if let Some(by) = by.filter(|by| !same(by, &st.actors)) {
        let speaker = st.speaker.as_ref().map_or("no speaker".to_string(), |s| {
            format!("speaker \"{}\"", s.text)
        });
        return Some(format!(
            "expected the speaker to be {}, found {} ({speaker})",
            show_codes(by),
            show_codes(&st.actors)
        ));
    }
    if let Some(to) = to.filter(|to| !same(to, &st.targets)) {
        let target = st.target.as_ref().map_or("no target".to_string(), |t| {
            format!("target \"{}\"", t.text)
        });
        return Some(format!(
            "expected the target to be {}, found {} ({target})",
            show_codes(to),
            show_codes(&st.targets)
        ));
    }
    None
}

/// `UN, RUS`, or `none`.
fn show_codes(codes: &[String]) -> String {
    if codes.is_empty() {
        "none".to_string()
    } else {
        codes.join(", ")
    }
}
