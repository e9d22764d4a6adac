//! `explain`: the whole pipeline on one text, step by step, as data for the CLI to show. For
//! each sentence: its tokens (surface, folded form, lemma), the rules the anchor prefilter let
//! through and how far each got, which guard blocked which match, the stances kept, and the
//! attribution decision (the mentions, the cue, why this speaker).

use crate::ast::{Item, Pattern};
use crate::attribution::Attributor;
use crate::compile::{MentionKind, RuleKind};
use crate::matcher::{find_all, find_overlapping, overlaps, progress, Node, View};
use crate::{RuleSet, Step};
use demarche_core::Statement;

/// The explanation of a text, sentence by sentence.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// One entry per sentence, in order.
    pub sentences: Vec<SentenceTrace>,
}

/// What happened in one sentence.
#[derive(Debug, Clone)]
pub struct SentenceTrace {
    /// The sentence.
    pub text: String,
    /// Its byte offset in the text.
    pub start: usize,
    /// The tokens the rules see (quote marks included, flagged).
    pub tokens: Vec<TokenTrace>,
    /// How many stance rules and guards the sentence does not touch: it has none of the
    /// words any of their patterns needs, so the prefilter never tries them.
    pub skipped: usize,
    /// The rules and guards the sentence touches (it has a word one of their patterns needs),
    /// in pack order, with how far each got: also those the prefilter skips because another
    /// needed word is missing.
    pub rules: Vec<RuleTrace>,
    /// The statement, if a stance survived.
    pub statement: Option<Statement>,
    /// How the speaker was chosen (for every sentence: speakers carry forward).
    pub attribution: AttributionTrace,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenTrace {
    /// As written.
    pub surface: String,
    /// Folded (case, accents, quotes, dashes), as rules match it.
    pub folded: String,
    /// Its lemma in the pack's inflection table, if it is an inflected form.
    pub lemma: Option<String>,
    /// True inside a quotation.
    pub in_quote: bool,
}

/// A rule or guard the prefilter let through.
#[derive(Debug, Clone)]
pub struct RuleTrace {
    /// The id.
    pub id: String,
    /// True for a shared guard.
    pub guard: bool,
    /// Its labels.
    pub labels: Vec<String>,
    /// Its matches (leftmost-longest), each with what blocked it, if anything.
    pub matches: Vec<MatchTrace>,
    /// When there is no match: how far its best `match` pattern got.
    pub progress: Option<Progress>,
}

/// One match of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchTrace {
    /// The matched text.
    pub text: String,
    /// `unless PATTERN` or the id of a shared guard that overlaps it, or `context PATTERN`
    /// when the sentence before has no match of it; `None` when it stands.
    pub blocked_by: Option<String>,
    /// For a rule with `context`: the text its `context` matched in the sentence before.
    pub context: Option<String>,
}

/// How far a pattern with no match got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Leading elements matched in a row.
    pub matched: usize,
    /// Elements in the pattern.
    pub of: usize,
    /// The text they matched.
    pub text: String,
    /// The source of the first element that did not match.
    pub next: String,
}

/// The attribution decision of a sentence.
#[derive(Debug, Clone, Default)]
pub struct AttributionTrace {
    /// Candidate mentions outside quotes, in order.
    pub mentions: Vec<MentionTrace>,
    /// The cue that chose the speaker, as written.
    pub cue: Option<String>,
    /// Why this speaker, in words; `None` when there is none.
    pub how: Option<String>,
    /// The speaker as written.
    pub speaker: Option<String>,
    /// Its actor codes.
    pub actors: Vec<String>,
    /// The attribution frames matched in the sentence (`frame` blocks), with their fills.
    pub frames: Vec<FrameTrace>,
    /// The frame whose TARGET slot named the statement's target, if one did.
    pub target_frame: Option<String>,
}

/// An attribution frame matched in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameTrace {
    /// The frame id (`target.urged-party`).
    pub id: String,
    /// Each slot (`SPEAKER`, `TARGET`, `OTHER`) with the text that fills it.
    pub fills: Vec<(String, String)>,
}

/// A mention of a possible speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionTrace {
    /// As written.
    pub text: String,
    /// `actor`, `person`, `generic`, `office` or `reference`.
    pub kind: String,
    /// The actor code, for actors and people.
    pub actor: Option<String>,
}

impl RuleSet {
    /// Explains how the pipeline reads `text`.
    pub fn explain(&self, text: &str) -> Explanation {
        let mut sentences = Vec::new();
        self.walk(text, None, |step| sentences.push(self.trace(&step)));
        Explanation { sentences }
    }

    fn trace(&self, step: &Step) -> SentenceTrace {
        let v = step.v;
        let info = &v.doc.sentences[v.sentence];
        let tokens = v.doc.tokens[info.tokens.clone()]
            .iter()
            .map(|t| TokenTrace {
                surface: v.doc.text[t.start..t.end].to_string(),
                folded: t.folded(v.doc.text).to_string(),
                lemma: self
                    .c
                    .lemma_of
                    .get(t.folded(v.doc.text))
                    .filter(|base| *base != t.folded(v.doc.text))
                    .cloned(),
                in_quote: t.in_quote,
            })
            .collect();
        let mut skipped = 0;
        let mut rules = Vec::new();
        for ri in 0..self.c.rules.len() {
            if self.c.rules[ri].patterns.touched(v) {
                rules.push(self.trace_rule(ri, v));
            } else {
                skipped += 1;
            }
        }
        SentenceTrace {
            text: v.doc.text[info.start..info.end].to_string(),
            start: info.start,
            tokens,
            skipped,
            rules,
            statement: step.statement(),
            attribution: self.trace_attribution(step, step.attributor),
        }
    }

    fn trace_rule(&self, ri: usize, v: &View) -> RuleTrace {
        let rule = &self.c.rules[ri];
        let text = |(s, e): (usize, usize)| {
            let (a, b) = v.bytes(s, e);
            v.doc.text[a..b].to_string()
        };
        let source = |span: (usize, usize)| {
            let f = &self.files[rule.origin.0];
            f.source[span.0..span.1].to_string()
        };
        let def = self.rule_def(ri);
        let found = match rule.kind {
            RuleKind::Guard => find_overlapping(&rule.patterns, v),
            RuleKind::Stance => find_all(&rule.patterns, v),
        };
        let context = self
            .context_match(ri, v)
            .flatten()
            .map(|(s, e)| v.doc.text[s..e].to_string());
        let matches = found
            .iter()
            .map(|&m| MatchTrace {
                text: text(m),
                blocked_by: (rule.kind == RuleKind::Stance)
                    .then(|| self.blocker_name(ri, v, m))
                    .flatten(),
                context: context.clone(),
            })
            .collect();
        let progress = if found.is_empty() {
            def.and_then(|d| {
                d.matches
                    .iter()
                    .zip(rule.patterns.iter())
                    .map(|(ast, node)| {
                        // A top-level sequence is followed element by element.
                        let (items, srcs): (Vec<Node>, Vec<(usize, usize)>) =
                            match (&ast.node, node) {
                                (Pattern::Seq(ps), Node::Seq(ns)) if ps.len() == ns.len() => {
                                    (ns.clone(), ps.iter().map(|p| p.span).collect())
                                }
                                _ => (vec![node.clone()], vec![ast.span]),
                            };
                        let (k, span) = progress(&items, v);
                        Progress {
                            matched: k,
                            of: items.len(),
                            text: span.map(text).unwrap_or_default(),
                            next: srcs.get(k).map(|s| source(*s)).unwrap_or_default(),
                        }
                    })
                    .max_by_key(|p| (p.matched * 1000) / p.of.max(1))
            })
        } else {
            None
        };
        RuleTrace {
            id: rule.id.clone(),
            guard: rule.kind == RuleKind::Guard,
            labels: rule
                .labels
                .iter()
                .map(|&l| self.c.labels[l].name.clone())
                .collect(),
            matches,
            progress,
        }
    }

    /// The AST of compiled rule or guard `ri`, for lints and explanations that point into it.
    pub(crate) fn rule_def(&self, ri: usize) -> Option<&crate::ast::RuleDef> {
        let (f, i) = self.c.rules[ri].origin;
        match self.files.get(f)?.items.get(i)? {
            Item::Rule(d) | Item::Guard(d) => Some(d),
            _ => None,
        }
    }

    /// `unless PATTERN` or `guard ID`: what blocks match `m` of stance rule `ri`, if anything.
    pub(crate) fn blocker_name(&self, ri: usize, v: &View, m: (usize, usize)) -> Option<String> {
        let rule = &self.c.rules[ri];
        Some(match self.blocker(ri, v, m)? {
            Blocker::Unless(k) => match self.rule_def(ri) {
                Some(d) if k < d.guards.len() => {
                    let span = d.guards[k].span;
                    format!(
                        "unless {}",
                        &self.files[rule.origin.0].source[span.0..span.1]
                    )
                }
                _ => "unless".to_string(),
            },
            Blocker::Guard(gi) => format!("guard {}", self.c.rules[gi].id),
            Blocker::Context => {
                let source = &self.files[rule.origin.0].source;
                let shown: Vec<String> = self.rule_def(ri).map_or(Vec::new(), |d| {
                    (d.contexts.iter())
                        .map(|c| {
                            let words = source[c.span.0..c.span.1].split_whitespace();
                            words.collect::<Vec<_>>().join(" ")
                        })
                        .collect()
                });
                format!(
                    "context {} (no match in the sentence before)",
                    shown.join(" | ")
                )
            }
        })
    }

    /// What blocks match `m` of stance rule `ri`: its own `unless` first, then shared guards.
    fn blocker(&self, ri: usize, v: &View, m: (usize, usize)) -> Option<Blocker> {
        let rule = &self.c.rules[ri];
        for (k, g) in rule.guards.iter().enumerate() {
            let gs = find_overlapping(std::slice::from_ref(g), v);
            if gs.iter().any(|x| overlaps(m, *x)) {
                return Some(Blocker::Unless(k));
            }
        }
        if self.context_match(ri, v) == Some(None) {
            return Some(Blocker::Context);
        }
        rule.labels
            .iter()
            .flat_map(|&l| self.label_guards[l].iter().copied())
            .filter(|&gi| self.may_match(gi, v))
            .find(|&gi| {
                find_overlapping(&self.c.rules[gi].patterns, v)
                    .iter()
                    .any(|x| overlaps(m, *x))
            })
            .map(Blocker::Guard)
    }

    fn trace_attribution(&self, step: &Step, attributor: &Attributor) -> AttributionTrace {
        let v = step.v;
        let text = |(s, e): (usize, usize)| {
            let (a, b) = v.bytes(s, e);
            v.doc.text[a..b].to_string()
        };
        let mentions = attributor
            .mentions(v)
            .into_iter()
            .map(|m| {
                let (kind, actor) = match m.kind {
                    MentionKind::Actor(a) => (
                        if m.person { "person" } else { "actor" },
                        Some(self.c.actors[a].code.clone()),
                    ),
                    MentionKind::Generic => ("generic", None),
                    MentionKind::Office => ("office", None),
                    MentionKind::Carry => ("reference", None),
                };
                MentionTrace {
                    text: text((m.s, m.e)),
                    kind: kind.to_string(),
                    actor,
                }
            })
            .collect();
        let frames = step
            .frames()
            .into_iter()
            .map(|(id, fills)| FrameTrace {
                id,
                fills: fills
                    .into_iter()
                    .map(|(slot, text)| (format!("{slot:?}").to_uppercase(), text))
                    .collect(),
            })
            .collect();
        let target_frame = if step.found.is_empty() {
            None
        } else {
            attributor.target().map(|t| t.frame.clone())
        };
        let Some(att) = &step.att else {
            return AttributionTrace {
                mentions,
                frames,
                target_frame,
                ..AttributionTrace::default()
            };
        };
        AttributionTrace {
            mentions,
            frames,
            target_frame,
            cue: att.cue.map(text),
            how: Some(att.how.describe().to_string()),
            speaker: Some(v.doc.text[att.span.0..att.span.1].to_string()),
            actors: self.c.codes_of(&att.actors).0,
        }
    }
}

/// What blocked a match.
enum Blocker {
    /// The rule's own `unless`, by index.
    Unless(usize),
    /// A shared guard, by rule index.
    Guard(usize),
    /// The rule's `context`: the sentence before has no match of it.
    Context,
}

#[cfg(test)]
mod tests {
    use crate::RuleSet;

    const PACK: &str = r#"
label restraint
lemma urge = urges urged urging
actor UN "United Nations" { kind body alias "UN" }
cue speech lemma(urge) | said
rule restraint.exercise-restraint {
  label restraint
  match exercise maximum? restraint
  unless "is exercising" restraint
  expect "They must [[exercise restraint]]." reject "The army is exercising restraint."
}
rule restraint.urge-calm-and-restraint {
  label restraint
  match lemma(urge) calm and restraint
  expect "They [[urged calm and restraint]]." reject "Calm."
}
guard restraint.not-calling {
  label restraint
  match did not ~0..3 restraint
  expect "It [[did not urge restraint]]."
}
"#;

    #[test]
    fn explains_tokens_rules_guards_and_speaker() {
        let rules = RuleSet::from_sources(&[("t.rules", PACK)]).expect("compiles");
        let ex = rules.explain(
            "The UN urged calm, saying both sides must exercise restraint. It did not exercise restraint.",
        );
        assert_eq!(ex.sentences.len(), 2);
        let s = &ex.sentences[0];
        let urged = s
            .tokens
            .iter()
            .find(|t| t.surface == "urged")
            .expect("token");
        assert_eq!(urged.lemma.as_deref(), Some("urge"));
        let exercise = s
            .rules
            .iter()
            .find(|r| r.id == "restraint.exercise-restraint")
            .unwrap();
        assert_eq!(exercise.matches[0].text, "exercise restraint");
        assert_eq!(exercise.matches[0].blocked_by, None);
        let urge = s
            .rules
            .iter()
            .find(|r| r.id == "restraint.urge-calm-and-restraint")
            .unwrap();
        let p = urge.progress.as_ref().expect("progress");
        assert_eq!(
            (p.matched, p.of, p.text.as_str(), p.next.as_str()),
            (2, 4, "urged calm", "and")
        );
        assert_eq!(s.attribution.speaker.as_deref(), Some("The UN"));
        assert_eq!(s.attribution.actors, ["UN"]);
        assert_eq!(s.attribution.cue.as_deref(), Some("urged"));
        assert_eq!(s.attribution.mentions[0].actor.as_deref(), Some("UN"));
        let blocked = &ex.sentences[1]
            .rules
            .iter()
            .find(|r| r.id == "restraint.exercise-restraint")
            .unwrap()
            .matches[0];
        assert_eq!(
            blocked.blocked_by.as_deref(),
            Some("guard restraint.not-calling")
        );
        assert!(ex.sentences[1].statement.is_none());
    }

    /// A rule with `context` shows what its context matched in the sentence before, or that
    /// the missing context blocked it.
    #[test]
    fn explains_the_context_of_the_sentence_before() {
        let pack = r#"
label negotiation
rule negotiation.return-to-it {
  label negotiation
  match return to it
  context talks | dialogue
  expect "The talks stalled. We must [[return to it]]." reject "We must return to it."
}
"#;
        let rules = RuleSet::from_sources(&[("t.rules", pack)]).expect("compiles");
        // (text, per sentence: the match of the rule, its context, what blocked it)
        type Seen = Option<(String, Option<String>, Option<String>)>;
        let cases: &[(&str, &[Seen])] = &[
            (
                "The dialogue stalled. We must return to it.",
                &[
                    None,
                    Some(("return to it".into(), Some("dialogue".into()), None)),
                ],
            ),
            (
                "The road was cut. We must return to it.",
                &[
                    None,
                    Some((
                        "return to it".into(),
                        None,
                        Some("context talks | dialogue (no match in the sentence before)".into()),
                    )),
                ],
            ),
            (
                "We must return to it.",
                &[Some((
                    "return to it".into(),
                    None,
                    Some("context talks | dialogue (no match in the sentence before)".into()),
                ))],
            ),
        ];
        for (text, want) in cases {
            let ex = rules.explain(text);
            let got: Vec<Seen> = ex
                .sentences
                .iter()
                .map(|s| {
                    let r = s
                        .rules
                        .iter()
                        .find(|r| r.id == "negotiation.return-to-it")?;
                    let m = r.matches.first()?;
                    Some((m.text.clone(), m.context.clone(), m.blocked_by.clone()))
                })
                .collect();
            assert_eq!(got, *want, "{text}");
            let found = ex.sentences.iter().any(|s| s.statement.is_some());
            assert_eq!(
                found,
                want.iter().flatten().any(|w| w.2.is_none()),
                "{text}"
            );
        }
    }

    /// A headline ending in ": Speaker" names the colon as its cue, with or without a final
    /// stop (the cue used to be the token after the speaker: past the sentence's end without
    /// a stop, which made `explain` panic).
    #[test]
    fn a_trailing_colon_speaker_has_the_colon_as_cue() {
        let rules = RuleSet::embedded().expect("embedded pack");
        for text in [
            "Ramming at the shoal 'dangerous and unacceptable': Manila",
            "Ramming at the shoal 'dangerous and unacceptable': Manila.",
        ] {
            let ex = rules.explain(text);
            let a = &ex.sentences[0].attribution;
            assert_eq!(
                (a.cue.as_deref(), a.actors.as_slice()),
                (Some(":"), ["PHL".to_string()].as_slice()),
                "{text}"
            );
        }
    }

    /// `explain` runs on every article of the corpus, and every cue is text of its sentence.
    #[test]
    fn explains_every_corpus_article() {
        let rules = RuleSet::embedded().expect("embedded pack");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
        let mut articles = 0;
        for entry in std::fs::read_dir(&dir).expect("tests/corpus") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("article");
            for s in rules.explain(&text).sentences {
                if let Some(cue) = &s.attribution.cue {
                    assert!(
                        s.text.contains(cue.as_str()),
                        "{path:?}: {cue:?} in {:?}",
                        s.text
                    );
                }
            }
            articles += 1;
        }
        assert!(articles >= 10, "{articles} articles");
    }
}
