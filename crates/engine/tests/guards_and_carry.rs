//! Two behaviours that once could break with no test failing, pinned down through the public
//! API with sentences written for these tests (issue 12, item 6):
//!
//! - a **shared guard** blocks a match of *every* rule that has one of the guard's labels,
//!   whichever place that label holds in the rule's `label` line or in the guard's, and then
//!   blocks every label of that match, not only the first;
//! - a **carried speaker** ("he", "the statement", a quote with no speaker of its own) reaches
//!   only the sentences of the paragraph it was named in and of the next one, never two
//!   paragraphs later.

use demarche_engine::RuleSet;

/// A small pack: multi-label rules, and guards whose label is the rule's second one, or whose
/// own second label is the rule's.
const PACK: &str = r#"
label ceasefire
label compliance
label withdrawal

lexicon TRUCE = ceasefire | truce

cue speech said | says | urged | urges

rule ceasefire.comply-with-provisions {
  label ceasefire compliance
  match (comply | complied | respect | respected) with? ~0..3 provisions of ~0..2 @TRUCE
  expect "Both sides must [[comply with all provisions of the truce]]."
  reject "The truce held."
}

rule withdrawal.pull-back {
  label withdrawal ceasefire
  match pull back ~0..2 (troops | forces) ~0..3 (and | to) ~0..2 (halt | stop) ~0..2 fire
  expect "They must [[pull back their troops and halt fire]]."
  reject "The troops stayed."
}

rule compliance.honour-commitments {
  label compliance
  match honour ~0..2 commitments
  expect "They must [[honour their commitments]]."
  reject "Commitments were made."
}

# Its label is the *second* label of ceasefire.comply-with-provisions.
guard compliance.self-claimed {
  label compliance
  match (has | have | had) ~0..1 (complied | respected)
  expect "The army said it [[had complied]] with the deal."
}

# Its *second* label is the first label of ceasefire.comply-with-provisions.
guard withdrawal.rejected-calls {
  label withdrawal ceasefire
  match rejected ~0..3 calls to ~0..3 (comply | pull)
  expect "The militia [[rejected calls to pull]] back."
}
"#;

/// The labels of every statement of `text`, sorted, without repeats.
fn labels_of(rules: &RuleSet, text: &str) -> Vec<String> {
    let mut labels: Vec<String> = rules
        .extract_str(text)
        .into_iter()
        .flat_map(|s| s.stances.into_iter().map(|st| st.label))
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

#[test]
fn a_shared_guard_blocks_every_label_of_a_multi_label_rule() {
    let rules = RuleSet::from_sources(&[("t.rules", PACK)]).expect("the test pack compiles");
    // (sentence, labels expected)
    let cases: &[(&str, &[&str])] = &[
        // Unguarded: the rule gives both its labels.
        (
            "Both sides must comply with all provisions of the truce.",
            &["ceasefire", "compliance"],
        ),
        (
            "They must pull back their troops and halt fire.",
            &["ceasefire", "withdrawal"],
        ),
        // A compliance guard (the rule's second label) blocks the ceasefire label too.
        (
            "The army said it had complied with the provisions of the ceasefire.",
            &[],
        ),
        (
            "Officials said both forces have respected the provisions of the truce.",
            &[],
        ),
        // A guard whose second label is the rule's first label blocks the whole match.
        (
            "The militia rejected calls to comply with the provisions of the truce.",
            &[],
        ),
        // The same guard blocks the withdrawal rule through its first label, both labels.
        (
            "The militia rejected calls to pull back its forces and stop fire.",
            &[],
        ),
        // A guard blocks only the matches it overlaps: the other rule's stance stays.
        (
            "The army said it had complied with the provisions of the ceasefire, and urged them to honour their commitments.",
            &["compliance"],
        ),
    ];
    for (sentence, expected) in cases {
        let got = labels_of(&rules, sentence);
        assert_eq!(&got, expected, "labels of {sentence:?}");
    }
}

#[test]
fn embedded_guards_of_a_rule_s_second_label_block_its_first_too() {
    let rules = RuleSet::embedded().expect("the embedded pack compiles");
    // ceasefire.endorse-ceasefire gives ceasefire and support; the shared guard
    // support.relief-efforts (label support only) blocks "support ... relief", so a truce
    // named after it gives neither label. ceasefire.comply-with-ceasefire-provisions gives
    // ceasefire and compliance when nothing blocks it.
    let cases: &[(&str, &[&str])] = &[
        (
            "Madrid said it fully supports the truce and urged its extension.",
            &["ceasefire", "support"],
        ),
        (
            "The council urged both sides to comply with all the provisions of the ceasefire agreement.",
            &["ceasefire", "compliance"],
        ),
        (
            "Fighting resumed after the army pledged to support flood relief, a truce that aid agencies say was never observed.",
            &[],
        ),
        (
            "The government said it would support earthquake relief with a two-week truce.",
            &[],
        ),
    ];
    for (sentence, expected) in cases {
        assert_eq!(
            &labels_of(&rules, sentence),
            expected,
            "labels of {sentence:?}"
        );
    }
}

/// Actor codes of the statement whose sentence contains `needle`; `None` when no statement
/// has it.
fn actors_at(rules: &RuleSet, text: &str, needle: &str) -> Option<Vec<String>> {
    rules
        .extract_str(text)
        .into_iter()
        .find(|s| s.text.contains(needle))
        .map(|s| s.actors)
}

#[test]
fn a_carried_speaker_reaches_the_next_paragraph_and_no_further() {
    let rules = RuleSet::embedded().expect("the embedded pack compiles");
    let named = "Norway urged both sides to exercise restraint.";
    let gap = "Shelling continued overnight near the border villages.";
    let quoted = "\"We urge both sides to exercise restraint,\" Norway said.";
    // (what the case shows, article text, the sentence looked at, actors expected)
    let cases: Vec<(&str, String, &str, &[&str])> = vec![
        (
            "same paragraph: a pronoun",
            format!("{named} He urged them to respect the ceasefire."),
            "He urged",
            &["NOR"],
        ),
        (
            "next paragraph: a pronoun",
            format!("{named}\n\nHe urged them to respect the ceasefire."),
            "He urged",
            &["NOR"],
        ),
        (
            "next paragraph: the statement",
            format!("{named}\n\nThe statement called for an immediate ceasefire."),
            "The statement",
            &["NOR"],
        ),
        (
            "next paragraph, after a sentence with no speaker",
            format!("{named}\n\n{gap} He urged them to respect the ceasefire."),
            "He urged",
            &["NOR"],
        ),
        (
            "two paragraphs later: a pronoun",
            format!("{named}\n\n{gap}\n\nHe urged them to respect the ceasefire."),
            "He urged",
            &[],
        ),
        (
            "two paragraphs later: the statement",
            format!("{named}\n\n{gap}\n\nThe statement called for an immediate ceasefire."),
            "The statement",
            &[],
        ),
        (
            "next paragraph: a quote with no speaker of its own",
            format!("{quoted}\n\n\"They must respect the ceasefire.\""),
            "They must",
            &["NOR"],
        ),
        (
            "two paragraphs later: a quote with no speaker of its own",
            format!("{quoted}\n\n{gap}\n\n\"They must respect the ceasefire.\""),
            "They must",
            &[],
        ),
        (
            "three paragraphs later: a pronoun",
            format!("{named}\n\n{gap}\n\n{gap}\n\nHe urged them to respect the ceasefire."),
            "He urged",
            &[],
        ),
    ];
    for (what, text, needle, expected) in &cases {
        let got = actors_at(&rules, text, needle);
        assert_eq!(
            got.as_deref(),
            Some(&expected.iter().map(|s| s.to_string()).collect::<Vec<_>>()[..]),
            "{what}: {text:?}"
        );
    }
}
