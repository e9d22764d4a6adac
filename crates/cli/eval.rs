//! Scoring a rule pack against gold files (see docs/eval.md), as `../shared/tools/score.py`
//! scores: sentence level, per label.
//!
//! A predicted statement counts for every gold sentence its byte span overlaps. For a gold
//! statement, each label predicted there and in gold is a true positive, each predicted label
//! not in gold a false positive, each gold label not predicted a false negative. A label on a
//! `negatives` or `unlabelled` sentence is a false positive, as is a labelled statement that
//! overlaps no annotated sentence at all (`optional` sentences excepted). Actor accuracy is over
//! gold statements with labels and actors that some labelled prediction overlaps: strict when
//! the actor sets are equal, lenient when they share one; the attributed recall is the lenient
//! count over all gold statements with labels and actors. Target accuracy is over gold
//! statements with labels and a `targets` field that some labelled prediction overlaps: strict
//! when the target sets are equal (both empty included), named over those whose gold names a
//! target, when the prediction shares one.

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
    /// The target's actor codes; `None` when the field is absent (the statement's targets are
    /// then not scored), `Some(empty)` for `[]` or `null` (no target).
    #[serde(default, deserialize_with = "present")]
    pub targets: Option<Vec<String>>,
}

/// A field that is present: `null` reads as an empty list, as `score.py` reads it.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    Ok(Some(
        Option::<Vec<String>>::deserialize(d)?.unwrap_or_default(),
    ))
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

/// `a / b`, or `None` when `b` is 0.
fn some_ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
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
    /// Labels found, target set wrong.
    #[serde(rename = "TARGET")]
    Target,
}

/// One scored mistake.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Mistake {
    /// FP, FN, ACTOR or TARGET.
    pub kind: Kind,
    /// The label, or for ACTOR and TARGET `[predicted] != [gold]`.
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
    /// Gold statements with a `targets` field (scored or not).
    pub target_gold: usize,
    /// Gold statements with labels and a `targets` field, that a labelled prediction overlaps.
    pub target_scored: usize,
    /// Of those, how many have exactly the gold targets (both empty included).
    pub target_strict: usize,
    /// Of the scored ones, those whose gold names at least one target.
    pub target_named_scored: usize,
    /// Of those, how many share a target with gold.
    pub target_named: usize,
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

    /// Adds the counts, mistakes and outcomes of `other`, a report of the same pack on other
    /// gold articles (one gold file of several).
    pub fn merge(&mut self, other: &Report) {
        self.articles += other.articles;
        self.statements += other.statements;
        self.negatives += other.negatives;
        self.negatives_labelled += other.negatives_labelled;
        if self.labels.is_empty() {
            self.labels = other.labels.clone();
        } else {
            for ((_, a), (_, b)) in self.labels.iter_mut().zip(&other.labels) {
                a.tp += b.tp;
                a.fp += b.fp;
                a.fn_ += b.fn_;
            }
        }
        self.actor_scored += other.actor_scored;
        self.actor_strict += other.actor_strict;
        self.actor_lenient += other.actor_lenient;
        self.actor_total += other.actor_total;
        self.target_gold += other.target_gold;
        self.target_scored += other.target_scored;
        self.target_strict += other.target_strict;
        self.target_named_scored += other.target_named_scored;
        self.target_named += other.target_named;
        self.mistakes.extend(other.mistakes.iter().cloned());
        self.mistakes.sort();
        for (id, c) in &other.rules {
            let mine = self.rules.entry(id.clone()).or_default();
            mine.tp += c.tp;
            mine.fp += c.fp;
        }
        (self.missing_sentences).extend(other.missing_sentences.iter().cloned());
        (self.outcomes).extend(other.outcomes.iter().map(|(k, v)| (k.clone(), *v)));
    }

    /// Actor strict accuracy: found gold statements with exactly the gold actors (`None` when
    /// none was found).
    pub fn actor_strict_ratio(&self) -> Option<f64> {
        some_ratio(self.actor_strict, self.actor_scored)
    }

    /// Attributed recall, as `score.py`'s `attributed_recall`: gold statements with labels and
    /// actors that are found with an actor in common with gold, over all such statements.
    pub fn attributed_recall(&self) -> Option<f64> {
        some_ratio(self.actor_lenient, self.actor_total)
    }

    /// Target strict accuracy over the found gold statements with targets.
    pub fn target_strict_ratio(&self) -> Option<f64> {
        some_ratio(self.target_strict, self.target_scored)
    }

    /// Target accuracy over the found gold statements that name a target.
    pub fn target_named_ratio(&self) -> Option<f64> {
        some_ratio(self.target_named, self.target_named_scored)
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
    score_with(rules, gold, |g| rules.extract_str(&g.text))
}

/// Scores the statements `predict` gives for each gold article, with the labels and rule ids
/// of `rules` (for tests: predictions with targets before the engine finds any).
pub fn score_with(
    rules: &RuleSet,
    gold: &[GoldArticle],
    mut predict: impl FnMut(&GoldArticle) -> Vec<Statement>,
) -> Report {
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
        let predicted = predict(g);
        score_article(g, &predicted, &names, &mut counts, &mut r);
    }
    r.labels = names
        .iter()
        .map(|n| (n.clone(), counts[n.as_str()]))
        .collect();
    r.mistakes.sort();
    r
}

/// A predicted statement's targets, as `score.py` reads them: the statement's `targets` (and
/// its stances' `targets`, once stances carry their own).
fn targets_of(st: &Statement) -> impl Iterator<Item = &String> {
    st.targets.iter()
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
    // The predictions overlapping `span`, marked used, with their labels, actors and targets.
    let overlapping = |span: (usize, usize), used: &mut [bool]| {
        let hits: Vec<usize> = (0..spans.len())
            .filter(|&i| overlaps(spans[i], span))
            .collect();
        let mut labels: BTreeSet<&String> = BTreeSet::new();
        let mut actors: BTreeSet<&String> = BTreeSet::new();
        let mut targets: BTreeSet<&String> = BTreeSet::new();
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
            targets.extend(targets_of(&predicted[i]));
        }
        (hits, labels, actors, targets)
    };
    let show = |s: &BTreeSet<&String>| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ");
    for st in &g.statements {
        let Some(span) = find(&g.text, &st.sentence) else {
            r.missing_sentences
                .push((g.id.clone(), st.sentence.clone()));
            continue;
        };
        r.statements += 1;
        let (hits, pred, actors, targets) = overlapping(span, &mut used);
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
                    let label = format!("[{}] != [{}]", show(&actors), show(&gold_actors));
                    mistake(r, Kind::Actor, &label, &st.sentence, Vec::new());
                }
            }
        }
        if let Some(gold_targets) = &st.targets {
            r.target_gold += 1;
            if !gold.is_empty() && !pred.is_empty() {
                let gold_targets: BTreeSet<&String> = gold_targets.iter().collect();
                r.target_scored += 1;
                if targets == gold_targets {
                    r.target_strict += 1;
                } else {
                    let label = format!("[{}] != [{}]", show(&targets), show(&gold_targets));
                    mistake(r, Kind::Target, &label, &st.sentence, Vec::new());
                }
                if !gold_targets.is_empty() {
                    r.target_named_scored += 1;
                    if targets.intersection(&gold_targets).next().is_some() {
                        r.target_named += 1;
                    }
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
        let (hits, pred, _, _) = overlapping(span, &mut used);
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

    #[test]
    fn merged_reports_equal_the_pooled_one() {
        let rules = RuleSet::from_sources(&[("t.rules", PACK)]).expect("compiles");
        let gold: Vec<GoldArticle> = TARGETS_GOLD.lines().map(gold).collect();
        let pooled = score(&rules, &gold);
        let mut merged = Report::default();
        for g in &gold {
            merged.merge(&score(&rules, std::slice::from_ref(g)));
        }
        assert_eq!(
            serde_json::to_value(&merged).expect("json"),
            serde_json::to_value(&pooled).expect("json")
        );
        assert_eq!(merged.outcomes, pooled.outcomes);
    }

    /// A gold file with `targets` and a `classify --format jsonl` output of its articles with
    /// targets filled in by hand (the engine finds none yet).
    const TARGETS_GOLD: &str = include_str!("../../tests/fixtures/eval/targets.gold.jsonl");
    const TARGETS_OUT: &str = include_str!("../../tests/fixtures/eval/targets.out.jsonl");

    /// Scores the targets fixture: its predictions, not the pack's.
    fn score_targets_fixture() -> Report {
        let rules = RuleSet::from_sources(&[("t.rules", PACK)]).expect("compiles");
        let gold: Vec<GoldArticle> = TARGETS_GOLD.lines().map(gold).collect();
        let out: BTreeMap<String, Vec<Statement>> = TARGETS_OUT
            .lines()
            .map(|l| {
                let r: demarche_core::ArticleResult = serde_json::from_str(l).expect("output");
                (r.id, r.statements)
            })
            .collect();
        score_with(&rules, &gold, |g| {
            out.get(&g.id).cloned().unwrap_or_default()
        })
    }

    /// The numbers `../shared/tools/score.py` gives on the fixture (run with a `--bin` that
    /// prints `targets.out.jsonl`): target_statements 5, target_strict 0.4, target_named
    /// 0.667, attributed_recall 0.857, actor_strict 1.0, micro F1 0.923.
    #[test]
    fn targets_are_scored_as_score_py_scores_them() {
        let r = score_targets_fixture();
        // 6 gold statements with `targets` (one of them `null`); one is never found.
        assert_eq!((r.target_gold, r.target_scored, r.target_strict), (6, 5, 2));
        assert_eq!((r.target_named_scored, r.target_named), (3, 2));
        assert_eq!(r.target_strict_ratio(), Some(0.4));
        assert_eq!(r.target_named_ratio(), Some(2.0 / 3.0));
        assert_eq!((r.actor_lenient, r.actor_total), (6, 7));
        assert_eq!(r.actor_strict_ratio(), Some(1.0));
        assert!((r.micro().prf().2 - 0.923).abs() < 5e-4);
        let targets: Vec<(&str, &str)> = r
            .mistakes
            .iter()
            .filter(|m| m.kind == Kind::Target)
            .map(|m| (m.article.as_str(), m.label.as_str()))
            .collect();
        assert_eq!(
            targets,
            [
                ("t1", "[ARM, AZE] != [AZE]"),
                ("t2", "[UKR] != []"),
                ("t2", "[] != [ARM]")
            ]
        );
    }

    #[test]
    fn targets_absent_null_and_empty_read_apart() {
        let st = |v: serde_json::Value| -> GoldStatement {
            serde_json::from_value(v).expect("gold statement")
        };
        assert_eq!(st(serde_json::json!({"sentence": "x"})).targets, None);
        assert_eq!(
            st(serde_json::json!({"sentence": "x", "targets": null})).targets,
            Some(vec![])
        );
        assert_eq!(
            st(serde_json::json!({"sentence": "x", "targets": ["RUS"]})).targets,
            Some(vec!["RUS".to_string()])
        );
    }

    /// Where `../shared/tools/score.py` and `python3` are at hand (a checkout next to the
    /// shared folder), runs it on the targets fixture and compares every summary number.
    #[cfg(unix)]
    #[test]
    fn targets_fixture_equals_score_py_when_at_hand() {
        use std::os::unix::fs::PermissionsExt;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let script = root.join("../shared/tools/score.py");
        if !script.is_file() {
            eprintln!("skipped: no {}", script.display());
            return;
        }
        let dir = std::env::temp_dir().join(format!("demarche-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let out = root.join("tests/fixtures/eval/targets.out.jsonl");
        let bin = dir.join("fake-demarche");
        std::fs::write(&bin, format!("#!/bin/sh\nexec cat '{}'\n", out.display())).expect("bin");
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let json = dir.join("score.json");
        let run = std::process::Command::new("python3")
            .arg(&script)
            .arg(root.join("tests/fixtures/eval/targets.gold.jsonl"))
            .arg("--bin")
            .arg(&bin)
            .arg("--json")
            .arg(&json)
            .output();
        if !run.is_ok_and(|o| o.status.success()) {
            eprintln!("skipped: python3 could not run score.py");
            let _ = std::fs::remove_dir_all(&dir);
            return;
        }
        let py: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).expect("score.json"))
                .expect("score.py json");
        let _ = std::fs::remove_dir_all(&dir);
        let r = score_targets_fixture();
        let round = |x: Option<f64>| x.map(|x| (x * 1000.0).round() / 1000.0);
        assert_eq!(py["target_statements"], r.target_scored);
        assert_eq!(py["target_strict"].as_f64(), round(r.target_strict_ratio()));
        assert_eq!(py["target_named"].as_f64(), round(r.target_named_ratio()));
        assert_eq!(
            py["attributed_recall"].as_f64(),
            round(r.attributed_recall())
        );
        assert_eq!(py["actor_strict"].as_f64(), round(r.actor_strict_ratio()));
        assert_eq!(py["micro"]["f1"].as_f64(), round(Some(r.micro().prf().2)));
        for (label, c) in &r.labels {
            let row = &py["labels"][label];
            assert_eq!(
                (row["tp"].clone(), row["fp"].clone(), row["fn"].clone()),
                (c.tp.into(), c.fp.into(), c.fn_.into()),
                "{label}"
            );
        }
    }
}
