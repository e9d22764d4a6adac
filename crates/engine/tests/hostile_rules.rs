//! Hostile rule files: arbitrary input to the grammar and the compiler never panics and always
//! gives either a rule set or positioned errors (property tests, with a bounded number of cases
//! so that CI stays fast), and pathological patterns are compiled within bounded time or
//! refused with an error that names the limit.

use demarche_engine::{Error, RuleFileError, RuleSet};
use proptest::prelude::*;
use std::time::{Duration, Instant};

const LABELS: &str = "label restraint cameo \"0256\"\nlabel ceasefire\n";

/// Compiles `source` as one file (after the labels file); panics only on a broken invariant.
fn compile(source: &str) -> Result<RuleSet, Vec<RuleFileError>> {
    match RuleSet::from_sources(&[("labels.rules", LABELS), ("t.rules", source)]) {
        Ok(rules) => Ok(rules),
        Err(Error::Rules(errors)) => Err(errors),
        Err(other) => panic!("only rule errors can come from sources: {other}"),
    }
}

/// The invariants of a failed compile: at least one error, each in a real file and at a real
/// position, rendered without panicking.
fn check_errors(source: &str, errors: &[RuleFileError]) {
    assert!(!errors.is_empty(), "an Err without errors for {source:?}");
    for e in errors {
        let text = if e.path == "t.rules" { source } else { LABELS };
        assert!(
            e.path == "t.rules" || e.path == "labels.rules",
            "{}",
            e.path
        );
        let lines = text.split('\n').count();
        assert!(
            e.line >= 1 && e.line <= lines,
            "line {} of {source:?}",
            e.line
        );
        assert!(e.col >= 1 && e.len >= 1, "{e:?}");
        assert!(!e.message.is_empty());
        let _ = e.render();
    }
}

/// Compiles and checks; using the compiled set on a sentence must not panic either.
fn check(source: &str) {
    match compile(source) {
        Ok(rules) => {
            let _ = rules.extract_str("Both sides must exercise restraint and respect the truce.");
            let _ = rules.run_examples();
        }
        Err(errors) => check_errors(source, &errors),
    }
}

/// Pieces of the rule language, glued at random by [`grammar_soup`].
const PIECES: &[&str] = &[
    "label",
    "rule",
    "guard",
    "lexicon",
    "lemma",
    "actor",
    "cue",
    "match",
    "unless",
    "context",
    "expect",
    "reject",
    "note",
    "kind",
    "cameo",
    "alias",
    "person",
    "role",
    "plover",
    "restraint",
    "ceasefire",
    "restraint.x",
    "ceasefire.y",
    "TRUCE",
    "UN",
    "{",
    "}",
    "(",
    ")",
    "|",
    "?",
    "=",
    "~0..4",
    "~3",
    "~5..2",
    "~99999",
    "~",
    "..",
    "@TRUCE",
    "@NOPE",
    "@",
    "lemma(",
    "urge",
    "escalat*",
    "*",
    "\"",
    "\"cease-fire\"",
    "\"[[x]]\"",
    "\"[[a]] [[b]]\"",
    "\"\\\"\"",
    "\"\"",
    "#",
    "# comment\n",
    " ",
    " ",
    " ",
    "\n",
    "\t",
    "\r\n",
    "é",
    "日本",
    "\u{200B}",
    "\u{FEFF}",
    "\0",
    "'",
    "-",
    ".",
    "speech",
    "state",
    "body",
];

/// Random sequences of language pieces: mostly near-miss syntax.
fn grammar_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

/// A random pattern of the language, nested a few levels.
fn pattern() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "restraint",
            "calm",
            "\"cease-fire\"",
            "\"the need for\"",
            "escalat*",
            "@TRUCE",
            "@NOPE",
            "lemma(urge)",
            "lemma(flarp)",
            "~0..3",
            "~2",
            "~4..1",
            "~40",
        ])
        .prop_map(str::to_string),
        "[a-z]{1,8}",
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.join(" ")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|v| format!("({})", v.join(" | "))),
            inner.prop_map(|p| format!("({p})?")),
        ]
    })
}

/// A whole rule file made of well-formed items with random patterns, which may or may not
/// compile (unknown lemmas, bad gaps, ...).
fn rule_file() -> impl Strategy<Value = String> {
    (
        pattern(),
        prop::collection::vec((pattern(), pattern()), 1..4),
        prop::sample::select(vec!["restraint", "ceasefire", "restrain"]),
        prop::sample::select(vec![
            "\"They must [[exercise restraint]].\"",
            "\"plain example\"",
            "\"[[unbalanced\"",
        ]),
    )
        .prop_map(|(lexicon, rules, label, example)| {
            let mut src = format!("lemma urge = urges urged urging\nlexicon TRUCE = {lexicon}\n");
            for (i, (m, u)) in rules.iter().enumerate() {
                src.push_str(&format!(
                    "rule {label}.r{i} {{\n  label {label}\n  match {m}\n  unless {u}\n  expect {example}\n}}\n"
                ));
            }
            src
        })
}

/// A valid-looking file with one random edit: a character deleted, or a piece inserted.
fn mutated_file() -> impl Strategy<Value = String> {
    (
        rule_file(),
        any::<prop::sample::Index>(),
        prop::sample::select(PIECES),
        any::<bool>(),
    )
        .prop_map(|(src, at, piece, delete)| {
            let chars: Vec<char> = src.chars().collect();
            let i = at.index(chars.len().max(1));
            let mut out: String = chars[..i.min(chars.len())].iter().collect();
            if !delete {
                out.push_str(piece);
            }
            out.extend(chars.iter().skip(if delete { i + 1 } else { i }));
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(source in any::<String>()) {
        check(&source);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn grammar_soup_never_panics(source in grammar_soup()) {
        check(&source);
    }

    #[test]
    fn generated_rule_files_compile_or_give_positioned_errors(source in rule_file()) {
        check(&source);
    }

    #[test]
    fn mutated_rule_files_never_panic(source in mutated_file()) {
        check(&source);
    }
}

/// Well-formed rule files compile: the generator can produce valid input, not only errors.
#[test]
fn a_generated_file_without_traps_compiles() {
    let src = "lemma urge = urges urged urging\nlexicon TRUCE = truce | \"cease-fire\"\n\
               rule restraint.r0 {\n  label restraint\n  match (lemma(urge) | calm)? ~0..3 @TRUCE\n  \
               expect \"They [[urged the truce]].\"\n}\n";
    assert!(compile(src).is_ok());
}

/// Runs `source` through the compiler and returns its errors, asserting it took less than
/// `limit` (generous, for debug builds on a busy machine).
fn errors_within(source: &str, limit: Duration) -> Vec<String> {
    let started = Instant::now();
    let result = compile(source);
    let took = started.elapsed();
    assert!(took < limit, "took {took:?}");
    match result {
        Ok(_) => Vec::new(),
        Err(errors) => {
            check_errors(source, &errors);
            errors
                .iter()
                .map(|e| format!("{}:{}: {}", e.line, e.col, e.message))
                .collect()
        }
    }
}

fn rule(pattern: &str) -> String {
    format!("rule restraint.p {{\n  label restraint\n  match {pattern}\n}}\n")
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    // Enough to overflow the stack of a recursive parser many times over.
    let deep = format!("{}x{}", "(".repeat(100_000), ")?".repeat(100_000));
    let got = errors_within(&rule(&deep), Duration::from_secs(5));
    assert_eq!(
        got,
        ["3:41: parentheses nest deeper than the limit of 32 levels"]
    );
    // Parentheses inside strings and comments do not count.
    let quoted = format!("\"{}\" # {}\n", "(".repeat(1000), "(".repeat(1000));
    assert!(errors_within(&rule(&quoted), Duration::from_secs(5)).is_empty());
}

#[test]
fn nested_optionals_within_the_limit_compile() {
    let nested = format!("{}calm{}", "(".repeat(30), ")?".repeat(30));
    assert!(errors_within(&rule(&nested), Duration::from_secs(5)).is_empty());
}

#[test]
fn lexicons_nesting_too_deep_are_refused() {
    // Each lexicon nests the one before in 30 levels of groups: 10 lexicons deep is 300 levels.
    let mut src = String::from("lexicon L0 = calm\n");
    for i in 1..10 {
        let open = "(".repeat(30);
        let close = ")?".repeat(30);
        src.push_str(&format!("lexicon L{i} = {open}@L{}{close}\n", i - 1));
    }
    src.push_str(&rule("@L9"));
    let got = errors_within(&src, Duration::from_secs(5));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("nests deeper than the limit of 64 levels"),
        "{got:?}"
    );
}

#[test]
fn exponential_lexicons_are_refused() {
    // L(i) = @L(i-1) @L(i-1): L25 would expand to 2^25 words.
    let mut src = String::from("lexicon L0 = calm\n");
    for i in 1..=25 {
        src.push_str(&format!("lexicon L{i} = @L{} @L{}\n", i - 1, i - 1));
    }
    src.push_str(&rule("@L25"));
    let got = errors_within(&src, Duration::from_secs(5));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("expands to more than 20000 nodes"),
        "{got:?}"
    );
}

#[test]
fn a_lexicon_cycle_is_one_error() {
    let src = format!("lexicon A = @B @B\nlexicon B = (x | @A) @A\n{}", rule("@A"));
    let got = errors_within(&src, Duration::from_secs(5));
    assert_eq!(
        got,
        ["2:18: lexicon `@A` refers to itself (directly or through others)"]
    );
}

#[test]
fn huge_alternations_compile_or_are_refused_quickly() {
    // 5,000 alternatives are fine; 50,000 are over the node limit.
    let words = |n: usize| {
        (0..n)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(errors_within(&rule(&words(5_000)), Duration::from_secs(10)).is_empty());
    let got = errors_within(&rule(&words(50_000)), Duration::from_secs(10));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("more than 20000 nodes"), "{got:?}");
}

#[test]
fn gap_chains_are_refused() {
    let chain = |n: usize| {
        let mut p = String::from("calm");
        for _ in 0..n {
            p.push_str(" ~0..12 calm");
        }
        p
    };
    assert!(errors_within(&rule(&chain(8)), Duration::from_secs(5)).is_empty());
    let got = errors_within(&rule(&chain(200)), Duration::from_secs(5));
    assert_eq!(
        got,
        ["3:9: this pattern chains 200 gaps in a row, over the limit of 8"]
    );
    // Gaps in alternatives count their longest branch, not their sum.
    let alts = (0..50)
        .map(|_| "calm ~0..3 calm")
        .collect::<Vec<_>>()
        .join(" | ");
    assert!(errors_within(&rule(&alts), Duration::from_secs(5)).is_empty());
}

/// Huge files of errors or examples stay fast: errors past the first 500 are counted, not
/// positioned, and example lines are found by binary search.
#[test]
fn many_errors_and_examples_stay_fast() {
    let duplicates = "label restraint\n".repeat(50_000);
    let got = errors_within(&duplicates, Duration::from_secs(10));
    assert_eq!(got.len(), 501);
    assert_eq!(got[0], "1:7: label `restraint` is defined twice");
    assert_eq!(
        got[500],
        "1:1: 49500 more error(s) not shown: only the first 500 are reported"
    );
    let unknown = rule(&"@NOPE ".repeat(15_000));
    assert_eq!(errors_within(&unknown, Duration::from_secs(10)).len(), 501);
    let examples = format!(
        "rule restraint.e {{\n  label restraint\n  match calm\n{}}}\n",
        "  expect \"[[calm]]\"\n".repeat(50_000)
    );
    assert!(errors_within(&examples, Duration::from_secs(20)).is_empty());
}

/// A matching rule at the gap-chain limit stays fast on a long sentence.
#[test]
fn a_gap_chain_at_the_limit_matches_a_long_sentence_quickly() {
    let p = format!("calm{}", " ~0..12 calm".repeat(8));
    let rules = compile(&rule(&p)).expect("at the limit compiles");
    let sentence = "calm ".repeat(20_000);
    let started = Instant::now();
    let _ = rules.extract_str(&sentence);
    assert!(started.elapsed() < Duration::from_secs(60));
}
