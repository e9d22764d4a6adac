//! Every embedded `expect` / `reject` example of the default rule pack, under `cargo test`.
//! Failures are listed per rules file, with the rule id, the line and what happened. `todo`
//! examples are known misses and do not fail.

use demarche_engine::RuleSet;
use std::collections::BTreeMap;

#[test]
fn every_embedded_example_holds() {
    let rules = match RuleSet::embedded() {
        Ok(r) => r,
        Err(demarche_engine::Error::Rules(es)) => {
            panic!("{}", es.iter().map(|e| e.render()).collect::<String>())
        }
        Err(e) => panic!("{e}"),
    };
    let outcomes = rules.run_examples();
    assert!(
        outcomes.len() > 100,
        "the pack should carry its examples ({} found)",
        outcomes.len()
    );
    let mut by_file: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for o in outcomes.iter().filter(|o| o.failure.is_some() && !o.todo) {
        let kind = if o.expect { "expect" } else { "reject" };
        by_file.entry(&o.path).or_default().push(format!(
            "  {}:{} {} {kind} {:?}: {}",
            o.path,
            o.line,
            o.rule,
            o.text,
            o.failure.as_deref().unwrap_or_default()
        ));
    }
    let report: Vec<String> = by_file
        .into_iter()
        .map(|(f, lines)| format!("{f}:\n{}", lines.join("\n")))
        .collect();
    assert!(
        report.is_empty(),
        "failing examples:\n{}",
        report.join("\n")
    );
}

#[test]
fn every_stance_rule_has_both_kinds_of_example() {
    let sources = demarche_engine::embedded_sources();
    assert!(sources.iter().any(|(p, _)| p.ends_with("labels.rules")));
    let rules = RuleSet::embedded().expect("compiles");
    let outcomes = rules.run_examples();
    let mut missing = Vec::new();
    let mut ids: Vec<&str> = outcomes.iter().map(|o| o.rule.as_str()).collect();
    ids.dedup();
    for id in ids {
        let has = |expect: bool| {
            outcomes
                .iter()
                .any(|o| o.rule == id && o.expect == expect && !o.todo)
        };
        let guard = outcomes.iter().any(|o| o.rule == id && o.guard);
        if !has(true) || (!has(false) && !guard) {
            missing.push(id);
        }
    }
    assert!(
        missing.is_empty(),
        "rules without an expect and a reject example: {missing:?}"
    );
}
