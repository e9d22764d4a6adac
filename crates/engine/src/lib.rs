//! demarche-engine: rule files to a [`RuleSet`], and a [`RuleSet`] over articles to statements.
//!
//! The engine owns the rule language (a pest grammar, parsed to a typed AST and compiled), the
//! text pipeline ([`text`]), the matcher and attribution. It never prints: every problem is
//! returned as a value, and rendering is the CLI's business.
#![deny(missing_docs)]
// A rule-file error is made at most once per problem, never in a loop: its size does not matter.
#![allow(clippy::result_large_err)]

pub mod ast;
mod attribution;
mod compile;
mod error;
mod examples;
mod explain;
mod hash;
mod lint;
mod matcher;
mod parse;
pub mod tabari;
pub mod text;

pub use demarche_core as core;
pub use error::{Diagnostic, Error, RuleFileError, Severity};
pub use explain::{
    AttributionTrace, Explanation, FrameTrace, MatchTrace, MentionTrace, Progress, RuleTrace,
    SentenceTrace, TokenTrace,
};

use attribution::{AliasIndex, Attributor};
use compile::{Compiled, RuleKind};
use demarche_core::{Article, CharIndex, Speaker, Stance, Statement};
use matcher::{find_all, find_overlapping, overlaps, Prefilter, View};
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
    /// The parsed files, kept for lints that point into them.
    files: Vec<ast::RuleFile>,
    index: AliasIndex,
    /// For each label, the indices of the shared guards that block it.
    label_guards: Vec<Vec<usize>>,
    /// Which stance rules may match in a sentence.
    prefilter: Prefilter,
    /// Which shared guards may match in a sentence.
    guard_filter: Prefilter,
    /// Provenance hash of the sources ([`RuleSet::hash`]).
    hash: u64,
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
    /// `true` for a `todo` example (a known miss): its failure is expected, and a pass means
    /// it can become an `expect`.
    pub todo: bool,
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
        let sources = read_sources(dir)?;
        let relative: Vec<(String, &str)> = sources
            .iter()
            .map(|(p, s)| (relative_path(dir, Path::new(p)), s.as_str()))
            .collect();
        let mut rules = Self::from_sources(&sources)?;
        rules.hash = hash::pack_hash(&relative);
        Ok(rules)
    }

    /// Compiles rule files given as `(path, source)` pairs; every error of every file at once
    /// (warnings are left out: see [`check_sources`] and [`RuleSet::lints`]).
    pub fn from_sources<P: AsRef<str>, S: AsRef<str>>(
        sources: &[(P, S)],
    ) -> Result<RuleSet, Error> {
        Self::build(sources)
            .map_err(|all| Error::Rules(all.into_iter().filter(Diagnostic::is_error).collect()))
    }

    /// Parses and compiles; on failure every diagnostic found, errors and warnings.
    fn build<P: AsRef<str>, S: AsRef<str>>(sources: &[(P, S)]) -> Result<RuleSet, Vec<Diagnostic>> {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for (path, source) in sources {
            match parse::parse_file(path.as_ref(), source.as_ref()) {
                Ok(f) => files.push(f),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut c = compile::compile(&files)?;
        compile::shed_actor_names(&mut files);
        rank_needs(&mut c);
        let index = AliasIndex::new(&c);
        let prefilter = Prefilter::new(
            (c.rules.iter().enumerate())
                .filter(|(_, r)| r.kind == RuleKind::Stance)
                .map(|(i, r)| (i, &r.patterns)),
        );
        let guard_filter = Prefilter::new(
            (c.rules.iter().enumerate())
                .filter(|(_, r)| r.kind == RuleKind::Guard)
                .map(|(i, r)| (i, &r.patterns)),
        );
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
            files,
            index,
            label_guards,
            prefilter,
            guard_filter,
            hash: hash::pack_hash(sources),
        })
    }

    /// Every lint of the pack (warnings), in file and line order: those found while compiling
    /// and those that run the embedded examples (see docs/rule-authoring.md).
    pub fn lints(&self) -> Vec<Diagnostic> {
        let mut all = self.c.warnings.clone();
        all.extend(lint::example_lints(self));
        all.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
        all
    }

    /// The default rule pack, embedded at build time from the workspace's `rules/`.
    pub fn embedded() -> Result<RuleSet, Error> {
        let sources = embedded_sources();
        let mut rules = Self::from_sources(sources)?;
        let relative: Vec<(&str, &str)> = sources
            .iter()
            .map(|&(p, s)| (p.strip_prefix("rules/").unwrap_or(p), s))
            .collect();
        rules.hash = hash::pack_hash(&relative);
        Ok(rules)
    }

    /// A provenance hash of the pack's sources: FNV-1a 64 over every file's path relative to the
    /// pack folder and its content, in sorted path order (see `docs/output-format.md`). Any
    /// edit to any rule file changes it; the embedded pack and the same files read with
    /// [`RuleSet::from_dir`] hash the same. [`RuleSet::from_sources`] hashes the paths as given.
    /// Written as 16 lowercase hex digits (`{:016x}`) in outputs.
    pub fn hash(&self) -> u64 {
        self.hash
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

    /// The ids of the stance rules, in pack order.
    pub fn rule_ids(&self) -> Vec<String> {
        self.c
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::Stance)
            .map(|r| r.id.clone())
            .collect()
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
        self.collect(text, date, |_| {})
    }

    /// The statements of an article, and its rule candidates: sentences with no stance whose
    /// speaker was found through an attribution cue and has an actor code (for
    /// `classify --coverage`).
    pub fn extract_with_candidates(&self, article: &Article) -> (Vec<Statement>, Vec<Candidate>) {
        let mut candidates = Vec::new();
        let statements = self.collect(&article.text, article.date.as_deref(), |step| {
            candidates.extend(step.candidate())
        });
        (statements, candidates)
    }

    /// The statements of a text; `no_stance` sees every sentence without one.
    ///
    /// A quote that opens in a sentence and runs on into the next ones takes its speaker from
    /// the sentence that closes it ('"Attacks are war crimes. We will keep supporting
    /// Ukraine," Scholz wrote.'): statements waiting for that speaker are kept by index.
    fn collect(
        &self,
        text: &str,
        date: Option<&str>,
        mut no_stance: impl FnMut(&Step),
    ) -> Vec<Statement> {
        let mut out: Vec<Statement> = Vec::new();
        let mut pending: Vec<usize> = Vec::new();
        let mut prev: Option<(usize, bool)> = None; // (paragraph, ended inside a quote)
        self.walk(text, date, |step| {
            let v = step.v;
            let paragraph = v.doc.sentences[v.sentence].paragraph;
            let starts_quoted = v.len() > 0 && v.in_quote(0);
            let ends_quoted = v.len() > 0 && v.in_quote(v.len() - 1);
            let continues = starts_quoted && prev == Some((paragraph, true));
            if !continues {
                pending.clear();
            } else if !ends_quoted {
                if step.att.as_ref().is_some_and(|a| !a.actors.is_empty()) {
                    let (speaker, actors, cameo) = step.speaker();
                    for &i in &pending {
                        if out[i].actors != actors {
                            out[i].speaker = speaker.clone();
                            out[i].actors = actors.clone();
                            out[i].cameo_actors = cameo.clone();
                        }
                    }
                }
                pending.clear();
            }
            prev = Some((paragraph, ends_quoted));
            match step.statement() {
                Some(st) => {
                    if starts_quoted && ends_quoted {
                        pending.push(out.len());
                    }
                    out.push(st);
                }
                None => no_stance(&step),
            }
        });
        out
    }

    /// Runs the pipeline over `text` sentence by sentence, in order (attribution carries
    /// speakers forward), handing each sentence's stances and speaker to `f`.
    fn walk(&self, text: &str, date: Option<&str>, mut f: impl FnMut(Step)) {
        let doc = Document::analyse(text);
        let chars = CharIndex::new(text);
        let mut attributor = Attributor::new(&self.c, &self.index).with_date(date);
        for (si, sentence) in doc.sentences.iter().enumerate() {
            let v = View::new(&doc, si, &self.c.vocab);
            let found = self.stances(&v);
            let spans: Vec<(usize, usize, usize)> =
                found.iter().map(|f| (f.s, f.e, f.label)).collect();
            let att = attributor.attribute(&v, sentence.paragraph, &spans);
            f(Step {
                rules: self,
                v: &v,
                chars: &chars,
                found,
                att,
                attributor: &attributor,
            });
        }
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
        let mut guards = SentenceGuards::default();
        for (ri, found) in self.prefiltered(v) {
            let rule = &self.c.rules[ri];
            for (s, e) in self.unguarded(ri, v, found, &mut guards) {
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

    /// The matches of the stance rules the prefilter lets through, in pack order, before
    /// guards: only the rules it calls up, and of those only the patterns whose every need
    /// the sentence meets, tried where their first tokens allow.
    fn prefiltered<'a>(
        &'a self,
        v: &'a View,
    ) -> impl Iterator<Item = (usize, Vec<(usize, usize)>)> + 'a {
        self.prefilter
            .candidates(v)
            .into_iter()
            .filter_map(move |(ri, candidates)| {
                let patterns = &self.c.rules[ri].patterns;
                let live = patterns.live_among(v, candidates);
                if live == 0 {
                    return None;
                }
                let starts = (0..v.len()).filter(|&p| patterns.may_start_at(v, p));
                Some((ri, patterns.find_at(v, starts, live)))
            })
    }

    /// Prefilter: a rule is tried only if the sentence has what one of its patterns needs.
    fn may_match(&self, ri: usize, v: &View) -> bool {
        self.c.rules[ri].patterns.live(v) != 0
    }

    /// Matches of rule `ri` in a sentence that no guard blocks.
    fn rule_matches(&self, ri: usize, v: &View) -> Vec<(usize, usize)> {
        let found = find_all(&self.c.rules[ri].patterns, v);
        self.unguarded(ri, v, found, &mut SentenceGuards::default())
    }

    /// The matches of rule `ri` that no guard blocks (`guards`: the shared guards' matches,
    /// worked out once per sentence).
    fn unguarded(
        &self,
        ri: usize,
        v: &View,
        mut matches: Vec<(usize, usize)>,
        guards: &mut SentenceGuards,
    ) -> Vec<(usize, usize)> {
        let rule = &self.c.rules[ri];
        if matches.is_empty() {
            return matches;
        }
        let own = if rule.guards.is_empty() {
            Vec::new()
        } else {
            find_overlapping(&rule.guards, v)
        };
        matches.retain(|m| !own.iter().any(|g| overlaps(*m, *g)));
        if !matches.is_empty() && self.context_match(ri, v) == Some(None) {
            matches.clear();
        }
        for &label in &rule.labels {
            if matches.is_empty() {
                break;
            }
            let blocks = guards.of_label(self, label, v);
            matches.retain(|m| !blocks.iter().any(|g| overlaps(*m, *g)));
        }
        matches
    }

    /// The `context` of rule `ri` in sentence `v`: `None` when the rule has none; otherwise
    /// the byte range of the first match of one of its `context` patterns in the sentence
    /// before, when that sentence is in the same or the previous paragraph
    /// (`Some(None)`: no such sentence or no match, so the rule does not match).
    fn context_match(&self, ri: usize, v: &View) -> Option<Option<(usize, usize)>> {
        let context = &self.c.rules[ri].context;
        if context.is_empty() {
            return None;
        }
        let sentences = &v.doc.sentences;
        let here = sentences[v.sentence].paragraph;
        let Some(before) = v.sentence.checked_sub(1) else {
            return Some(None);
        };
        if sentences[before].paragraph + 1 < here {
            return Some(None);
        }
        let prev = View::new(v.doc, before, &self.c.vocab);
        let live = context.live(&prev);
        let found = context.find_overlapping(&prev, live);
        Some(found.first().map(|&(s, e)| prev.bytes(s, e)))
    }

    /// Byte spans of the matches of rule or guard `ri` in a text, guards applied to rules.
    fn example_spans(&self, ri: usize, text: &str) -> Vec<(usize, usize)> {
        let doc = Document::analyse(text);
        let mut out = Vec::new();
        for si in 0..doc.sentences.len() {
            let v = View::new(&doc, si, &self.c.vocab);
            let ms = match self.c.rules[ri].kind {
                RuleKind::Guard => find_overlapping(&self.c.rules[ri].patterns, &v),
                RuleKind::Stance => self.rule_matches(ri, &v),
            };
            out.extend(ms.into_iter().map(|(s, e)| v.bytes(s, e)));
        }
        out
    }

    /// Runs every embedded `expect` / `reject` / `todo` example of every rule and guard. An
    /// example with `by` is also run through the whole pipeline, and must give a statement of
    /// the rule's label whose speaker has exactly those actors.
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
                    (true, _) if spans.is_empty() => Some(self.why_no_match(ri, &ex.text)),
                    (true, Some(m)) if !spans.contains(&m) => Some(format!(
                        "expected evidence [[{}]], found {}",
                        &ex.text[m.0..m.1],
                        shown(&spans)
                    )),
                    (false, _) if !spans.is_empty() => {
                        Some(format!("expected no match, found {}", shown(&spans)))
                    }
                    _ if rule.kind == RuleKind::Stance => {
                        self.pipeline_failure(ri, &ex.text, ex.by.as_deref(), ex.to.as_deref())
                    }
                    _ => None,
                };
                out.push(ExampleOutcome {
                    rule: rule.id.clone(),
                    expect: ex.expect,
                    guard: rule.kind == RuleKind::Guard,
                    todo: ex.todo,
                    text: ex.text.clone(),
                    failure,
                    path: rule.path.clone(),
                    line: ex.line,
                });
            }
        }
        out.extend(self.frame_examples());
        out
    }
}

impl RuleSet {
    /// "expected a match, found none", naming the guard when one blocked a match.
    fn why_no_match(&self, ri: usize, text: &str) -> String {
        let doc = Document::analyse(text);
        for si in 0..doc.sentences.len() {
            let v = View::new(&doc, si, &self.c.vocab);
            for m in find_all(&self.c.rules[ri].patterns, &v) {
                if let Some(b) = self.blocker_name(ri, &v, m) {
                    let (s, e) = v.bytes(m.0, m.1);
                    return format!(
                        "expected a match, found none: [[{}]] is blocked by {b}",
                        &text[s..e]
                    );
                }
            }
        }
        "expected a match, found none".to_string()
    }
}

/// One sentence of [`RuleSet::walk`]: its view, stances found and speaker chosen.
struct Step<'a> {
    rules: &'a RuleSet,
    v: &'a View<'a>,
    chars: &'a CharIndex,
    found: Vec<Found>,
    att: Option<attribution::Attribution>,
    attributor: &'a Attributor<'a>,
}

/// A sentence with a cued, coded speaker but no stance: a candidate for a new rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The sentence.
    pub sentence: String,
    /// The attribution cue, folded (`said`, `according to`).
    pub cue: String,
    /// The speaker's actor codes.
    pub actors: Vec<String>,
}

impl Step<'_> {
    /// The speaker mention, its actor codes and their CAMEO codes, if the sentence has one.
    fn speaker(&self) -> (Option<Speaker>, Vec<String>, Vec<String>) {
        let Some(a) = &self.att else {
            return (None, Vec::new(), Vec::new());
        };
        let speaker = Speaker {
            text: self.v.doc.text[a.span.0..a.span.1].to_string(),
            span: self.chars.span(a.span.0, a.span.1),
        };
        let (actors, cameo) = self.rules.c.codes_of(&a.actors);
        (Some(speaker), actors, cameo)
    }

    /// The frames matched in the sentence (if it has stances), with each slot's fill.
    fn frames(&self) -> Vec<(String, Vec<(ast::Slot, String)>)> {
        self.attributor.frames_matched(self.v)
    }

    /// The target mention, its actor codes and their CAMEO codes, if the sentence has a target.
    fn target(&self) -> (Option<Speaker>, Vec<String>, Vec<String>) {
        let Some(t) = self.attributor.target() else {
            return (None, Vec::new(), Vec::new());
        };
        let mention = Speaker {
            text: self.v.doc.text[t.span.0..t.span.1].to_string(),
            span: self.chars.span(t.span.0, t.span.1),
        };
        let (codes, cameo) = self.rules.c.codes_of(&t.actors);
        (Some(mention), codes, cameo)
    }

    /// The sentence as a [`Candidate`], if its speaker came with a cue and an actor.
    fn candidate(&self) -> Option<Candidate> {
        let att = self.att.as_ref()?;
        let (s, e) = att.cue?;
        if att.actors.is_empty() || att.how == attribution::How::Carried {
            return None;
        }
        let v = self.v;
        let info = &v.doc.sentences[v.sentence];
        Some(Candidate {
            sentence: v.doc.text[info.start..info.end].to_string(),
            cue: (s..e).map(|p| v.folded(p)).collect::<Vec<_>>().join(" "),
            actors: self.rules.c.codes_of(&att.actors).0,
        })
    }

    /// The sentence's statement, if it has a stance.
    fn statement(&self) -> Option<Statement> {
        if self.found.is_empty() {
            return None;
        }
        let (rs, v, chars) = (self.rules, self.v, self.chars);
        let text = v.doc.text;
        let sentence = &v.doc.sentences[v.sentence];
        let stances = self.found.iter().map(|f| rs.stance(v, f, chars)).collect();
        let (speaker, actors, cameo_actors) = self.speaker();
        let (target, targets, target_cameo_actors) = self.target();
        Some(Statement {
            span: chars.span(sentence.start, sentence.end),
            text: text[sentence.start..sentence.end].to_string(),
            speaker,
            actors,
            cameo_actors,
            target,
            targets,
            target_cameo_actors,
            stances,
        })
    }
}

/// What `check` finds in a rule pack: every error and lint, and the pack when it compiles.
#[derive(Debug)]
pub struct CheckReport {
    /// Errors and warnings, in file and line order.
    pub diagnostics: Vec<Diagnostic>,
    /// The compiled pack, when there is no error.
    pub rules: Option<RuleSet>,
}

/// Parses, compiles and lints rule files given as `(path, source)` pairs.
pub fn check_sources<P: AsRef<str>, S: AsRef<str>>(sources: &[(P, S)]) -> CheckReport {
    match RuleSet::build(sources) {
        Ok(rules) => CheckReport {
            diagnostics: rules.lints(),
            rules: Some(rules),
        },
        Err(diagnostics) => CheckReport {
            diagnostics,
            rules: None,
        },
    }
}

/// Reads every `*.rules` file below `dir`, sorted by path, as `(path, source)` pairs.
pub fn read_sources(dir: &Path) -> Result<Vec<(String, String)>, Error> {
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
    Ok(sources)
}

/// `path` relative to `dir`, with `/` separators, for hashing.
fn relative_path(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
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

/// The shared guards' matches in one sentence, worked out when a stance first needs them.
#[derive(Debug, Default)]
struct SentenceGuards {
    /// The guards that may match (their index and live pattern bits), in index order, from
    /// the guard prefilter.
    live: Option<Vec<(usize, u64)>>,
    /// Per label, the matches of the guards that block it.
    by_label: Vec<Option<Vec<(usize, usize)>>>,
}

impl SentenceGuards {
    /// The matches, in sentence `v`, of the guards that block `label`.
    fn of_label(&mut self, rules: &RuleSet, label: usize, v: &View) -> &[(usize, usize)] {
        if self.by_label.len() <= label {
            self.by_label
                .resize(rules.c.labels.len().max(label + 1), None);
        }
        let live = self.live.get_or_insert_with(|| {
            (rules.guard_filter.candidates(v).into_iter())
                .filter_map(|(gi, candidates)| {
                    let live = rules.c.rules[gi].patterns.live_among(v, candidates);
                    (live != 0).then_some((gi, live))
                })
                .collect()
        });
        self.by_label[label].get_or_insert_with(|| {
            (rules.label_guards[label].iter())
                .filter_map(|gi| live.binary_search_by_key(gi, |&(g, _)| g).ok())
                .flat_map(|k| {
                    let (gi, live) = live[k];
                    rules.c.rules[gi].patterns.find_overlapping(v, live)
                })
                .collect()
        })
    }
}

/// Works out every pattern's needs ([`matcher::Need`]) with the rarity of their tokens,
/// estimated from how often the pack's own examples (news-like text the pack ships with) use
/// each: alternatives then need their rarest words, and each pattern's rarest clause is
/// tested first and keys the prefilter. Only speed depends on it, never results.
fn rank_needs(c: &mut Compiled) {
    let mut uses = vec![0u64; c.vocab.len()];
    for ex in c.rules.iter().flat_map(|r| &r.examples) {
        let doc = Document::analyse(&ex.text);
        for t in &doc.tokens {
            let id = c.vocab.get(t.folded(&ex.text));
            if let Some(n) = uses.get_mut(id as usize) {
                *n += 1;
            }
        }
    }
    let cost = |ids: &[u32]| -> u64 {
        ids.iter()
            .map(|&id| uses.get(id as usize).copied().unwrap_or(0) + 1)
            .sum()
    };
    for r in &mut c.rules {
        r.patterns.rank(&cost);
        r.guards.rank(&cost);
        r.context.rank(&cost);
    }
    let cues = &mut c.cues;
    for p in [
        &mut cues.speech,
        &mut cues.source,
        &mut cues.carry,
        &mut cues.generic,
        &mut cues.office,
        &mut cues.party,
    ] {
        p.rank(&cost);
    }
    for f in &mut c.frames {
        f.guards.rank(&cost);
        for part in f.alts.iter_mut().flatten() {
            if let compile::FramePart::Tokens(p, _) = part {
                p.rank(&cost);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Node;

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

    /// The prefilter and the needs only skip work: on every example sentence of the
    /// embedded pack, each stance rule and guard finds what a search of all its patterns at
    /// every token finds.
    #[test]
    fn prefilter_never_loses_a_match() {
        let rules = RuleSet::embedded().expect("embedded pack");
        let mut sentences = 0;
        for ex in rules.c.rules.iter().flat_map(|r| &r.examples) {
            let doc = Document::analyse(&ex.text);
            for si in 0..doc.sentences.len() {
                let v = View::new(&doc, si, &rules.c.vocab);
                sentences += 1;
                let mut via: Vec<(usize, Vec<(usize, usize)>)> = rules.prefiltered(&v).collect();
                via.retain(|(_, m)| !m.is_empty());
                let mut all = Vec::new();
                for (ri, r) in rules.c.rules.iter().enumerate() {
                    let plain: &[Node] = &r.patterns;
                    match r.kind {
                        RuleKind::Stance => {
                            let m = find_all(plain, &v);
                            if !m.is_empty() {
                                all.push((ri, m));
                            }
                        }
                        RuleKind::Guard => assert_eq!(
                            find_overlapping(&r.patterns, &v),
                            find_overlapping(plain, &v),
                            "guard {} on {:?}",
                            r.id,
                            ex.text
                        ),
                    }
                    let own: &[Node] = &r.guards;
                    assert_eq!(
                        find_overlapping(&r.guards, &v),
                        find_overlapping(own, &v),
                        "unless of {} on {:?}",
                        r.id,
                        ex.text
                    );
                }
                assert_eq!(via, all, "{:?}", ex.text);
            }
        }
        assert!(sentences > 1000, "{sentences} sentences");
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

    const CONTEXT_PACK: &str = r#"
label negotiation
label ceasefire
lexicon TALKS = talks | dialogue | negotiations
rule negotiation.return-to-it {
  label negotiation
  match (return | "come back") to it
  context @TALKS
  context "peace process"
  unless "not" ~0..2 (return | "come back")
  expect "The dialogue was the only path. We must [[return to it]]."
  reject "The road was closed. We must return to it."
}
rule ceasefire.respect-it {
  label ceasefire
  match respect it
  context truce | ceasefire
  expect "The truce is fragile. Both sides must [[respect it]]."
  reject "We must respect it."
}
"#;

    /// `context PATTERN`: a rule matches only when the sentence before, in the same or the
    /// previous paragraph, has a match of one of its `context` patterns.
    #[test]
    fn context_looks_at_the_sentence_before() {
        // (text, evidence of each stance found)
        let cases: &[(&str, &[&str])] = &[
            (
                "The talks stalled in May. We must return to it.",
                &["return to it"],
            ),
            ("We must return to it.", &[]),
            ("The road was closed. We must return to it.", &[]),
            // the previous paragraph counts
            (
                "The talks stalled in May.\n\nWe must return to it.",
                &["return to it"],
            ),
            // only the sentence just before, not one further back
            (
                "The talks stalled in May. It rained. We must return to it.",
                &[],
            ),
            (
                "The talks stalled in May.\n\nIt rained.\n\nWe must return to it.",
                &[],
            ),
            // not the sentence itself
            ("We left the talks and must return to it.", &[]),
            // a second `context` line is an alternative
            (
                "The peace process stalled. We must come back to it.",
                &["come back to it"],
            ),
            // `unless` still blocks
            ("The talks stalled. We will not return to it.", &[]),
            // each rule has its own context
            (
                "The truce and the talks stalled. Both must respect it and return to it.",
                &["return to it", "respect it"],
            ),
            ("The talks stalled. Both must respect it.", &[]),
            // the match in the sentence before may be anywhere in it
            (
                "\"We will not give up on dialogue,\" she said. \"We must return to it.\"",
                &["return to it"],
            ),
        ];
        let rules = RuleSet::from_sources(&[("t.rules", CONTEXT_PACK)]).expect("compiles");
        for (text, want) in cases {
            let got: Vec<String> = rules
                .extract_str(text)
                .iter()
                .flat_map(|s| s.stances.iter().map(|x| x.text.clone()))
                .collect();
            assert_eq!(got, *want, "{text}");
        }
        let outcomes = rules.run_examples();
        assert_eq!(outcomes.len(), 4);
        assert!(
            outcomes.iter().all(|o| o.failure.is_none()),
            "{outcomes:#?}"
        );
    }

    #[test]
    fn a_context_example_without_its_sentence_before_fails() {
        let src = CONTEXT_PACK.replace("The dialogue was the only path. We", "We");
        let rules = RuleSet::from_sources(&[("t.rules", src.as_str())]).expect("compiles");
        let failures: Vec<String> = rules
            .run_examples()
            .into_iter()
            .filter_map(|o| o.failure)
            .collect();
        assert_eq!(
            failures,
            ["expected a match, found none: [[return to it]] is blocked by context @TALKS | \"peace process\" (no match in the sentence before)"]
        );
    }

    #[test]
    fn a_shared_guard_cannot_have_a_context() {
        let src = format!(
            "{CONTEXT_PACK}guard negotiation.g {{ label negotiation match x context y expect \"[[x]]\" }}"
        );
        let Err(Error::Rules(errs)) = RuleSet::from_sources(&[("t.rules", src.as_str())]) else {
            panic!("expected an error");
        };
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].message.contains("cannot have a `context`"),
            "{errs:?}"
        );
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
    fn embedded_pack_hashes_as_its_folder() {
        let embedded = RuleSet::embedded().expect("embedded pack");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
        let read = RuleSet::from_dir(dir).expect("rules/ compiles");
        assert_eq!(embedded.hash(), read.hash());
        assert_ne!(embedded.hash(), pack().hash());
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
