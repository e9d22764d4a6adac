//! Whole-tool tests over the corpus: one insta snapshot per article in `tests/corpus/`, written
//! for a reviewer, and a strict check of the seed article against its gold statements.

use demarche_core::Statement;
use demarche_engine::text::Document;
use demarche_engine::RuleSet;
use std::fmt::Write as _;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| match RuleSet::embedded() {
        Ok(r) => r,
        Err(demarche_engine::Error::Rules(es)) => {
            panic!("{}", es.iter().map(|e| e.render()).collect::<String>())
        }
        Err(e) => panic!("{e}"),
    })
}

/// 1-based line and column (in chars) of byte offset `pos`.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The reviewer's view of one article: every sentence, with its speaker, actors, labels, rule
/// ids, and a caret under each stance's evidence; sentences without a stance as `(no stance)`.
fn render_for_review(text: &str, statements: &[Statement]) -> String {
    let doc = Document::analyse(text);
    let mut out = String::new();
    for s in &doc.sentences {
        let (line, col) = line_col(text, s.start);
        let sentence = text[s.start..s.end].replace(['\n', '\r'], " ");
        let Some(st) = statements.iter().find(|st| st.span.start == s.start) else {
            let _ = writeln!(out, "{line}:{col} (no stance) {sentence}\n");
            continue;
        };
        let speaker = st
            .speaker
            .as_ref()
            .map_or("(no speaker)".to_string(), |sp| format!("{:?}", sp.text));
        let _ = writeln!(
            out,
            "{line}:{col} {} | speaker {speaker} | actors [{}]",
            st.labels().join(", "),
            st.actors.join(", ")
        );
        let _ = writeln!(out, "  | {sentence}");
        for stance in &st.stances {
            let pad = text[s.start..stance.span.start].chars().count();
            let len = stance.text.chars().count().max(1);
            let _ = writeln!(
                out,
                "  | {}{} {} ({})",
                " ".repeat(pad),
                "^".repeat(len),
                stance.label,
                stance.rule
            );
        }
        out.push('\n');
    }
    out
}

#[test]
fn corpus() {
    insta::glob!("corpus/*.txt", |path| {
        let text = std::fs::read_to_string(path).expect("corpus article is readable");
        let statements = rules().extract_str(&text);
        insta::with_settings!({ prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(render_for_review(&text, &statements));
        });
    });
}

/// One gold statement of the seed: a fragment of its sentence, actors and labels.
struct Gold {
    fragment: &'static str,
    actors: &'static [&'static str],
    labels: &'static [&'static str],
}

const SEED_GOLD: &[Gold] = &[
    Gold {
        fragment: "The US , Russia, the EU and many other powers expressed concern",
        actors: &["USA", "RUS", "EU"],
        labels: &["concern", "negotiation"],
    },
    Gold {
        fragment: "World powers called for restraint",
        actors: &[],
        labels: &["restraint"],
    },
    Gold {
        fragment: "the Secretary-General is following with concern",
        actors: &["UN"],
        labels: &["concern"],
    },
    Gold {
        fragment: "Dujarric added",
        actors: &["UN"],
        labels: &["restraint", "negotiation"],
    },
    Gold {
        fragment: "according to a Foreign Ministry statement",
        actors: &["RUS"],
        labels: &["concern", "restraint", "ceasefire"],
    },
    Gold {
        fragment: "active work with both sides",
        actors: &["RUS"],
        labels: &["mediation"],
    },
    Gold {
        fragment: "stressed the need to comply with all the provisions",
        actors: &["RUS"],
        labels: &["compliance", "ceasefire"],
    },
    Gold {
        fragment: "Peskov also told the TASS news agency",
        actors: &["RUS"],
        labels: &["concern", "restraint", "ceasefire"],
    },
    Gold {
        fragment: "Ned Price said",
        actors: &["USA"],
        labels: &["concern", "restraint"],
    },
    Gold {
        fragment: "The State Department’s statement stressed",
        actors: &["USA"],
        labels: &["negotiation"],
    },
    Gold {
        fragment: "ready to engage bilaterally",
        actors: &["USA"],
        labels: &["mediation"],
    },
    Gold {
        fragment: "NATO calls for an immediate cessation of hostilities",
        actors: &["NATO"],
        labels: &["ceasefire", "restraint", "negotiation"],
    },
    Gold {
        fragment: "released a statement that",
        actors: &["EU"],
        labels: &["ceasefire"],
    },
    Gold {
        fragment: "the statement continued",
        actors: &["EU"],
        labels: &["restraint", "ceasefire", "negotiation", "mediation"],
    },
];

/// Evidence that must never be used, with the label it must not give.
const SEED_TRAPS: &[(&str, &str)] = &[
    ("brokered the 2020 ceasefire", "ceasefire"),
    ("Karabakh mediation efforts", "mediation"),
    ("did not mention the Russia-brokered ceasefire", "ceasefire"),
    (
        "making every effort to stabilize the situation",
        "mediation",
    ),
];

#[test]
fn seed_article_agrees_with_its_gold() {
    let text = include_str!("corpus/karabakh-restraint.txt");
    let statements = rules().extract_str(text);
    let mut problems = Vec::new();
    let mut matched = vec![false; statements.len()];
    for g in SEED_GOLD {
        let at = text.find(g.fragment).expect("gold fragment is in the seed");
        let Some(i) = statements
            .iter()
            .position(|s| s.span.start <= at && at < s.span.end)
        else {
            problems.push(format!("missed: {}", g.fragment));
            continue;
        };
        matched[i] = true;
        let mut labels = statements[i].labels();
        labels.sort_unstable();
        let mut want = g.labels.to_vec();
        want.sort_unstable();
        if labels != want {
            problems.push(format!(
                "labels of {:?}: got {labels:?}, want {want:?}",
                g.fragment
            ));
        }
        if statements[i].actors != g.actors {
            problems.push(format!(
                "actors of {:?}: got {:?}, want {:?}",
                g.fragment, statements[i].actors, g.actors
            ));
        }
    }
    let headline = "Major powers call for restraint in Karabakh";
    for (i, s) in statements.iter().enumerate() {
        if !matched[i] && s.text != headline {
            problems.push(format!("unexpected statement: {} {:?}", s.text, s.labels()));
        }
        for stance in &s.stances {
            for (trap, label) in SEED_TRAPS {
                let t = text.find(trap).expect("trap is in the seed");
                let inside = stance.span.start >= t && stance.span.end <= t + trap.len();
                if inside && stance.label == *label {
                    problems.push(format!("evidence from trap {trap:?} for {label}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_offset_points_into_the_original_text() {
    insta::glob!("corpus/*.txt", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        for s in rules().extract_str(&text) {
            assert_eq!(&text[s.span.bytes()], s.text);
            assert_eq!(text[..s.span.start].chars().count(), s.span.char_start);
            assert_eq!(text[..s.span.end].chars().count(), s.span.char_end);
            for st in &s.stances {
                assert_eq!(&text[st.span.bytes()], st.text);
                assert_eq!(text[..st.span.start].chars().count(), st.span.char_start);
                assert!(s.span.start <= st.span.start && st.span.end <= s.span.end);
            }
            if let Some(sp) = &s.speaker {
                assert_eq!(&text[sp.span.bytes()], sp.text);
                assert_eq!(text[..sp.span.start].chars().count(), sp.span.char_start);
            }
        }
    });
}
