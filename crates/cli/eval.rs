//! Scoring a rule pack against gold files (see docs/eval.md), as `../shared/tools/score.py`
//! scores: sentence level, per label.
//!
//! A predicted statement counts for every gold sentence its byte span overlaps. For a gold
//! statement, each label predicted there and in gold is a true positive, each predicted label
//! not in gold a false positive, each gold label not predicted a false negative. A label on a
//! `negatives` or `unlabelled` sentence is a false positive, as is a labelled statement that
//! overlaps no annotated sentence at all (`optional` sentences excepted). Actor accuracy is over
//! gold statements with labels and actors that some labelled prediction overlaps: strict when
//! the actor sets are equal, lenient when they share one.

use demarche_core::Statement;
use demarche_engine::RuleSet;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// One gold article, one line of a gold file.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldArticle {
    /// The article id.
    pub id: String,
    /// The article text.
    pub text: String,
    /// The annotated statements.
    #[serde(default)]
    pub statements: Vec<GoldStatement>,
    /// Sentences that must carry no label.
    #[serde(default)]
    pub negatives: Vec<String>,
    /// Sentences with no annotation, scored like `negatives` but not counted as negatives.
    #[serde(default)]
    pub unlabelled: Vec<String>,
    /// Sentences whose predictions count neither way.
    #[serde(default)]
    pub optional: Vec<String>,
}

/// One gold statement (its `speaker` text, like any other field, is not read).
#[derive(Debug, Clone, Deserialize)]
pub struct GoldStatement {
    /// The sentence, an exact substring of the article text.
    pub sentence: String,
    /// The speaker's actor codes.
    #[serde(default)]
    pub actors: Vec<String>,
    /// The stance labels.
    #[serde(default)]
    pub labels: Vec<String>,
}

/// True, false positive and false negative counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// False negatives.
    pub fn_: usize,
}

impl Counts {
    /// Precision, recall and F1 (0 where undefined).
    pub fn prf(&self) -> (f64, f64, f64) {
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.tp + self.fn_);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// What kind of error a listed sentence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Kind {
    /// A label predicted where gold has none.
    #[serde(rename = "FP")]
    FalsePositive,
    /// A gold label not predicted.
    #[serde(rename = "FN")]
    FalseNegative,
    /// Labels right, actors wrong.
    #[serde(rename = "ACTOR")]
    Actor,
}

/// One scored mistake.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Mistake {
    /// FP, FN or ACTOR.
    pub kind: Kind,
    /// The label, or for ACTOR `predicted != gold`.
    pub label: String,
    /// The article id.
    pub article: String,
    /// The sentence.
    pub sentence: String,
    /// The rules whose stances are involved (for false positives).
    pub rules: Vec<String>,
}

/// Per-rule outcome counts: stances that were right, and that were wrong.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RuleCounts {
    /// Stances on a gold statement with that label.
    pub tp: usize,
    /// Stances anywhere else.
    pub fp: usize,
}

/// The score of one rule pack on one or more gold files.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// Articles scored.
    pub articles: usize,
    /// Gold statements scored.
    pub statements: usize,
    /// Negative sentences scored.
    pub negatives: usize,
    /// Negative sentences given a label.
    pub negatives_labelled: usize,
    /// Counts per label, in pack order.
    pub labels: Vec<(String, Counts)>,
    /// Gold statements with labels and actors, that a labelled prediction overlaps.
    pub actor_scored: usize,
    /// Of those, how many have exactly the gold actors.
    pub actor_strict: usize,
    /// Of those, how many share an actor with gold.
    pub actor_lenient: usize,
    /// Gold statements with labels and actors.
    pub actor_total: usize,
    /// The mistakes, by kind, article and sentence.
    pub mistakes: Vec<Mistake>,
    /// Per-rule counts, for every rule of the pack (zero for those that never fired).
    pub rules: BTreeMap<String, RuleCounts>,
    /// Gold sentences that are not in their article's text (not scored).
    pub missing_sentences: Vec<(String, String)>,
    /// Per (article, sentence, label): whether the pack was right; for `--baseline`.
    #[serde(skip)]
    pub outcomes: BTreeMap<(String, String, String), bool>,
}

impl Report {
    /// Summed counts over all labels.
    pub fn micro(&self) -> Counts {
        self.labels
            .iter()
            .fold(Counts::default(), |a, (_, c)| Counts {
                tp: a.tp + c.tp,
                fp: a.fp + c.fp,
                fn_: a.fn_ + c.fn_,
            })
    }

    /// Mean F1 over the labels that occur in gold or predictions.
    pub fn macro_f1(&self) -> f64 {
        let seen: Vec<f64> = self
            .labels
            .iter()
            .filter(|(_, c)| c.tp + c.fp + c.fn_ > 0)
            .map(|(_, c)| c.prf().2)
            .collect();
        if seen.is_empty() {
            0.0
        } else {
            seen.iter().sum::<f64>() / seen.len() as f64
        }
    }
}

/// The byte span of the first occurrence of `sentence` in `text`.
fn find(text: &str, sentence: &str) -> Option<(usize, usize)> {
    if sentence.is_empty() {
        return None;
    }
    text.find(sentence).map(|i| (i, i + sentence.len()))
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Scores `rules` on `gold`.
pub fn score(rules: &RuleSet, gold: &[GoldArticle]) -> Report {
    let names: Vec<String> = rules.labels().iter().map(|l| l.name.clone()).collect();
    let mut counts: BTreeMap<&str, Counts> = names
        .iter()
        .map(|n| (n.as_str(), Counts::default()))
        .collect();
    let mut r = Report {
        articles: gold.len(),
        ..Report::default()
    };
    for id in rules.rule_ids() {
        r.rules.insert(id, RuleCounts::default());
    }
    for g in gold {
        let predicted = rules.extract_str(&g.text);
        score_article(g, &predicted, &names, &mut counts, &mut r);
    }
    r.labels = names
        .iter()
        .map(|n| (n.clone(), counts[n.as_str()]))
        .collect();
    r.mistakes.sort();
    r
}

/// Scores one article's predictions into the tallies.
fn score_article(
    g: &GoldArticle,
    predicted: &[Statement],
    names: &[String],
    counts: &mut BTreeMap<&str, Counts>,
    r: &mut Report,
) {
    let spans: Vec<(usize, usize)> = predicted
        .iter()
        .map(|s| (s.span.start, s.span.end))
        .collect();
    let mut used = vec![false; predicted.len()];
    let known = |l: &String| names.contains(l);
    let mistake = |r: &mut Report, kind, label: &str, sentence: &str, rules: Vec<String>| {
        r.mistakes.push(Mistake {
            kind,
            label: label.to_string(),
            article: g.id.clone(),
            sentence: sentence.to_string(),
            rules,
        });
    };
    // Rule ids of the overlapping predicted stances with `label`.
    let rules_for = |hits: &[usize], label: &str| -> Vec<String> {
        let mut ids: Vec<String> = hits
            .iter()
            .flat_map(|&i| predicted[i].stances.iter())
            .filter(|s| s.label == label)
            .map(|s| s.rule.clone())
            .collect();
        ids.dedup();
        ids
    };
    // The predictions overlapping `span`, marked used, with their labels and actors.
    let overlapping = |span: (usize, usize), used: &mut [bool]| {
        let hits: Vec<usize> = (0..spans.len())
            .filter(|&i| overlaps(spans[i], span))
            .collect();
        let mut labels: BTreeSet<&String> = BTreeSet::new();
        let mut actors: BTreeSet<&String> = BTreeSet::new();
        for &i in &hits {
            used[i] = true;
            labels.extend(
                predicted[i]
                    .stances
                    .iter()
                    .map(|s| &s.label)
                    .filter(|l| known(l)),
            );
            actors.extend(predicted[i].actors.iter());
        }
        (hits, labels, actors)
    };
    for st in &g.statements {
        let Some(span) = find(&g.text, &st.sentence) else {
            r.missing_sentences
                .push((g.id.clone(), st.sentence.clone()));
            continue;
        };
        r.statements += 1;
        let (hits, pred, actors) = overlapping(span, &mut used);
        let gold: BTreeSet<&String> = st.labels.iter().filter(|l| known(l)).collect();
        for &l in gold.union(&pred) {
            let c = counts.get_mut(l.as_str()).expect("known label");
            let right = match (gold.contains(l), pred.contains(l)) {
                (true, true) => {
                    c.tp += 1;
                    true
                }
                (false, true) => {
                    c.fp += 1;
                    mistake(r, Kind::FalsePositive, l, &st.sentence, rules_for(&hits, l));
                    false
                }
                _ => {
                    c.fn_ += 1;
                    mistake(r, Kind::FalseNegative, l, &st.sentence, Vec::new());
                    false
                }
            };
            r.outcomes
                .insert((g.id.clone(), st.sentence.clone(), l.clone()), right);
        }
        let gold_actors: BTreeSet<&String> = st.actors.iter().collect();
        if !gold.is_empty() && !gold_actors.is_empty() {
            r.actor_total += 1;
            if !pred.is_empty() {
                r.actor_scored += 1;
                if actors == gold_actors {
                    r.actor_strict += 1;
                }
                if actors.intersection(&gold_actors).next().is_some() {
                    r.actor_lenient += 1;
                }
                if actors != gold_actors {
                    let show = |s: &BTreeSet<&String>| {
                        s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
                    };
                    let label = format!("[{}] != [{}]", show(&actors), show(&gold_actors));
                    mistake(r, Kind::Actor, &label, &st.sentence, Vec::new());
                }
            }
        }
    }
    let others =
        (g.negatives.iter().map(|s| (s, true))).chain(g.unlabelled.iter().map(|s| (s, false)));
    for (sentence, negative) in others {
        let Some(span) = find(&g.text, sentence) else {
            r.missing_sentences.push((g.id.clone(), sentence.clone()));
            continue;
        };
        let (hits, pred, _) = overlapping(span, &mut used);
        if negative {
            r.negatives += 1;
            r.negatives_labelled += usize::from(!pred.is_empty());
        }
        for l in pred {
            counts.get_mut(l.as_str()).expect("known label").fp += 1;
            mistake(r, Kind::FalsePositive, l, sentence, rules_for(&hits, l));
            r.outcomes
                .insert((g.id.clone(), sentence.clone(), l.clone()), false);
        }
    }
    for sentence in &g.optional {
        let mut from = 0;
        while let Some(i) = g.text[from..]
            .find(sentence.as_str())
            .filter(|_| !sentence.is_empty())
        {
            let span = (from + i, from + i + sentence.len());
            for (k, s) in spans.iter().enumerate() {
                used[k] |= overlaps(*s, span);
            }
            from += i + 1;
            while !g.text.is_char_boundary(from) {
                from += 1;
            }
        }
    }
    for (i, st) in predicted.iter().enumerate() {
        if used[i] {
            continue;
        }
        for stance in st.stances.iter().filter(|s| known(&s.label)) {
            counts
                .get_mut(stance.label.as_str())
                .expect("known label")
                .fp += 1;
            mistake(
                r,
                Kind::FalsePositive,
                &stance.label,
                &st.text,
                vec![stance.rule.clone()],
            );
            r.outcomes
                .insert((g.id.clone(), st.text.clone(), stance.label.clone()), false);
        }
    }
    // Per rule: a stance is right when its statement overlaps a gold statement with its label.
    for st in predicted {
        let span = (st.span.start, st.span.end);
        for stance in &st.stances {
            let right = g.statements.iter().any(|gs| {
                gs.labels.contains(&stance.label)
                    && find(&g.text, &gs.sentence).is_some_and(|s| overlaps(s, span))
            });
            let c = r.rules.entry(stance.rule.clone()).or_default();
            if right {
                c.tp += 1;
            } else {
                c.fp += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"
label restraint
label ceasefire
actor UN "United Nations" { kind body alias "UN" }
actor RUS "Russia" { kind state alias "Russia" }
cue speech lemma(urge) | said
lemma urge = urges urged urging
rule restraint.exercise { label restraint match exercise restraint
  expect "[[exercise restraint]]" reject "x" }
rule ceasefire.respect { label ceasefire match respect the ceasefire
  expect "[[respect the ceasefire]]" reject "x" }
"#;

    fn gold(line: &str) -> GoldArticle {
        serde_json::from_str(line).expect("gold parses")
    }

    #[test]
    fn scoring_follows_the_documented_rules() {
        let rules = RuleSet::from_sources(&[("t.rules", PACK)]).expect("compiles");
        let text = "The UN urged both sides to exercise restraint. Russia urged them to respect the ceasefire. \
                    Russia said the army must exercise restraint. The talks went on.";
        let g = gold(&serde_json::json!({
            "id": "a",
            "text": text,
            "statements": [
                // TP restraint, actors right
                {"sentence": "The UN urged both sides to exercise restraint.", "actors": ["UN"], "labels": ["restraint"]},
                // TP ceasefire + FN restraint, actor wrong
                {"sentence": "Russia urged them to respect the ceasefire.", "actors": ["UN"], "labels": ["ceasefire", "restraint"]},
                // not in the text: reported, not scored
                {"sentence": "Nowhere.", "actors": [], "labels": ["restraint"]}
            ],
            // FP restraint on a negative
            "negatives": ["Russia said the army must exercise restraint.", "The talks went on."]
        }).to_string());
        let r = score(&rules, &[g]);
        let get = |l: &str| r.labels.iter().find(|(n, _)| n == l).unwrap().1;
        assert_eq!(
            get("restraint"),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        assert_eq!(
            get("ceasefire"),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 0
            }
        );
        assert_eq!((r.actor_scored, r.actor_strict, r.actor_lenient), (2, 1, 1));
        assert_eq!((r.negatives, r.negatives_labelled), (2, 1));
        assert_eq!(r.missing_sentences.len(), 1);
        assert_eq!(r.rules["restraint.exercise"], RuleCounts { tp: 1, fp: 1 });
        let kinds: Vec<(Kind, &str)> = r
            .mistakes
            .iter()
            .map(|m| (m.kind, m.label.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (Kind::FalsePositive, "restraint"),
                (Kind::FalseNegative, "restraint"),
                (Kind::Actor, "[RUS] != [UN]")
            ]
        );
        assert_eq!(r.mistakes[0].rules, ["restraint.exercise"]);
        let (p, rc, f) = r.micro().prf();
        assert!(
            (p - 2.0 / 3.0).abs() < 1e-9
                && (rc - 2.0 / 3.0).abs() < 1e-9
                && (f - 2.0 / 3.0).abs() < 1e-9
        );
    }

    #[test]
    fn unannotated_predictions_are_false_positives_unless_optional() {
        let rules = RuleSet::from_sources(&[("t.rules", PACK)]).expect("compiles");
        let text = "They must exercise restraint. Both must respect the ceasefire.";
        let plain = gold(&serde_json::json!({"id": "b", "text": text}).to_string());
        let r = score(&rules, &[plain]);
        assert_eq!(
            r.micro(),
            Counts {
                tp: 0,
                fp: 2,
                fn_: 0
            }
        );
        let optional = gold(
            &serde_json::json!({"id": "b", "text": text, "optional": ["Both must respect the ceasefire."]})
                .to_string(),
        );
        let r = score(&rules, &[optional]);
        assert_eq!(
            r.micro(),
            Counts {
                tp: 0,
                fp: 1,
                fn_: 0
            }
        );
    }
}
