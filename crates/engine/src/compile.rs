//! The typed AST of all rule files to a [`RuleSet`]: resolves labels, lexicons, lemmas and
//! actors, checks ids and aliases, and compiles patterns to token automata ([`Node`]).
//!
//! Every problem of every file is collected; compilation goes on after an error so that one run
//! reports them all.

use crate::ast::{Item, Pattern, RuleDef, RuleFile, Slot, Spanned};
use crate::error::RuleFileError;
use crate::matcher::{Node, Patterns, Vocab};
use crate::text::phrase_tokens;
use crate::LabelInfo;
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};

mod actors;
pub(crate) use actors::shed_actor_names;

/// The widest gap a pattern may ask for; wider gaps make rules that match anything.
pub(crate) const MAX_GAP: u32 = 12;
/// Gaps wider than this are allowed, but warned about when no `expect` example needs the
/// width (lint `wide-gap`, in [`crate::lint`]).
pub(crate) const WIDE_GAP: u32 = 8;
/// How many nodes one `match`, `unless` or `cue` pattern may expand to, lexicons and lemmas
/// inlined: lexicons that use each other twice over would otherwise grow exponentially.
pub(crate) const MAX_PATTERN_NODES: usize = 20_000;
/// How deep groups, optionals and lexicons may nest inside one pattern, all counted together,
/// so that compiling and matching never recurse without bound.
pub(crate) const MAX_PATTERN_DEPTH: usize = 64;
/// How many gaps one pattern may chain in a row (alternatives count their longest branch):
/// each gap multiplies the positions the matcher tracks, so long chains make matching slow.
pub(crate) const MAX_GAP_CHAIN: usize = 8;
/// How many errors one compile reports; the rest are counted. Positioning an error costs a scan
/// of its file, so a file of 50,000 duplicate lines took most of a minute to report in full.
pub(crate) const MAX_ERRORS: usize = 500;

/// Whether a compiled rule is a stance rule or a shared guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuleKind {
    /// A `rule` block.
    Stance,
    /// A `guard` block.
    Guard,
}

/// An embedded `expect`, `reject` or `todo` example.
#[derive(Debug, Clone)]
pub(crate) struct Example {
    /// The example without `[[ ]]`.
    pub text: String,
    /// The marked evidence, as a byte range of `text`.
    pub marked: Option<(usize, usize)>,
    /// `expect` or `todo` (true), `reject` (false).
    pub expect: bool,
    /// A `todo`: a known miss, reported but not failed.
    pub todo: bool,
    /// `by CODE, ...`: the actor codes the whole pipeline must give the speaker.
    pub by: Option<Vec<String>>,
    /// `to CODE, ...`: the actor codes the whole pipeline must give the target.
    pub to: Option<Vec<String>>,
    /// 1-based line in the rule file.
    pub line: usize,
}

/// A compiled rule or shared guard.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pub id: String,
    pub kind: RuleKind,
    pub labels: Vec<usize>,
    pub patterns: Patterns,
    pub guards: Patterns,
    /// `context` patterns: when there are any, one must match the sentence before.
    pub context: Patterns,
    pub examples: Vec<Example>,
    pub path: String,
    /// Where the rule is defined: file index and item index in that file's AST.
    pub origin: (usize, usize),
}

/// A compiled attribution frame: alternatives of pieces, each a pattern or a slot.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub id: String,
    /// The labels a statement must have for the frame to give its target (any when empty).
    pub labels: Vec<usize>,
    pub alts: Vec<Vec<FramePart>>,
    /// `unless` patterns: a frame match they overlap is dropped.
    pub guards: Patterns,
    pub examples: Vec<Example>,
    pub path: String,
}

/// A piece of a frame alternative.
#[derive(Debug, Clone)]
pub(crate) enum FramePart {
    /// Tokens matched by a pattern (one, in its matching form: tried only where its first
    /// tokens are, in sentences that have what it needs); `true` when it may match nothing.
    Tokens(Patterns, bool),
    /// A mention or chain of mentions in that role.
    Slot(Slot),
}

/// An actor of the dictionaries.
#[derive(Debug, Clone)]
pub(crate) struct ActorInfo {
    pub code: String,
    pub cameo: Option<String>,
    /// True for bodies (`kind body`): a state speaking as a body's chair speaks for the body.
    pub body: bool,
}

/// What a mention found in text refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MentionKind {
    /// An actor alias or person: has an actor.
    Actor(usize),
    /// A generic speaker ("world powers"): no actor code.
    Generic,
    /// A pronoun or document that carries the speaker of an earlier sentence.
    Carry,
    /// A role or office that speaks for a state named in context.
    Office,
}

/// One alias, as token ids.
#[derive(Debug, Clone)]
pub(crate) struct Alias {
    pub tokens: Vec<u32>,
    pub kind: MentionKind,
    /// For short all-capital aliases ("US", "UN"): the exact surface the text must have.
    pub exact: Option<String>,
    /// True for the names of a `person`.
    pub person: bool,
    /// For a dated person (`from "..."`): the first day, as `YYYY-MM-DD`.
    pub from: Option<String>,
    /// For a dated person (`until "..."`): the last day, as `YYYY-MM-DD`.
    pub until: Option<String>,
}

/// A date of a person's period, completed to `YYYY-MM-DD` (the first or the last day of a
/// year or month written as `YYYY` or `YYYY-MM`); `None` if it is not a date.
pub(crate) fn complete_date(s: &str, last: bool) -> Option<String> {
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = s.trim().split('-').collect();
    let ok = match parts.as_slice() {
        [y] => y.len() == 4 && digits(y),
        [y, m] => y.len() == 4 && digits(y) && m.len() == 2 && digits(m),
        [y, m, d] => {
            y.len() == 4 && digits(y) && m.len() == 2 && digits(m) && d.len() == 2 && digits(d)
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    let (m, d) = if last { ("12", "31") } else { ("01", "01") };
    Some(match parts.as_slice() {
        [y] => format!("{y}-{m}-{d}"),
        [y, mm] => format!("{y}-{mm}-{d}"),
        _ => s.trim().to_string(),
    })
}

/// Attribution cue patterns by kind.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cues {
    pub speech: Patterns,
    pub source: Patterns,
    pub carry: Patterns,
    pub generic: Patterns,
    pub office: Patterns,
    /// Party phrases that may fill a frame's slot ("both sides"); never speakers.
    pub party: Patterns,
}

/// Everything compiled from the rule files.
#[derive(Debug, Clone, Default)]
pub(crate) struct Compiled {
    pub labels: Vec<LabelInfo>,
    pub rules: Vec<CompiledRule>,
    pub vocab: Vocab,
    pub actors: Vec<ActorInfo>,
    pub aliases: Vec<Alias>,
    pub cues: Cues,
    /// Attribution frames, in pack order.
    pub frames: Vec<Frame>,
    /// Folded inflected form to its lemma (`urged` -> `urge`), for `explain`.
    pub lemma_of: HashMap<String, String>,
    /// Lints found while compiling (warnings).
    pub warnings: Vec<RuleFileError>,
}

struct Ctx<'a> {
    files: &'a [RuleFile],
    errors: Vec<RuleFileError>,
    label_ix: HashMap<String, usize>,
    lemmas: HashMap<String, Vec<String>>,
    lexicons: HashMap<String, (usize, &'a Spanned<Pattern>)>,
    used_lexicons: HashSet<String>,
    out: Compiled,
    warnings: Vec<RuleFileError>,
    /// Nodes the pattern being compiled may still add (see [`MAX_PATTERN_NODES`]).
    budget: usize,
    /// True once the pattern being compiled broke a limit: its error is given once.
    over_limit: bool,
    /// The lexicons being inlined, outermost first, to find cycles.
    lexicon_stack: Vec<String>,
    /// Errors past [`MAX_ERRORS`], counted but not kept.
    dropped: usize,
    /// Where an error past [`MAX_ERRORS`] is written, to be thrown away.
    scratch: RuleFileError,
    /// Byte offsets of the newlines of each file, computed when first needed, so that the
    /// lines of many examples cost a binary search each rather than a scan of the file.
    newlines: Vec<Option<Vec<usize>>>,
    /// Each actor code's index in `out.actors`, from [`actors::register_actors`].
    actor_ix: HashMap<String, usize>,
    /// The actor entry of each (actor, CAMEO code) pair that a `cameo` on a line asks for.
    sub_actors: HashMap<(usize, String), usize>,
}

impl<'a> Ctx<'a> {
    fn err(
        &mut self,
        file: usize,
        span: (usize, usize),
        msg: impl Into<String>,
    ) -> &mut RuleFileError {
        if self.full() {
            self.dropped += 1;
            return &mut self.scratch;
        }
        let f = &self.files[file];
        self.errors
            .push(RuleFileError::at(&f.path, &f.source, span.0, span.1, msg));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn warn(
        &mut self,
        file: usize,
        span: (usize, usize),
        code: &'static str,
        msg: impl Into<String>,
    ) -> &mut RuleFileError {
        let f = &self.files[file];
        self.warnings
            .push(RuleFileError::at(&f.path, &f.source, span.0, span.1, msg).warning(code));
        let last = self.warnings.len() - 1;
        &mut self.warnings[last]
    }

    /// The 1-based line of byte `pos` of file `file`.
    fn line_of(&mut self, file: usize, pos: usize) -> usize {
        let source = &self.files[file].source;
        let newlines = self.newlines[file].get_or_insert_with(|| {
            source
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect()
        });
        newlines.partition_point(|&n| n < pos) + 1
    }

    /// True once [`MAX_ERRORS`] errors are kept: later ones are only counted, and hints that
    /// cost a search (did you mean ...?) need not be computed.
    fn full(&self) -> bool {
        self.errors.len() >= MAX_ERRORS
    }
}

/// Compiles parsed files. On success the lints found on the way are in
/// [`Compiled::warnings`]; on failure every error and warning is returned, in file order.
pub(crate) fn compile(files: &[RuleFile]) -> Result<Compiled, Vec<RuleFileError>> {
    let mut cx = Ctx {
        files,
        errors: Vec::new(),
        label_ix: HashMap::new(),
        lemmas: HashMap::new(),
        lexicons: HashMap::new(),
        used_lexicons: HashSet::new(),
        out: Compiled::default(),
        warnings: Vec::new(),
        budget: MAX_PATTERN_NODES,
        over_limit: false,
        lexicon_stack: Vec::new(),
        dropped: 0,
        scratch: RuleFileError::at("", "", 0, 0, ""),
        newlines: vec![None; files.len()],
        actor_ix: HashMap::new(),
        sub_actors: HashMap::new(),
    };
    collect_definitions(&mut cx);
    actors::register_actors(&mut cx);
    let mut seen_ids: HashMap<String, (usize, (usize, usize))> = HashMap::new();
    let mut seen_aliases: FxHashMap<String, String> = FxHashMap::default();
    for (fi, file) in files.iter().enumerate() {
        for (ii, item) in file.items.iter().enumerate() {
            match item {
                Item::Rule(def) => {
                    compile_rule(&mut cx, (fi, ii), def, RuleKind::Stance, &mut seen_ids)
                }
                Item::Guard(def) => {
                    compile_rule(&mut cx, (fi, ii), def, RuleKind::Guard, &mut seen_ids)
                }
                Item::Frame(def) => compile_frame(&mut cx, fi, def, &mut seen_ids),
                Item::Cue { kind, pattern } => {
                    compile_cue(&mut cx, fi, kind, pattern, &mut seen_aliases)
                }
                _ => {}
            }
        }
    }
    // Actors last: their words get the highest ids, after every word a pattern can need, so
    // that a sentence's bit set of needed words stays the size of the patterns' vocabulary
    // however many names the pack has (`Vocab::seal_patterns`).
    cx.out.vocab.seal_patterns();
    for (fi, file) in files.iter().enumerate() {
        for item in &file.items {
            if let Item::Actor(def) = item {
                actors::compile_actor(&mut cx, fi, def, &mut seen_aliases);
            }
        }
    }
    if cx.out.labels.is_empty() && cx.errors.is_empty() && !files.is_empty() {
        let f = &files[0];
        cx.errors.push(RuleFileError::at(
            &f.path,
            &f.source,
            0,
            0,
            "no `label` is defined in any rule file",
        ));
    }
    unused_lexicons(&mut cx);
    for (form, base) in cx.lemmas.iter().flat_map(|(base, forms)| {
        forms
            .iter()
            .map(move |f| (crate::text::fold(f), base.clone()))
    }) {
        cx.out.lemma_of.entry(form).or_insert(base);
    }
    // A lexicon is compiled once per use: report what is wrong in it once.
    dedup(&mut cx.errors);
    dedup(&mut cx.warnings);
    if cx.errors.is_empty() {
        cx.out.warnings = cx.warnings;
        return Ok(cx.out);
    }
    let mut all = cx.errors;
    all.extend(cx.warnings);
    all.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    if cx.dropped > 0 {
        let f = &files[0];
        let message = format!(
            "{} more error(s) not shown: only the first {MAX_ERRORS} are reported",
            cx.dropped
        );
        all.push(RuleFileError::at(&f.path, &f.source, 0, 0, message));
    }
    Err(all)
}

/// Drops repeats of the same message at the same place, keeping the first.
fn dedup(diags: &mut Vec<RuleFileError>) {
    let mut seen = HashSet::new();
    diags.retain(|d| seen.insert((d.path.clone(), d.line, d.col, d.message.clone())));
}

/// Lint `unused-lexicon`: a lexicon no rule, guard, cue or other used lexicon refers to.
fn unused_lexicons(cx: &mut Ctx) {
    let mut unused: Vec<(usize, (usize, usize), String)> = Vec::new();
    for (fi, file) in cx.files.iter().enumerate() {
        for item in &file.items {
            if let Item::Lexicon { name, .. } = item {
                if !cx.used_lexicons.contains(&name.node) {
                    unused.push((fi, name.span, name.node.clone()));
                }
            }
        }
    }
    for (fi, span, name) in unused {
        let w = cx.warn(
            fi,
            span,
            "unused-lexicon",
            format!("lexicon `@{name}` is never used"),
        );
        *w = w.clone().with_help("use it in a rule, or delete it");
    }
}

/// First pass: labels, lemmas and lexicon names, so later items may use them in any order.
fn collect_definitions(cx: &mut Ctx) {
    for (fi, file) in cx.files.iter().enumerate() {
        for item in &file.items {
            match item {
                Item::Label {
                    name,
                    cameo,
                    plover,
                    description,
                } => {
                    if cx.label_ix.contains_key(&name.node) {
                        cx.err(
                            fi,
                            name.span,
                            format!("label `{}` is defined twice", name.node),
                        );
                        continue;
                    }
                    cx.label_ix.insert(name.node.clone(), cx.out.labels.len());
                    cx.out.labels.push(LabelInfo {
                        name: name.node.clone(),
                        cameo: cameo.clone(),
                        plover: plover.clone(),
                        description: description.clone(),
                    });
                }
                Item::Lemma { base, forms } => {
                    let key = crate::text::fold(&base.node);
                    if cx.lemmas.contains_key(&key) {
                        cx.err(
                            fi,
                            base.span,
                            format!("lemma `{}` is defined twice", base.node),
                        );
                    }
                    let mut all = vec![base.node.clone()];
                    all.extend(forms.iter().cloned());
                    cx.lemmas.insert(key, all);
                }
                Item::Lexicon { name, pattern } => {
                    if cx.lexicons.contains_key(&name.node) {
                        cx.err(
                            fi,
                            name.span,
                            format!("lexicon `{}` is defined twice", name.node),
                        );
                    }
                    cx.lexicons.insert(name.node.clone(), (fi, pattern));
                }
                _ => {}
            }
        }
    }
}

/// Records the id of a rule, guard or frame (lint `duplicate-id` when it is taken) and
/// resolves its labels (an error for each unknown one).
fn id_and_labels(
    cx: &mut Ctx,
    fi: usize,
    def: &RuleDef,
    seen: &mut HashMap<String, (usize, (usize, usize))>,
) -> Vec<usize> {
    if let Some(&(pf, pspan)) = seen.get(&def.id.node) {
        let line = cx.line_of(pf, pspan.0);
        let path = cx.files[pf].path.clone();
        let w = cx.warn(
            fi,
            def.id.span,
            "duplicate-id",
            format!("rule id `{}` is used twice", def.id.node),
        );
        *w = w.clone().with_help(format!(
            "first used at {path}:{line}; ids name rules in test and eval reports, so make them unique"
        ));
    } else {
        seen.insert(def.id.node.clone(), (fi, def.id.span));
    }
    let mut labels = Vec::new();
    for l in &def.labels {
        match cx.label_ix.get(&l.node) {
            Some(&i) => labels.push(i),
            None => unknown_label(cx, fi, l),
        }
    }
    labels
}

fn compile_rule(
    cx: &mut Ctx,
    origin: (usize, usize),
    def: &RuleDef,
    kind: RuleKind,
    seen: &mut HashMap<String, (usize, (usize, usize))>,
) {
    let fi = origin.0;
    let labels = id_and_labels(cx, fi, def, seen);
    if def.labels.is_empty() {
        cx.err(fi, def.id.span, format!("`{}` has no `label`", def.id.node));
    }
    if def.matches.is_empty() {
        cx.err(
            fi,
            def.id.span,
            format!("`{}` has no `match` pattern", def.id.node),
        );
    }
    let patterns: Vec<Node> = def.matches.iter().map(|p| compile_top(cx, fi, p)).collect();
    let guards = def.guards.iter().map(|p| compile_top(cx, fi, p)).collect();
    let context = def
        .contexts
        .iter()
        .map(|p| compile_top(cx, fi, p))
        .collect();
    if kind == RuleKind::Guard {
        for c in &def.contexts {
            let e = cx.err(
                fi,
                c.span,
                "a shared `guard` cannot have a `context`".to_string(),
            );
            *e = e
                .clone()
                .with_help("write the guard as an `unless` of the rules that need the context");
        }
    }
    let examples = compile_examples(cx, fi, def);
    let path = cx.files[fi].path.clone();
    cx.out.rules.push(CompiledRule {
        id: def.id.node.clone(),
        kind,
        labels,
        patterns: Patterns::new(patterns),
        guards: Patterns::new(guards),
        context: Patterns::new(context),
        examples,
        path,
        origin,
    });
}

/// The `expect`, `reject` and `todo` examples of a rule or frame, with their `by` and `to`
/// codes checked against the actor blocks of the pack.
fn compile_examples(cx: &mut Ctx, fi: usize, def: &RuleDef) -> Vec<Example> {
    let mut examples = Vec::new();
    let all = (def.expects.iter().map(|e| (e, true, false)))
        .chain(def.rejects.iter().map(|e| (e, false, false)))
        .chain(def.todos.iter().map(|e| (e, true, true)));
    let codes = |c: &Option<Vec<Spanned<String>>>| {
        c.as_ref().map(|codes| {
            codes
                .iter()
                .filter(|c| c.node != "none")
                .map(|c| c.node.clone())
                .collect()
        })
    };
    for (e, expect, todo) in all {
        match parse_example(&e.text.node) {
            Ok((text, marked)) => {
                let line = cx.line_of(fi, e.text.span.0);
                examples.push(Example {
                    text,
                    marked,
                    expect,
                    todo,
                    by: codes(&e.by),
                    to: codes(&e.to),
                    line,
                });
            }
            Err(msg) => {
                cx.err(fi, e.text.span, msg);
            }
        }
    }
    for code in def
        .expects
        .iter()
        .chain(&def.todos)
        .flat_map(|e| e.by.iter().chain(&e.to).flatten())
    {
        if code.node != "none" && !cx.files.iter().any(|f| defines_actor(f, &code.node)) {
            let e = cx.err(fi, code.span, format!("unknown actor `{}`", code.node));
            *e = e
                .clone()
                .with_help("`by` and `to` take actor codes defined in an `actor` block, or `none`");
        }
    }
    examples
}

/// Compiles a `frame` block: each `match` is cut at its slots into patterns and slots.
fn compile_frame(
    cx: &mut Ctx,
    fi: usize,
    def: &RuleDef,
    seen: &mut HashMap<String, (usize, (usize, usize))>,
) {
    let labels = id_and_labels(cx, fi, def, seen);
    let guards = def.guards.iter().map(|p| compile_top(cx, fi, p)).collect();
    let mut alts = Vec::new();
    for m in &def.matches {
        let tops: Vec<&Spanned<Pattern>> = match &m.node {
            Pattern::Alt(items) => items.iter().collect(),
            _ => vec![m],
        };
        for top in tops {
            alts.extend(frame_alternative(cx, fi, top));
        }
    }
    if def.matches.is_empty() {
        cx.err(
            fi,
            def.id.span,
            format!("`{}` has no `match` pattern", def.id.node),
        );
    }
    for c in &def.contexts {
        cx.err(fi, c.span, "a frame cannot have a `context`");
    }
    let examples = compile_examples(cx, fi, def);
    let path = cx.files[fi].path.clone();
    cx.out.frames.push(Frame {
        id: def.id.node.clone(),
        labels,
        alts,
        guards: Patterns::new(guards),
        examples,
        path,
    });
}

/// One alternative of a frame's `match`, cut at its top-level slots; `None` (after an error)
/// when it has no slot or a slot inside a group.
fn frame_alternative(cx: &mut Ctx, fi: usize, p: &Spanned<Pattern>) -> Option<Vec<FramePart>> {
    let items: Vec<&Spanned<Pattern>> = match &p.node {
        Pattern::Seq(items) => items.iter().collect(),
        _ => vec![p],
    };
    let mut parts = Vec::new();
    let mut run: Vec<Spanned<Pattern>> = Vec::new();
    let flush = |cx: &mut Ctx, run: &mut Vec<Spanned<Pattern>>, parts: &mut Vec<FramePart>| {
        if run.is_empty() {
            return;
        }
        let span = (run[0].span.0, run[run.len() - 1].span.1);
        let seq = Spanned {
            node: Pattern::Seq(std::mem::take(run)),
            span,
        };
        let node = compile_top(cx, fi, &seq);
        let empty = node.nullable();
        parts.push(FramePart::Tokens(Patterns::new(vec![node]), empty));
    };
    for item in items {
        match &item.node {
            Pattern::Slot(slot) => {
                flush(cx, &mut run, &mut parts);
                parts.push(FramePart::Slot(*slot));
            }
            _ if has_slot(&item.node) => {
                let e = cx.err(
                    fi,
                    item.span,
                    "a slot stands at the top level of a frame's `match`",
                );
                *e = e.clone().with_help("write one `match` line per shape instead of a group or an optional around SPEAKER, TARGET or OTHER");
                return None;
            }
            _ => run.push(item.clone()),
        }
    }
    flush(cx, &mut run, &mut parts);
    if !parts.iter().any(|x| matches!(x, FramePart::Slot(_))) {
        let e = cx.err(
            fi,
            p.span,
            "a frame's `match` needs a slot: SPEAKER, TARGET or OTHER",
        );
        *e = e
            .clone()
            .with_help("\"lemma(urge) TARGET to\" names the party urged");
        return None;
    }
    Some(parts)
}

/// True if a pattern holds a slot anywhere.
fn has_slot(p: &Pattern) -> bool {
    match p {
        Pattern::Slot(_) => true,
        Pattern::Seq(items) | Pattern::Alt(items) => items.iter().any(|i| has_slot(&i.node)),
        Pattern::Optional(inner) => has_slot(&inner.node),
        _ => false,
    }
}

/// True if `file` has an `actor CODE` block.
fn defines_actor(file: &RuleFile, code: &str) -> bool {
    file.items
        .iter()
        .any(|i| matches!(i, Item::Actor(a) if a.code.node == code))
}

fn unknown_label(cx: &mut Ctx, fi: usize, l: &Spanned<String>) {
    if cx.full() {
        cx.dropped += 1;
        return;
    }
    let names: Vec<String> = cx.out.labels.iter().map(|x| x.name.clone()).collect();
    let hint = closest(&l.node, names.iter().map(String::as_str));
    let e = cx.err(fi, l.span, format!("unknown label `{}`", l.node));
    *e = e.clone().with_help(match hint {
        Some(h) => format!("did you mean `{h}`? labels are: {}", names.join(", ")),
        None => format!("labels are: {}", names.join(", ")),
    });
}

/// Splits `[[evidence]]` out of an example.
pub(crate) fn parse_example(raw: &str) -> Result<(String, Option<(usize, usize)>), String> {
    match (raw.find("[["), raw.find("]]")) {
        (None, None) => Ok((raw.to_string(), None)),
        (Some(a), Some(b)) if a < b => {
            let text = format!("{}{}{}", &raw[..a], &raw[a + 2..b], &raw[b + 2..]);
            if text.contains("[[") || text.contains("]]") {
                return Err("an example may mark only one `[[evidence]]` span".into());
            }
            Ok((text, Some((a, b - 2))))
        }
        _ => Err("unbalanced `[[` `]]` in example".into()),
    }
}

/// Compiles one whole pattern within the limits on its size, depth and gap chains; a pattern
/// over a limit gets one error naming the limit, and compiles to a pattern that never matches.
fn compile_top(cx: &mut Ctx, fi: usize, p: &Spanned<Pattern>) -> Node {
    cx.budget = MAX_PATTERN_NODES;
    cx.over_limit = false;
    cx.lexicon_stack.clear();
    let node = compile_pattern(cx, fi, p, 0);
    if cx.over_limit {
        return Node::Alt(Vec::new());
    }
    let chain = gap_chain(&node);
    if chain > MAX_GAP_CHAIN {
        let e = cx.err(
            fi,
            p.span,
            format!("this pattern chains {chain} gaps in a row, over the limit of {MAX_GAP_CHAIN}"),
        );
        *e = e.clone().with_help(
            "each gap multiplies the work of matching; name more of the words in between",
        );
        return Node::Alt(Vec::new());
    }
    node
}

/// Reports that the pattern being compiled broke a limit, once per pattern.
fn over_limit(cx: &mut Ctx, fi: usize, span: (usize, usize), message: String, help: &str) {
    if !cx.over_limit {
        cx.over_limit = true;
        let e = cx.err(fi, span, message);
        *e = e.clone().with_help(help);
    }
}

/// The most gaps one match of `node` can pass in a row.
fn gap_chain(node: &Node) -> usize {
    match node {
        Node::Tok(_) | Node::Set(_) | Node::Prefix(..) => 0,
        Node::Gap(..) => 1,
        Node::Opt(inner) | Node::Gate(_, inner) => gap_chain(inner),
        Node::Alt(items) | Node::Dispatch(_, items) => {
            items.iter().map(gap_chain).max().unwrap_or(0)
        }
        Node::Seq(items) => items.iter().map(gap_chain).sum(),
    }
}

/// Compiles one pattern, inlining lexicons and expanding lemmas. `nest` counts every level
/// of nesting (groups, optionals and lexicons).
fn compile_pattern(cx: &mut Ctx, fi: usize, p: &Spanned<Pattern>, nest: usize) -> Node {
    if cx.over_limit {
        return Node::Seq(Vec::new());
    }
    if nest > MAX_PATTERN_DEPTH {
        let msg = format!(
            "this pattern nests deeper than the limit of {MAX_PATTERN_DEPTH} levels \
             (groups, optionals and lexicons inside each other)"
        );
        over_limit(
            cx,
            fi,
            p.span,
            msg,
            "flatten the groups or split the pattern",
        );
        return Node::Seq(Vec::new());
    }
    let cost = match &p.node {
        Pattern::Lemma(words) => 1 + words.len(),
        Pattern::Seq(items) | Pattern::Alt(items) => 1 + items.len(),
        _ => 1,
    };
    if cost > cx.budget {
        let msg = format!(
            "this pattern expands to more than {MAX_PATTERN_NODES} nodes (lexicons and lemmas \
             inlined), over the limit"
        );
        over_limit(cx, fi, p.span, msg, "lexicons that use each other several times grow fast; split the pattern or the lexicon");
        return Node::Seq(Vec::new());
    }
    cx.budget -= cost;
    match &p.node {
        Pattern::Word(w) | Pattern::Phrase(w) => {
            let node = phrase_node(&mut cx.out.vocab, w);
            if node == Node::Seq(Vec::new()) {
                cx.err(fi, p.span, "empty phrase: it has no word to match");
            }
            node
        }
        Pattern::Prefix(stem) => {
            let stem = crate::text::fold(stem);
            let id = cx.out.vocab.stem(&stem);
            Node::Prefix(stem, id)
        }
        Pattern::Lemma(words) => {
            let mut alts = Vec::new();
            for w in words {
                match cx.lemmas.get(&crate::text::fold(&w.node)).cloned() {
                    Some(forms) => {
                        alts.extend(forms.iter().map(|f| phrase_node(&mut cx.out.vocab, f)));
                    }
                    None => {
                        let e = cx.err(fi, w.span, format!("unknown lemma `{}`", w.node));
                        *e = e.clone().with_help(format!(
                            "add a line `lemma {} = FORMS...` to rules/inflections.rules, or quote the word to match it literally",
                            w.node
                        ));
                    }
                }
            }
            Node::Alt(alts)
        }
        Pattern::Lexicon(name) => {
            cx.used_lexicons.insert(name.clone());
            match cx.lexicons.get(name).copied() {
                Some(_) if cx.lexicon_stack.contains(name) => {
                    let msg =
                        format!("lexicon `@{name}` refers to itself (directly or through others)");
                    let path = format!("{} -> @{name}", cx.lexicon_stack.join(" -> "));
                    over_limit(cx, fi, p.span, msg, &format!("the cycle: {path}"));
                    Node::Seq(Vec::new())
                }
                Some((lfi, pat)) => {
                    cx.lexicon_stack.push(name.clone());
                    let node = compile_pattern(cx, lfi, pat, nest + 1);
                    cx.lexicon_stack.pop();
                    node
                }
                None if cx.full() => {
                    cx.dropped += 1;
                    Node::Seq(Vec::new())
                }
                None => {
                    let names: Vec<String> = cx.lexicons.keys().cloned().collect();
                    let hint = closest(name, names.iter().map(String::as_str));
                    let e = cx.err(fi, p.span, format!("unknown lexicon `@{name}`"));
                    if let Some(h) = hint {
                        *e = e.clone().with_help(format!("did you mean `@{h}`?"));
                    }
                    Node::Seq(Vec::new())
                }
            }
        }
        Pattern::Seq(items) => Node::Seq(
            items
                .iter()
                .map(|i| compile_pattern(cx, fi, i, nest + 1))
                .collect(),
        ),
        Pattern::Alt(items) => {
            let nodes: Vec<Node> = items
                .iter()
                .map(|i| compile_pattern(cx, fi, i, nest + 1))
                .collect();
            duplicate_alternatives(cx, fi, items, &nodes);
            Node::Alt(nodes)
        }
        Pattern::Optional(inner) => Node::Opt(Box::new(compile_pattern(cx, fi, inner, nest + 1))),
        Pattern::Slot(_) => {
            let e = cx.err(
                fi,
                p.span,
                "SPEAKER, TARGET and OTHER are slots of `frame` blocks",
            );
            *e = e.clone().with_help("quote the word to match it literally");
            Node::Seq(Vec::new())
        }
        Pattern::Gap(lo, hi) => {
            if lo > hi {
                cx.err(
                    fi,
                    p.span,
                    format!("gap `~{lo}..{hi}`: the lower bound is above the upper one"),
                );
            } else if *hi > MAX_GAP {
                let e = cx.err(
                    fi,
                    p.span,
                    format!("gap `~{lo}..{hi}` is wider than the limit of {MAX_GAP} tokens"),
                );
                *e = e.clone().with_help("a wide gap matches almost anything; split the rule or name the words in between");
            }
            Node::Gap(*lo, (*hi).min(MAX_GAP))
        }
    }
}

/// Lint `duplicate-alternative`: an alternative that, once folded and expanded, matches only
/// what an earlier sibling already matches (`"cease-fire" | cease-fire`, `urged | lemma(urge)`).
fn duplicate_alternatives(cx: &mut Ctx, fi: usize, items: &[Spanned<Pattern>], nodes: &[Node]) {
    for j in 1..nodes.len() {
        if let Some(i) = (0..j).find(|&i| covers(&nodes[i], &nodes[j])) {
            let src = &cx.files[fi].source;
            let first = src[items[i].span.0..items[i].span.1].to_string();
            let this = src[items[j].span.0..items[j].span.1].to_string();
            let w = cx.warn(
                fi,
                items[j].span,
                "duplicate-alternative",
                format!("alternative `{this}` matches nothing that `{first}` does not"),
            );
            *w = w
                .clone()
                .with_help("rules fold case, accents, quotes and dashes; drop the duplicate");
        }
    }
}

/// True if every match of `b` is a match of `a`, judged by structure: equal nodes, or `b`
/// (or each alternative of `b`) equal to one alternative of `a`.
fn covers(a: &Node, b: &Node) -> bool {
    match (a, b) {
        _ if a == b => true,
        (_, Node::Alt(bs)) if !bs.is_empty() => bs.iter().all(|x| covers(a, x)),
        (Node::Alt(xs), _) => xs.iter().any(|x| covers(x, b)),
        _ => false,
    }
}

/// The tokens of a phrase in a row: one `Tok`, a `Seq` of them, or an empty `Seq` for a phrase
/// with no word.
fn phrase_node(vocab: &mut Vocab, phrase: &str) -> Node {
    let mut nodes: Vec<Node> = phrase_tokens(phrase)
        .iter()
        .map(|t| Node::Tok(vocab.intern(t)))
        .collect();
    if nodes.len() == 1 {
        nodes.remove(0)
    } else {
        Node::Seq(nodes)
    }
}

fn compile_cue(
    cx: &mut Ctx,
    fi: usize,
    kind: &Spanned<String>,
    pattern: &Spanned<Pattern>,
    seen: &mut FxHashMap<String, String>,
) {
    let node = compile_top(cx, fi, pattern);
    let mention = match kind.node.as_str() {
        "speech" => return cx.out.cues.speech.push(node),
        "source" => return cx.out.cues.source.push(node),
        "party" => return cx.out.cues.party.push(node),
        "carry" => MentionKind::Carry,
        "generic" => MentionKind::Generic,
        "office" => MentionKind::Office,
        other => {
            let kinds = ["speech", "source", "carry", "generic", "office", "party"];
            let hint = closest(other, kinds.into_iter())
                .map(|k| format!("did you mean `{k}`? "))
                .unwrap_or_default();
            let e = cx.err(fi, kind.span, format!("unknown cue kind `{other}`"));
            *e = e
                .clone()
                .with_help(format!("{hint}cue kinds are: {}", kinds.join(", ")));
            return;
        }
    };
    // Mention cues made only of fixed phrases become aliases (longest-match with the actors);
    // patterns with gaps, prefixes or optionals stay patterns.
    match node.phrases() {
        Some(phrases) => {
            for toks in phrases {
                let key = toks
                    .iter()
                    .map(|&t| cx.out.vocab.word(t).to_string())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(prev) = seen.get(&key) {
                    let w = cx.warn(
                        fi,
                        pattern.span,
                        "alias-conflict",
                        format!("\"{key}\" is already an alias of `{prev}`"),
                    );
                    *w = w.clone().with_help(
                        "a mention may be an actor alias or a cue, not both: the first one keeps it",
                    );
                    continue;
                }
                seen.insert(key, format!("cue {}", kind.node));
                cx.out.aliases.push(Alias {
                    tokens: toks,
                    kind: mention,
                    exact: None,
                    person: false,
                    from: None,
                    until: None,
                });
            }
        }
        None => match mention {
            MentionKind::Carry => cx.out.cues.carry.push(node),
            MentionKind::Generic => cx.out.cues.generic.push(node),
            _ => cx.out.cues.office.push(node),
        },
    }
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_file;

    fn errors(src: &str) -> Vec<String> {
        let files = vec![parse_file("t.rules", src).expect("parses")];
        match compile(&files) {
            Ok(_) => Vec::new(),
            Err(es) => es
                .iter()
                .map(|e| format!("{}:{} {}", e.line, e.col, e.message))
                .collect(),
        }
    }

    const LABELS: &str = "label restraint\nlabel ceasefire\n";

    #[test]
    fn semantic_errors_are_all_reported_with_positions() {
        let src = format!(
            "{LABELS}rule a.b {{\n  label restrain\n  match lemma(flarp) @NOPE\n}}\nrule a.b {{ label ceasefire match ~5..2 x }}\nactor US \"A\" {{ alias \"Foo\" }}\nactor UK \"B\" {{ alias \"foo\" }}\ncue nonsense x\n"
        );
        let got = errors(&src);
        let want = [
            "4:9 unknown label `restrain`",
            "5:15 unknown lemma `flarp`",
            "5:22 unknown lexicon `@NOPE`",
            "7:6 rule id `a.b` is used twice",
            "7:34 gap `~5..2`: the lower bound is above the upper one",
            "9:22 alias \"foo\" already names `US`",
            "10:5 unknown cue kind `nonsense`",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn did_you_mean() {
        let files = vec![parse_file(
            "t.rules",
            &format!("{LABELS}rule a.b {{ label restrain match x }}"),
        )
        .unwrap()];
        let errs = compile(&files).unwrap_err();
        assert_eq!(
            errs[0]
                .help
                .as_deref()
                .map(|h| h.starts_with("did you mean `restraint`?")),
            Some(true)
        );
    }

    #[test]
    fn lexicon_cycles_are_errors_not_hangs() {
        let got = errors(&format!(
            "{LABELS}lexicon A = @B x\nlexicon B = @A\nrule a.b {{ label restraint match @A }}"
        ));
        assert!(
            got.iter().any(|e| e.contains("refers to itself")),
            "{got:?}"
        );
    }

    #[test]
    fn examples_split_out_the_evidence() {
        type Split<'a> = Result<(&'a str, Option<(usize, usize)>), ()>;
        let cases: &[(&str, Split)] = &[
            ("plain", Ok(("plain", None))),
            ("We [[urge calm]].", Ok(("We urge calm.", Some((3, 12))))),
            ("bad [[x", Err(())),
            ("two [[a]] [[b]]", Err(())),
        ];
        for (raw, want) in cases {
            let got = parse_example(raw);
            let got = got.as_ref().map(|(t, m)| (t.as_str(), *m)).map_err(|_| ());
            assert_eq!(got, *want, "{raw}");
        }
    }
}
