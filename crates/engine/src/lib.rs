//! demarche-engine: rule files to a [`RuleSet`], and a [`RuleSet`] over articles to statements.
//!
//! The engine owns the rule language (a pest grammar, parsed to a typed AST and compiled), the
//! text pipeline ([`text`]), the matcher and attribution. It never prints: every problem is
//! returned as a value, and rendering is the CLI's business.
#![deny(missing_docs)]

pub mod ast;
mod attribution;
mod compile;
mod error;
mod matcher;
mod parse;
pub mod text;

pub use demarche_core as core;
pub use error::{Error, RuleFileError};

use attribution::{AliasIndex, Attributor};
use compile::{Compiled, RuleKind};
use demarche_core::{Article, CharIndex, Speaker, Stance, Statement};
use matcher::{find_all, find_overlapping, overlaps, View};
use std::path::Path;
use text::Document;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// The default rule pack as `(path, source)` pairs, embedded at build time from `rules/`.
pub fn embedded_sources() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED_RULES
}

/// A compiled rule pack: labels, lexicons, stance rules, guards, actors and attribution cues.
///
/// ```
/// let rules = demarche_engine::RuleSet::embedded().expect("the default pack compiles");
/// let statements = rules.extract_str("The UN urged both sides to exercise restraint.");
/// assert_eq!(statements[0].labels(), ["restraint"]);
/// assert_eq!(statements[0].actors, ["UN"]);
/// ```
#[derive(Debug)]
pub struct RuleSet {
    c: Compiled,
    index: AliasIndex,
    /// For each label, the indices of the shared guards that block it.
    label_guards: Vec<Vec<usize>>,
}

/// A label of the pack, with its crosswalk codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelInfo {
    /// The label name (`restraint`).
    pub name: String,
    /// CAMEO event code.
    pub cameo: Option<String>,
    /// PLOVER event type.
    pub plover: Option<String>,
    /// One-line description.
    pub description: Option<String>,
}

/// The outcome of one embedded `expect` / `reject` example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleOutcome {
    /// The rule or guard id.
    pub rule: String,
    /// `true` for `expect`, `false` for `reject`.
    pub expect: bool,
    /// `true` when the example belongs to a shared `guard` block.
    pub guard: bool,
    /// The example text, without `[[ ]]` markers.
    pub text: String,
    /// `None` when the example passed; otherwise what happened.
    pub failure: Option<String>,
    /// Where the example is written.
    pub path: String,
    /// 1-based line of the example.
    pub line: usize,
}

/// A stance match inside one sentence, before it becomes a [`Stance`].
#[derive(Debug, Clone, Copy)]
struct Found {
    label: usize,
    rule: usize,
    /// Visible-token range.
    s: usize,
    e: usize,
}

impl RuleSet {
    /// Reads and compiles every `*.rules` file below `dir` (sorted by path).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<RuleSet, Error> {
        let dir = dir.as_ref();
        let mut paths = Vec::new();
        collect_rule_files(dir, &mut paths, 0)?;
        paths.sort();
        let mut sources = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|source| Error::Io {
                path: p.display().to_string(),
                source,
            })?;
            sources.push((p.display().to_string(), text));
        }
        if sources.is_empty() {
            return Err(Error::Io {
                path: dir.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "no *.rules file in this folder",
                ),
            });
        }
        Self::from_sources(&sources)
    }

    /// Compiles rule files given as `(path, source)` pairs; every error of every file at once.
    pub fn from_sources<P: AsRef<str>, S: AsRef<str>>(
        sources: &[(P, S)],
    ) -> Result<RuleSet, Error> {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for (path, source) in sources {
            match parse::parse_file(path.as_ref(), source.as_ref()) {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(Error::Rules(errors));
        }
        let c = compile::compile(&files).map_err(Error::Rules)?;
        let index = AliasIndex::new(&c);
        let mut label_guards = vec![Vec::new(); c.labels.len()];
        for (i, r) in c
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == RuleKind::Guard)
        {
            for &l in &r.labels {
                label_guards[l].push(i);
            }
        }
        Ok(RuleSet {
            c,
            index,
            label_guards,
        })
    }

    /// The default rule pack, embedded at build time from the workspace's `rules/`.
    pub fn embedded() -> Result<RuleSet, Error> {
        Self::from_sources(embedded_sources())
    }

    /// The labels, in pack order.
    pub fn labels(&self) -> &[LabelInfo] {
        &self.c.labels
    }

    /// How many stance rules and shared guards the pack has.
    pub fn rule_count(&self) -> (usize, usize) {
        let guards = self
            .c
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::Guard)
            .count();
        (self.c.rules.len() - guards, guards)
    }

    /// How many actors and aliases (names, people, cue phrases) the pack has.
    pub fn actor_count(&self) -> (usize, usize) {
        (self.c.actors.len(), self.c.aliases.len())
    }

    /// The CAMEO actor code of an actor, when the pack gives one.
    pub fn actor_cameo(&self, code: &str) -> Option<&str> {
        self.c
            .actors
            .iter()
            .find(|a| a.code == code)
            .and_then(|a| a.cameo.as_deref())
    }

    /// The statements of an article, in text order. Its `date` chooses between the periods
    /// of people listed with `from` / `until`.
    pub fn extract(&self, article: &Article) -> Vec<Statement> {
        self.extract_dated(&article.text, article.date.as_deref())
    }

    /// The statements of a text, in text order.
    pub fn extract_str(&self, text: &str) -> Vec<Statement> {
        self.extract_dated(text, None)
    }

    /// The statements of a text published on `date` (`YYYY-MM-DD`, or any string starting
    /// with it; `None` when unknown), in text order.
    pub fn extract_dated(&self, text: &str, date: Option<&str>) -> Vec<Statement> {
        let doc = Document::analyse(text);
        let chars = CharIndex::new(text);
        let mut attributor = Attributor::new(&self.c, &self.index).with_date(date);
        let mut out: Vec<Statement> = Vec::new();
        // A quote that opens in a sentence and runs on into the next ones takes its speaker
        // from the sentence that closes it ('"Attacks are war crimes. We will keep supporting
        // Ukraine," Scholz wrote.'): statements waiting for that speaker, by index in `out`.
        let mut pending: Vec<usize> = Vec::new();
        let mut prev: Option<(usize, bool)> = None; // (paragraph, ended inside a quote)
        for (si, sentence) in doc.sentences.iter().enumerate() {
            let v = View::new(&doc, si, &self.c.vocab);
            let found = self.stances(&v);
            let evidence = found.iter().map(|f| f.s).min();
            let att = attributor.attribute(&v, sentence.paragraph, evidence);
            let starts_quoted = v.len() > 0 && v.in_quote(0);
            let ends_quoted = v.len() > 0 && v.in_quote(v.len() - 1);
            let continues = starts_quoted && prev == Some((sentence.paragraph, true));
            if !continues {
                pending.clear();
            } else if !ends_quoted {
                if let Some(a) = att.as_ref().filter(|a| !a.actors.is_empty()) {
                    let speaker = Speaker {
                        text: text[a.span.0..a.span.1].to_string(),
                        span: chars.span(a.span.0, a.span.1),
                    };
                    let actors: Vec<String> = a
                        .actors
                        .iter()
                        .map(|&i| self.c.actors[i].code.clone())
                        .collect();
                    for &i in &pending {
                        if out[i].actors != actors {
                            out[i].speaker = Some(speaker.clone());
                            out[i].actors = actors.clone();
                        }
                    }
                }
                pending.clear();
            }
            prev = Some((sentence.paragraph, ends_quoted));
            if found.is_empty() {
                continue;
            }
            if starts_quoted && ends_quoted {
                pending.push(out.len());
            }
            let stances = found.iter().map(|f| self.stance(&v, f, &chars)).collect();
            let speaker = att.as_ref().map(|a| Speaker {
                text: text[a.span.0..a.span.1].to_string(),
                span: chars.span(a.span.0, a.span.1),
            });
            let actors = att
                .map(|a| {
                    a.actors
                        .iter()
                        .map(|&i| self.c.actors[i].code.clone())
                        .collect()
                })
                .unwrap_or_default();
            out.push(Statement {
                span: chars.span(sentence.start, sentence.end),
                text: text[sentence.start..sentence.end].to_string(),
                speaker,
                actors,
                stances,
            });
        }
        out
    }

    fn stance(&self, v: &View, f: &Found, chars: &CharIndex) -> Stance {
        let (s, e) = v.bytes(f.s, f.e);
        let label = &self.c.labels[f.label];
        Stance {
            label: label.name.clone(),
            rule: self.c.rules[f.rule].id.clone(),
            cameo: label.cameo.clone(),
            span: chars.span(s, e),
            text: v.doc.text[s..e].to_string(),
        }
    }

    /// The stances of one sentence: one per label, the earliest surviving match.
    fn stances(&self, v: &View) -> Vec<Found> {
        let mut best: Vec<Option<Found>> = vec![None; self.c.labels.len()];
        let mut label_guard_cache: Vec<Option<Vec<(usize, usize)>>> =
            vec![None; self.c.labels.len()];
        for (ri, rule) in self.c.rules.iter().enumerate() {
            if rule.kind != RuleKind::Stance || !self.may_match(ri, v) {
                continue;
            }
            for (s, e) in self.rule_matches(ri, v, &mut label_guard_cache) {
                for &label in &rule.labels {
                    let f = Found {
                        label,
                        rule: ri,
                        s,
                        e,
                    };
                    let better = best[label]
                        .is_none_or(|b| (s, std::cmp::Reverse(e)) < (b.s, std::cmp::Reverse(b.e)));
                    if better {
                        best[label] = Some(f);
                    }
                }
            }
        }
        best.into_iter().flatten().collect()
    }

    /// Prefilter: a rule with anchors is tried only if one of them occurs in the sentence.
    fn may_match(&self, ri: usize, v: &View) -> bool {
        self.c.rules[ri]
            .anchors
            .as_ref()
            .is_none_or(|a| v.contains_any(a))
    }

    /// Matches of rule `ri` in a sentence that no guard blocks.
    fn rule_matches(
        &self,
        ri: usize,
        v: &View,
        cache: &mut [Option<Vec<(usize, usize)>>],
    ) -> Vec<(usize, usize)> {
        let rule = &self.c.rules[ri];
        let mut matches = find_all(&rule.patterns, v);
        if matches.is_empty() {
            return matches;
        }
        let own = if rule.guards.is_empty() {
            Vec::new()
        } else {
            find_overlapping(&rule.guards, v)
        };
        matches.retain(|m| !own.iter().any(|g| overlaps(*m, *g)));
        for &label in &rule.labels {
            if matches.is_empty() {
                break;
            }
            let guards = cache[label].get_or_insert_with(|| {
                self.label_guards[label]
                    .iter()
                    .filter(|&&gi| self.may_match(gi, v))
                    .flat_map(|&gi| find_overlapping(&self.c.rules[gi].patterns, v))
                    .collect()
            });
            matches.retain(|m| !guards.iter().any(|g| overlaps(*m, *g)));
        }
        matches
    }

    /// Byte spans of the matches of rule or guard `ri` in a text, guards applied to rules.
    fn example_spans(&self, ri: usize, text: &str) -> Vec<(usize, usize)> {
        let doc = Document::analyse(text);
        let mut out = Vec::new();
        for si in 0..doc.sentences.len() {
            let v = View::new(&doc, si, &self.c.vocab);
            let ms = match self.c.rules[ri].kind {
                RuleKind::Guard => find_overlapping(&self.c.rules[ri].patterns, &v),
                RuleKind::Stance => self.rule_matches(ri, &v, &mut vec![None; self.c.labels.len()]),
            };
            out.extend(ms.into_iter().map(|(s, e)| v.bytes(s, e)));
        }
        out
    }

    /// Runs every embedded `expect` / `reject` example of every rule and guard.
    pub fn run_examples(&self) -> Vec<ExampleOutcome> {
        let mut out = Vec::new();
        for (ri, rule) in self.c.rules.iter().enumerate() {
            for ex in &rule.examples {
                let spans = self.example_spans(ri, &ex.text);
                let shown = |spans: &[(usize, usize)]| {
                    spans
                        .iter()
                        .map(|&(s, e)| format!("[[{}]]", &ex.text[s..e]))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let failure = match (ex.expect, ex.marked) {
                    (true, _) if spans.is_empty() => {
                        Some("expected a match, found none".to_string())
                    }
                    (true, Some(m)) if !spans.contains(&m) => Some(format!(
                        "expected evidence [[{}]], found {}",
                        &ex.text[m.0..m.1],
                        shown(&spans)
                    )),
                    (false, _) if !spans.is_empty() => {
                        Some(format!("expected no match, found {}", shown(&spans)))
                    }
                    _ => None,
                };
                out.push(ExampleOutcome {
                    rule: rule.id.clone(),
                    expect: ex.expect,
                    guard: rule.kind == RuleKind::Guard,
                    text: ex.text.clone(),
                    failure,
                    path: rule.path.clone(),
                    line: ex.line,
                });
            }
        }
        out
    }
}

/// Collects `*.rules` files below `dir`, not following links out of it and not deeper than 16.
fn collect_rule_files(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    depth: usize,
) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: dir.display().to_string(),
        source,
    };
    let entries = std::fs::read_dir(dir).map_err(io)?;
    for entry in entries {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let ft = entry.file_type().map_err(io)?;
        if ft.is_dir() && depth < 16 {
            collect_rule_files(&path, out, depth + 1)?;
        } else if ft.is_file() && path.extension().is_some_and(|e| e == "rules") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"
label restraint cameo "0256"
label ceasefire cameo "0256"
lemma respect = respects respected respecting
lexicon TRUCE = ceasefire | "cease-fire" | truce
rule restraint.exercise-restraint {
  label restraint
  match exercise maximum? restraint
  unless "is exercising" restraint
  expect "We urge them to [[exercise restraint]]."
  reject "The army is exercising restraint."
}
rule ceasefire.respect-the-ceasefire {
  label ceasefire
  match lemma(respect) ~0..3 @TRUCE
  expect "Both sides must [[respect the cease-fire]]."
  reject "The ceasefire was respected."
}
guard ceasefire.did-not-mention {
  label ceasefire
  match did not mention ~0..3 @TRUCE
  expect "It [[did not mention the ceasefire]]."
}
"#;

    fn pack() -> RuleSet {
        match RuleSet::from_sources(&[("t.rules", PACK)]) {
            Ok(r) => r,
            Err(Error::Rules(es)) => {
                panic!("{}", es.iter().map(|e| e.render()).collect::<String>())
            }
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn guards_block_only_the_matches_they_overlap() {
        // (sentence, evidence of each stance found)
        let cases: &[(&str, &[&str])] = &[
            (
                "We urge them to exercise maximum restraint.",
                &["exercise maximum restraint"],
            ),
            ("The army is exercising restraint.", &[]),
            (
                "The army is exercising restraint and urges others to exercise restraint.",
                &["exercise restraint"],
            ),
            ("They did not mention the ceasefire.", &[]),
            (
                "They did not mention the ceasefire but must respect the ceasefire.",
                &["respect the ceasefire"],
            ),
            ("Both must respect, honour and keep the ceasefire.", &[]),
            ("Both must respect the truce.", &["respect the truce"]),
        ];
        let rules = pack();
        for (text, want) in cases {
            let got: Vec<String> = rules
                .extract_str(text)
                .iter()
                .flat_map(|s| s.stances.iter().map(|x| x.text.clone()))
                .collect();
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn embedded_examples_of_a_small_pack_pass() {
        let outcomes = pack().run_examples();
        assert_eq!(outcomes.len(), 5);
        assert!(
            outcomes.iter().all(|o| o.failure.is_none()),
            "{outcomes:#?}"
        );
    }

    #[test]
    fn a_wrong_evidence_mark_fails_with_what_was_found() {
        let src = PACK.replace("[[exercise restraint]]", "[[exercise]] restraint");
        let rules = RuleSet::from_sources(&[("t.rules", src.as_str())]).expect("compiles");
        let failures: Vec<String> = rules
            .run_examples()
            .into_iter()
            .filter_map(|o| o.failure)
            .collect();
        assert_eq!(
            failures,
            ["expected evidence [[exercise]], found [[exercise restraint]]"]
        );
    }

    #[test]
    fn offsets_are_bytes_and_chars_into_the_original() {
        let text = "Ünïcödé — “Both sides must respect the ceasefire,” they said.";
        let st = &pack().extract_str(text)[0];
        let stance = &st.stances[0];
        assert_eq!(&text[stance.span.bytes()], "respect the ceasefire");
        assert_eq!(
            stance.span.char_start,
            text[..stance.span.start].chars().count()
        );
        assert_eq!(&text[st.span.bytes()], text);
    }

    #[test]
    fn every_file_error_is_reported() {
        let Err(Error::Rules(errs)) = RuleSet::from_sources(&[
            ("a.rules", "label x\nrule a.b {"),
            ("b.rules", "lexicon = x"),
        ]) else {
            panic!("expected errors");
        };
        let at: Vec<(String, usize)> = errs.iter().map(|e| (e.path.clone(), e.line)).collect();
        assert_eq!(at, [("a.rules".to_string(), 2), ("b.rules".to_string(), 1)]);
    }
}
