//! Attribution: who said a sentence's stances, and which actors that speaker stands for.
//!
//! Owns mention finding (actor aliases, people, generic speakers, offices and carried
//! references, longest match first), the choice of the speaker from attribution cues, and the
//! speaker carried from sentence to sentence. It reads the cues and dictionaries of the rule
//! pack and knows nothing of stance labels. The steps, as in docs/architecture.md:
//! 1. a `source` cue ("according to") outside quotes: the speaker is the first mention after it;
//! 2. a `speech` cue outside quotes ("said", "urged", "wrote on Twitter"): the first mention of
//!    the unquoted stretch just before it, else just after it (", said the minister"), else the
//!    sentence subject; a participle cue ("adding", "noting") defers to the subject;
//!    a headline "MENTION: ..." prefers the mention right after the colon; a clause after ";"
//!    has its own subject; a passive appeal ("parties urged to return") names no speaker;
//!    a chain after a preposition ("in Northern Kosovo, the EU and the US said") is a place,
//!    and an "A, B, and C" list found after a comma starts at A; an opening participle clause
//!    ("Reading out a statement after the ballot, X said") is skipped like a leading adverbial;
//! 3. no cue: the first mention before the first evidence (the subject); when the evidence
//!    opens the sentence ("Worried over the clashes, the US envoy ..."), the first mention
//!    after its comma;
//! 4. the chosen mention is extended over adjacent and coordinated mentions ("The US, Russia
//!    and the EU"); its actors are theirs; an office or document with no actor of its own takes
//!    the sentence's first actor, then the carried speaker; a state named again as a chair
//!    ("X said that X, as chair of ASEAN, ...") speaks for the body; a pronoun or "the
//!    statement" takes the carried speaker of this or the previous paragraph;
//! 5. a stance sentence with no mention outside quotes whose evidence is quoted keeps the
//!    carried speaker (its original mention);
//! 6. unknown capitalised words right after a resolved speaker ("AU Commission Chairperson
//!    Mahmoud Ali Youssouf") are learnt as names of that actor for the rest of the document.

mod frames;
mod index;
mod words;

pub(crate) use frames::TargetChoice;
pub(crate) use index::AliasIndex;
use words::*;

use crate::ast::Slot;
use crate::compile::{Compiled, MentionKind};
use crate::matcher::{find_all, View};
use rustc_hash::FxHashMap as HashMap;

/// A mention found in a sentence, as a visible-token range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mention {
    pub s: usize,
    pub e: usize,
    pub kind: MentionKind,
    /// True for a person's name (its last word is learnt as a short name).
    pub person: bool,
}

/// The speaker chosen for a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribution {
    /// Byte range of the speaker mention in the original text.
    pub span: (usize, usize),
    /// Actor indices, in order of mention, without repeats.
    pub actors: Vec<usize>,
    /// Why this speaker was chosen, for `explain`.
    pub how: How,
    /// The visible-token range of the attribution cue that chose it, if a cue did.
    pub cue: Option<(usize, usize)>,
}

/// The mention a speaker starts from, how it was chosen, and the cue's token range.
type Choice = (usize, How, Option<(usize, usize)>);

/// How a speaker was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// The mention after a source cue ("according to X").
    SourceCue,
    /// The mention before a colon that opens the sentence ("X: ...").
    Colon,
    /// The subject before a speech cue ("X said", "X urged").
    BeforeSpeechCue,
    /// The mention right after a speech cue ("..., said X").
    AfterSpeechCue,
    /// The sentence's subject: the first mention before the evidence.
    Subject,
    /// Carried from an earlier sentence.
    Carried,
    /// The SPEAKER slot of an attribution frame ("calls from SPEAKER on ...").
    Frame,
}

impl How {
    /// A short description for people.
    pub fn describe(self) -> &'static str {
        match self {
            How::SourceCue => "the mention after a source cue",
            How::Colon => "a headline's speaker, by its colon (\"X: ...\", \"...: X\")",
            How::BeforeSpeechCue => "the subject before a speech cue",
            How::AfterSpeechCue => "the mention right after a speech cue",
            How::Subject => "the sentence's subject (first mention before the evidence)",
            How::Carried => {
                "carried from an earlier sentence (a quote or reference with no speaker of its own)"
            }
            How::Frame => "the SPEAKER slot of an attribution frame",
        }
    }
}

/// A sentence as attribution reads it: the view and the bits of its tokens.
struct Sent<'a, 'd> {
    v: &'a View<'d>,
    bits: &'a [u32],
    /// The union of `bits`.
    any: u32,
}

impl Sent<'_, '_> {
    fn len(&self) -> usize {
        self.bits.len()
    }

    /// True if visible token `p` has any of the bits `b`.
    fn is(&self, p: usize, b: u32) -> bool {
        self.bits[p] & b != 0
    }

    /// `is`, false past the end.
    fn is_at(&self, p: usize, b: u32) -> bool {
        p < self.len() && self.is(p, b)
    }

    fn in_quote(&self, p: usize) -> bool {
        self.is(p, F_QUOTE)
    }
}

/// The speaker carried from earlier sentences.
#[derive(Debug, Clone)]
struct Carried {
    span: (usize, usize),
    actors: Vec<usize>,
    paragraph: usize,
}

/// Attributes the sentences of one document in order, carrying the speaker along.
pub(crate) struct Attributor<'c> {
    c: &'c Compiled,
    index: &'c AliasIndex,
    carried: Option<Carried>,
    /// Names learnt in this document: "Chairperson Mahmoud Ali Youssouf" makes a later
    /// "Youssouf" a mention of the same actor.
    names: HashMap<String, usize>,
    /// The article's date as `YYYY-MM-DD`, for people listed with `from` / `until`.
    date: Option<String>,
    /// Buffers kept from sentence to sentence: token bits, mentions.
    bits: Vec<u32>,
    mentions: Vec<Mention>,
    /// The target of the last sentence attributed with stances, and the frames matched in it.
    target: Option<TargetChoice>,
    frames: Vec<frames::FrameMatch>,
    /// The frame alternatives that may match in the sentence ([`Attributor::read_frames`]).
    live_alts: Vec<usize>,
}

impl<'c> Attributor<'c> {
    /// A fresh attributor for one document.
    pub fn new(c: &'c Compiled, index: &'c AliasIndex) -> Self {
        Attributor {
            c,
            index,
            carried: None,
            names: HashMap::default(),
            date: None,
            bits: Vec::new(),
            mentions: Vec::new(),
            target: None,
            frames: Vec::new(),
            live_alts: Vec::new(),
        }
    }

    /// The target found in the last sentence attributed with stances.
    pub fn target(&self) -> Option<&TargetChoice> {
        self.target.as_ref()
    }

    /// The ids of the frames matched in the last sentence attributed with stances, with the
    /// text of each slot's fill, for `explain`.
    pub fn frames_matched(&self, v: &View) -> Vec<(String, Vec<(Slot, String)>)> {
        self.frames
            .iter()
            .map(|m| {
                let fills = m.fills.iter().map(|(slot, f)| {
                    let (s, e) = v.bytes(f.s, f.e);
                    (*slot, v.doc.text[s..e].to_string())
                });
                (self.c.frames[m.frame].id.clone(), fills.collect())
            })
            .collect()
    }

    /// Sets the article's date (`YYYY[-MM[-DD]]`, anything after the day ignored); people
    /// listed with `from` / `until` then speak for the actor of that period.
    pub fn with_date(mut self, date: Option<&str>) -> Self {
        self.date = date
            .map(|d| d.get(..10).unwrap_or(d))
            .and_then(|d| crate::compile::complete_date(d, false));
        self
    }

    /// True when `a` is not dated or the article date falls in its period.
    fn in_period(&self, a: &crate::compile::Alias) -> bool {
        self.date.as_deref().is_none_or(|d| {
            a.from.as_deref().is_none_or(|f| d >= f) && a.until.as_deref().is_none_or(|u| d <= u)
        })
    }

    /// Attributes one sentence. `stances` are the visible-token ranges and labels of its
    /// stances; sentences without stances are read only to carry their speaker along. The
    /// target of a sentence with stances is then [`Attributor::target`].
    pub fn attribute(
        &mut self,
        v: &View,
        paragraph: usize,
        stances: &[(usize, usize, usize)],
    ) -> Option<Attribution> {
        self.target = None;
        self.frames.clear();
        let evidence = stances.iter().map(|x| x.0).min();
        // A sentence with no stance changes nothing unless a cue could choose a speaker in it
        // (to carry along): without the first token of a speech or source cue, or a colon,
        // there is nothing to do.
        if evidence.is_none() && !self.may_have_cue(v) {
            return None;
        }
        let mut bits = std::mem::take(&mut self.bits);
        let mut mentions = std::mem::take(&mut self.mentions);
        let any = self.index.sentence_bits(v, &mut bits);
        let s = Sent {
            v,
            bits: &bits,
            any,
        };
        let att = if evidence.is_none() && !self.cue_possible(&s) {
            // No cue's anchor token in the sentence (`Patterns::live`), and no colon.
            None
        } else {
            self.mentions_into(&s, &mut mentions, false);
            if !stances.is_empty() {
                self.read_frames(v);
            }
            if stances.is_empty() || !self.may_frame(stances) {
                self.attribute_sentence(&s, &mentions, paragraph, evidence, None)
            } else {
                self.attribute_framed(&s, &mut mentions, paragraph, stances)
            }
        };
        self.bits = bits;
        self.mentions = mentions;
        att
    }

    /// [`Attributor::attribute`] for a sentence with stances, when the pack has frames:
    /// mentions that fill a TARGET or OTHER slot are never the speaker, a SPEAKER slot's fill
    /// is, and the TARGET fills near the stances are the target.
    fn attribute_framed(
        &mut self,
        s: &Sent,
        mentions: &mut Vec<Mention>,
        paragraph: usize,
        stances: &[(usize, usize, usize)],
    ) -> Option<Attribution> {
        let mut all = Vec::new();
        if s.any & F_QUOTE == 0 {
            // Nothing quoted: reading quotes too finds the same mentions.
            all.clone_from(mentions);
        } else {
            self.mentions_into(s, &mut all, true);
        }
        let fills = self.fills(s, &all);
        let labels: Vec<usize> = stances.iter().map(|x| x.2).collect();
        let matches = self.match_frames(s, &fills, &labels);
        let not_speaker = |m: &Mention| {
            matches.iter().any(|fm| {
                fm.fills
                    .iter()
                    .any(|(slot, f)| *slot != Slot::Speaker && m.s >= f.s && m.e <= f.e)
            })
        };
        mentions.retain(|m| !not_speaker(m));
        let forced = matches
            .iter()
            .filter_map(|fm| fm.fill(Slot::Speaker))
            .find_map(|f| mentions.iter().position(|m| m.s >= f.s && m.e <= f.e));
        let evidence = stances.iter().map(|x| x.0).min();
        let att = self.attribute_sentence(s, mentions, paragraph, evidence, forced);
        let speaker = att.as_ref().map(|a| a.actors.clone()).unwrap_or_default();
        let spans: Vec<(usize, usize)> = stances.iter().map(|x| (x.0, x.1)).collect();
        self.target = self.choose_target(s, &all, &matches, &spans, &speaker);
        self.frames = matches;
        att
    }

    /// [`Attributor::attribute`] once the sentence is read; `forced`: the mention a frame's
    /// SPEAKER slot names.
    fn attribute_sentence(
        &mut self,
        s: &Sent,
        mentions: &[Mention],
        paragraph: usize,
        evidence: Option<usize>,
        forced: Option<usize>,
    ) -> Option<Attribution> {
        let v = s.v;
        let start = match forced {
            Some(i) => Some((i, How::Frame, None)),
            None => self.choose(s, mentions, evidence),
        };
        let Some((chosen, how, cue)) = start else {
            return evidence.and_then(|_| self.keep_carried(s, mentions, paragraph, evidence));
        };
        let chain = chain_from(s, mentions, chosen);
        let actors = self.resolve(s, mentions, chain.clone(), paragraph);
        let mut span = speaker_span(s, mentions, chain.clone());
        let last = chain_end(mentions, chain.clone());
        let name_end = (last..s.len())
            .take_while(|&p| s.is(p, F_NAME) && !mentions.iter().any(|m| m.s == p))
            .last();
        if let (Some(end), Some(&first)) = (name_end, actors.first()) {
            span.1 = v.bytes(end, end + 1).1;
            self.learn(v.folded(end), first);
        }
        for m in mentions[chain.clone()]
            .iter()
            .filter(|m| m.person && m.e - m.s > 1)
        {
            if let MentionKind::Actor(a) = m.kind {
                self.learn(v.folded(m.e - 1), a);
            }
        }
        let had_cue = cue.is_some();
        let att = Attribution {
            span,
            actors,
            how,
            cue,
        };
        let generic = mentions[chain]
            .iter()
            .all(|m| m.kind == MentionKind::Generic);
        if (had_cue || evidence.is_some()) && (!att.actors.is_empty() || generic) {
            self.carried = Some(Carried {
                span: att.span,
                actors: att.actors.clone(),
                paragraph,
            });
        }
        Some(att)
    }

    /// Learns `name` (folded) as a name of actor `a`, for the rest of the document.
    fn learn(&mut self, name: &str, a: usize) {
        match self.names.get_mut(name) {
            Some(known) => *known = a,
            None => {
                self.names.insert(name.to_string(), a);
            }
        }
    }

    /// True if a speech or source cue may start somewhere in the sentence, or it has a colon.
    fn may_have_cue(&self, v: &View) -> bool {
        let cues = &self.c.cues;
        (0..v.len()).any(|p| {
            cues.speech.may_start_at(v, p)
                || cues.source.may_start_at(v, p)
                || self.index.is_colon(v, p)
        })
    }

    /// True if a speech cue may match in the sentence (one of its anchor tokens is there).
    fn speech_possible(&self, s: &Sent) -> bool {
        self.index.speech_always || s.any & F_SPEECH_CUE != 0
    }

    /// True if a source cue may match in the sentence (one of its anchor tokens is there).
    fn source_possible(&self, s: &Sent) -> bool {
        self.index.source_always || s.any & F_SOURCE_CUE != 0
    }

    /// True if a cue may choose a speaker in the sentence: a speech or source cue may match,
    /// or there is a colon (a headline's speaker).
    fn cue_possible(&self, s: &Sent) -> bool {
        self.speech_possible(s) || self.source_possible(s) || s.any & F_COLON != 0
    }

    /// All mentions outside quotes, longest first, without overlaps.
    pub fn mentions(&self, v: &View) -> Vec<Mention> {
        let mut bits = Vec::new();
        let any = self.index.sentence_bits(v, &mut bits);
        let mut out = Vec::new();
        self.mentions_into(
            &Sent {
                v,
                bits: &bits,
                any,
            },
            &mut out,
            false,
        );
        out
    }

    /// [`Attributor::mentions`] into `out`; with `quoted`, mentions inside quotes too (the
    /// parties a quoted appeal names: '"We urge Israel to withdraw," he said').
    fn mentions_into(&self, s: &Sent, out: &mut Vec<Mention>, quoted: bool) {
        out.clear();
        let v = s.v;
        let cues = &self.c.cues;
        let patterns = [
            (&cues.generic, MentionKind::Generic),
            (&cues.office, MentionKind::Office),
            (&cues.carry, MentionKind::Carry),
        ];
        if patterns.iter().any(|(nodes, _)| !nodes.is_empty()) {
            // Mention cues that stayed patterns: gather everything, then sort.
            let mut found = self.candidates(s);
            for (nodes, kind) in patterns {
                if !nodes.is_empty() {
                    found.extend(find_all(nodes, v).into_iter().map(|(s, e)| Mention {
                        s,
                        e,
                        kind,
                        person: false,
                    }));
                }
            }
            found.sort_by_key(|m| (m.s, std::cmp::Reverse(m.e)));
            found
                .into_iter()
                .for_each(|m| keep_mention(s, out, m, quoted));
            return;
        }
        // Aliases and learnt names only: at each start, the alias (never shorter than a
        // name, and first on a tie) then the name, already in the order of the sort above.
        let wanted = if self.names.is_empty() {
            F_ALIAS
        } else {
            F_ALIAS | F_NAME
        };
        for (p, &bits) in s.bits.iter().enumerate() {
            if bits & wanted == 0 {
                continue;
            }
            if let Some(root) = self.index.root(v.ids[p]) {
                if let Some(m) = self.alias_at(s, p, root) {
                    keep_mention(s, out, m, quoted);
                }
            }
            if wanted & bits & F_NAME != 0 {
                if let Some(m) = self.name_at(s, p) {
                    keep_mention(s, out, m, quoted);
                }
            }
        }
    }

    /// Every alias and learnt-name mention, by start (aliases first at each start).
    fn candidates(&self, s: &Sent) -> Vec<Mention> {
        let mut found = Vec::new();
        for (p, &id) in s.v.ids.iter().enumerate() {
            found.extend(
                self.index
                    .root(id)
                    .and_then(|root| self.alias_at(s, p, root)),
            );
        }
        for p in 0..s.len() {
            found.extend(self.name_at(s, p));
        }
        found
    }

    /// A learnt name at visible token `p`.
    fn name_at(&self, s: &Sent, p: usize) -> Option<Mention> {
        if !s.is(p, F_NAME) {
            return None;
        }
        let &a = self.names.get(s.v.folded(p))?;
        Some(Mention {
            s: p,
            e: p + 1,
            kind: MentionKind::Actor(a),
            person: true,
        })
    }

    /// The longest alias starting at visible token `p`. A name listed under several actors
    /// for different periods ("Kaja Kallas": Estonia, then the EU) takes the one whose period
    /// holds the article date, else the one whose period starts last.
    fn alias_at(&self, s: &Sent, p: usize, root: usize) -> Option<Mention> {
        let v = s.v;
        self.index.longest(v, p, root, 1, &mut |list: &[usize], n| {
            let fits = |a: &crate::compile::Alias| {
                a.exact.as_ref().is_none_or(|x| {
                    let (s, e) = v.bytes(p, p + n);
                    &v.doc.text[s..e] == x
                })
            };
            let mut best: Option<&crate::compile::Alias> = None;
            for a in list.iter().map(|&i| &self.c.aliases[i]) {
                if !fits(a) {
                    continue;
                }
                let better = best.is_none_or(|b| {
                    let (ia, ib) = (self.in_period(a), self.in_period(b));
                    ia && !ib
                        || (ia == ib
                            && a.from.as_deref().unwrap_or("") > b.from.as_deref().unwrap_or(""))
                });
                if better {
                    best = Some(a);
                }
            }
            best.map(|a| Mention {
                s: p,
                e: p + n,
                kind: a.kind,
                person: a.person,
            })
        })
    }

    /// Picks the mention the speaker starts from, how, and the cue that chose it (if any).
    fn choose(&self, s: &Sent, mentions: &[Mention], evidence: Option<usize>) -> Option<Choice> {
        let v = s.v;
        let outside = |(cs, _e): &(usize, usize)| !s.in_quote(*cs);
        // Cue patterns are searched only where one may match (`Patterns::live`).
        let source = if self.source_possible(s) {
            find_all(&self.c.cues.source, v)
        } else {
            Vec::new()
        };
        if let Some(&(cs, ce)) = source.iter().find(|m| outside(m)) {
            if let Some(i) = mentions.iter().position(|m| m.s >= ce && m.s <= ce + 8) {
                return Some((i, How::SourceCue, Some((cs, ce))));
            }
        }
        if let Some(i) = colon_speaker(s, mentions) {
            // The colon is the token just before the mention (`colon_speaker` checked it).
            let colon = mentions[i].s - 1;
            return Some((i, How::Colon, Some((colon, colon + 1))));
        }
        if let Some(i) = headline_prefix(s, mentions) {
            let colon = (0..s.len())
                .find(|&p| s.is(p, F_COLON))
                .unwrap_or(mentions[i].s);
            return Some((i, How::Colon, Some((colon, colon + 1))));
        }
        let verb = |(cs, _e): &(usize, usize)| *cs == 0 || !s.is(*cs - 1, F_NOT_BEFORE_VERB);
        let mut all_speech = if self.speech_possible(s) {
            find_all(&self.c.cues.speech, v)
        } else {
            Vec::new()
        };
        all_speech.retain(|c| outside(c) && verb(c));
        // "Sudan's warring parties urged to return to talks": a passive cue names no speaker.
        let passive = |&(cs, ce): &(usize, usize)| {
            ce < s.len() && ce == cs + 1 && s.is(cs, F_PASSIVE) && s.is(ce, F_TO)
        };
        let speech = || all_speech.iter().filter(|c| !passive(c));
        let first_speech = speech().next().copied();
        if first_speech.is_none() && !all_speech.is_empty() {
            return None;
        }
        let main_cue = speech().find(|&&(cs, _)| !s.is(cs, F_ING));
        // "Pakistan, Taliban trade fire at Torkham; Islamabad calls for restraint": a clause
        // after a semicolon has its own subject.
        let clause_start = |upto: usize| {
            (0..upto)
                .rev()
                .find(|&p| !s.in_quote(p) && s.is(p, F_SEMI | F_COLON))
                .map_or(0, |p| p + 1)
        };
        let subject = || {
            let ok = |m: &Mention| !s.is(m.s, F_SKIP) && evidence.is_none_or(|ev| m.s <= ev);
            let from = evidence.map_or(0, &clause_start);
            mentions
                .iter()
                .position(|m| m.s >= from && ok(m))
                .or_else(|| mentions.iter().position(ok))
                .or_else(|| opening_clause_subject(s, mentions, evidence?))
        };
        match main_cue {
            Some(&(cs, ce)) => {
                let mut rs = cs;
                while rs > 0 && !s.in_quote(rs - 1) && !s.is(rs - 1, F_SEMI | F_COLON) {
                    rs -= 1;
                }
                let in_region = |m: &Mention| m.s >= rs && m.e <= cs && !s.is(m.s, F_SKIP);
                // "CLAUSE, SPEAKER said": a speaker right before the cue, after a comma.
                let reaches_cue = |i: usize| {
                    let ends = chain_end(mentions, chain_from(s, mentions, i));
                    ends + 1 >= cs && ends <= cs
                };
                let first = mentions.iter().position(in_region);
                let abutting = (0..mentions.len()).find(|&i| {
                    let ms = mentions[i].s;
                    let det = ms > rs + 1 && s.is(ms - 1, F_DET);
                    let comma_at = if det { ms - 2 } else { ms.saturating_sub(1) };
                    in_region(&mentions[i]) && reaches_cue(i) && ms > rs && s.is(comma_at, F_COMMA)
                });
                // "... in the north, Russia, China and the EU said": a chain that opens
                // after a preposition is a place, not the subject.
                let before = match first {
                    Some(f) if reaches_cue(f) && !place_before(s, mentions[f].s) => Some(f),
                    _ => abutting.map(|i| list_head(s, mentions, i)).or(first),
                };
                // '"...," Valtonen told reporters in Vienna': a place after a preposition is
                // never the speaker.
                let after = || {
                    mentions
                        .iter()
                        .position(|m| m.s >= ce && m.s <= ce + 6 && !after_preposition(s, m.s))
                };
                let any_before = || {
                    mentions
                        .iter()
                        .position(|m| m.e <= cs && !s.is(m.s, F_SKIP))
                };
                let cue = Some((cs, ce));
                let before = || before.map(|i| (i, How::BeforeSpeechCue, cue));
                let after = || after().map(|i| (i, How::AfterSpeechCue, cue));
                let any_before = || any_before().map(|i| (i, How::BeforeSpeechCue, cue));
                // An inverted cue follows a comma or a quote (", said the minister"); else a
                // subject before an intervening quote beats a mention after the cue
                // ('X vowed a "vigorous" response and said the community ...').
                let inverted = cs == 0 || s.is(cs - 1, F_COMMA | F_QUOTE);
                if inverted {
                    before().or_else(after).or_else(any_before)
                } else {
                    before().or_else(any_before).or_else(after)
                }
            }
            None if evidence.is_some() || first_speech.is_some() => {
                subject().map(|i| (i, How::Subject, first_speech))
            }
            None => None,
        }
    }

    /// Actor indices of a chain of mentions, resolving offices and carried references.
    fn resolve(
        &self,
        s: &Sent,
        mentions: &[Mention],
        chain: Chain,
        paragraph: usize,
    ) -> Vec<usize> {
        let body = |a: usize| self.c.actors[a].body;
        let mut actors = Vec::new();
        for i in chain.clone() {
            if let MentionKind::Actor(a) = mentions[i].kind {
                // "The Arab League's secretary-general", "Russia's UN ambassador": a body's
                // title after an owner's "'s" speaks for the owner.
                let owned = i > chain.start
                    && body(a)
                    && matches!(mentions[i - 1].kind, MentionKind::Actor(_))
                    && mentions[i].s == mentions[i - 1].e + 1
                    && s.is(mentions[i].s - 1, F_POSS);
                if !owned && !actors.contains(&a) {
                    actors.push(a);
                }
            }
        }
        // "The OSCE Chairman-in-Office, Finnish Foreign Minister Elina Valtonen": a body named
        // right before a `chair*` word in the chain is the one the speaker speaks for.
        let chair_of = mentions[chain.clone()].iter().find_map(|m| match m.kind {
            MentionKind::Actor(a) if body(a) && (m.s..=m.e).any(|p| s.is_at(p, F_CHAIR)) => Some(a),
            _ => None,
        });
        if let Some(b) = chair_of {
            return vec![b];
        }
        // "The OSCE Chairman-in-Office, North Macedonia's Foreign Minister X, said": the
        // speaker is an apposition to a body's chair named just before the comma.
        let first = mentions[chain.start].s;
        if first > 0 && s.is(first - 1, F_COMMA) {
            let chair = mentions.iter().find_map(|m| match m.kind {
                MentionKind::Actor(a)
                    if m.e + 1 == first && body(a) && (m.s..m.e).any(|p| s.is(p, F_CHAIR)) =>
                {
                    Some(a)
                }
                _ => None,
            });
            if let Some(b) = chair {
                return vec![b];
            }
        }
        // "a statement issued by the chair Laos": a state named right after a `chair*` or
        // "presidency" word speaks for the body named in the sentence.
        let chaired = (first.saturating_sub(3)..first).any(|p| s.is(p, F_CHAIR | F_PRESIDENCY));
        if chaired && !actors.is_empty() {
            let body = mentions.iter().find_map(|m| match m.kind {
                MentionKind::Actor(a) if body(a) => Some(a),
                _ => None,
            });
            if let Some(b) = body {
                return vec![b];
            }
        }
        if !actors.is_empty() {
            // "X's ministry said that X, as chair of ASEAN, is ...": the speaker's state named
            // again, as a chair, within the sentence.
            let end = chain_end(mentions, chain.clone());
            let again = || {
                mentions
                    .iter()
                    .filter(|m| m.s >= end && m.kind == MentionKind::Actor(actors[0]))
                    .filter(|m| (m.e..m.e + 3).any(|p| s.is_at(p, F_CHAIR)))
                    .find_map(|m| self.chaired_body(s, mentions, m.e))
            };
            return self
                .chaired_body(s, mentions, mentions[chain.start].e)
                .or_else(|| (actors.len() == 1).then(again).flatten())
                .map_or(actors, |b| vec![b]);
        }
        let has = |k: MentionKind| mentions[chain.clone()].iter().any(|m| m.kind == k);
        let actor_of = |m: &Mention| match m.kind {
            MentionKind::Actor(a) => Some(a),
            _ => None,
        };
        if let Some(a) = owner_after(s, mentions, chain_end(mentions, chain.clone()), 0)
            .and_then(|i| actor_of(&mentions[i]))
        {
            return vec![a];
        }
        let office = has(MentionKind::Office);
        if office {
            let before = |m: &&Mention| m.e <= first;
            let unskipped = mentions
                .iter()
                .filter(before)
                .filter(|m| !s.is(m.s, F_SKIP))
                .find_map(actor_of);
            let subject = unskipped.or_else(|| mentions.iter().filter(before).find_map(actor_of));
            if let Some(a) = subject {
                return vec![a];
            }
        }
        if office || has(MentionKind::Carry) {
            let carried = self.carried_actors(paragraph);
            if carried.is_empty() && has(MentionKind::Carry) {
                // "The AU supports ..., according to a communique issued by the union": a
                // reference with nothing carried stands for the sentence's subject.
                let before = |m: &&Mention| m.e <= first && !s.is(m.s, F_SKIP);
                return mentions
                    .iter()
                    .filter(before)
                    .find_map(actor_of)
                    .into_iter()
                    .collect();
            }
            return carried;
        }
        Vec::new()
    }

    /// "Malaysia, which holds the ASEAN chairmanship, said": a body named next to a `chair*`
    /// word within the speaker's apposition, when the speaker speaks as its chair.
    fn chaired_body(&self, s: &Sent, mentions: &[Mention], from: usize) -> Option<usize> {
        let end = s.len().min(from + 14);
        let stop = (from..end).find(|&p| s.in_quote(p)).unwrap_or(end);
        let chair = (from..stop).find(|&p| s.is(p, F_CHAIR | F_PRESIDENCY))?;
        mentions
            .iter()
            .filter(|m| m.s >= from && m.e <= stop && m.s + 4 >= chair && m.s <= chair + 3)
            .find_map(|m| match m.kind {
                MentionKind::Actor(a) if self.c.actors[a].body => Some(a),
                _ => None,
            })
    }

    /// The carried speaker, if it was set in this paragraph or the one before.
    fn carried_near(&self, paragraph: usize) -> Option<&Carried> {
        self.carried
            .as_ref()
            .filter(|c| paragraph <= c.paragraph + 1)
    }

    fn carried_actors(&self, paragraph: usize) -> Vec<usize> {
        self.carried_near(paragraph)
            .map(|c| c.actors.clone())
            .unwrap_or_default()
    }

    /// For a stance sentence with no mention: keep the carried speaker when the sentence opens
    /// inside a quote. The quotation goes on, so the carried speaker now counts as named in
    /// this paragraph: a quote that runs over several paragraphs keeps its speaker throughout.
    fn keep_carried(
        &mut self,
        s: &Sent,
        mentions: &[Mention],
        paragraph: usize,
        evidence: Option<usize>,
    ) -> Option<Attribution> {
        let c = self.carried_near(paragraph)?;
        let quoted = s.len() > 0 && (s.in_quote(0) || evidence.is_some_and(|e| s.in_quote(e)));
        let subjects = mentions
            .iter()
            .filter(|m| !after_preposition(s, m.s))
            .count();
        if subjects == 0 && quoted {
            let att = Attribution {
                span: c.span,
                actors: c.actors.clone(),
                how: How::Carried,
                cue: None,
            };
            if let Some(c) = &mut self.carried {
                c.paragraph = paragraph;
            }
            return Some(att);
        }
        None
    }
}

/// Adds mention candidate `m` (candidates come by start, longest first) to `out`: outside
/// quotes, and not overlapping the previous one kept, except that a longer actor replaces a
/// cue that only covers its start.
fn keep_mention(s: &Sent, out: &mut Vec<Mention>, m: Mention, quoted: bool) {
    if !quoted && (m.s..m.e).any(|p| s.in_quote(p)) {
        return;
    }
    let is_actor = |m: &Mention| matches!(m.kind, MentionKind::Actor(_));
    match out.last_mut() {
        Some(l) if m.s < l.e => {
            // "the Organisation of Islamic Cooperation": a longer actor name beats a
            // cue ("the organisation") that only covers its start.
            if is_actor(&m) && !is_actor(l) && m.e > l.e {
                *l = m;
            }
        }
        _ => out.push(m),
    }
}

/// Marks with [`F_SKIP`] the tokens of a leading adverbial phrase and of relative clauses,
/// whose mentions are not the subject ("On Thursday, ...", "Russia, which brokered ...,
/// said"). `bits` holds the word classes of the sentence's tokens.
pub(super) fn skip_zones(v: &View, bits: &mut [u32]) {
    let len = bits.len();
    let comma = |bits: &[u32], p: usize| bits[p] & F_COMMA != 0;
    // "VIENNA — Rafael Grossi said": a dateline is never the speaker.
    let mut start = dateline_end(v, bits).unwrap_or(0);
    bits[..start].iter_mut().for_each(|b| *b |= F_SKIP);
    // "On Monday, in Yerevan, the UN said": skip each leading adverbial up to its comma.
    // "Reading out a statement after the ballot, X said": so is an opening participle clause.
    let opening = |bits: &[u32], p: usize| {
        // A participle, not a name that ends in "ing" ("Beijing, ...", "Xining officials").
        let participle = p == 0
            && bits[p] & (F_ALIAS | F_QUOTE) == 0
            && bits[p] & F_ING != 0
            && len > 1
            && bits[1] & (F_NAME | F_COMMA | F_QUOTE) == 0;
        bits[p] & F_LEADING != 0 || participle
    };
    while start < len && opening(bits, start) {
        let Some(end) = (start..len.min(start + 14)).find(|&p| comma(bits, p)) else {
            break;
        };
        bits[start..=end].iter_mut().for_each(|b| *b |= F_SKIP);
        start = end + 1;
    }
    let mut p = 0;
    while p + 1 < len {
        if comma(bits, p) && bits[p + 1] & F_RELATIVE != 0 {
            let end = (p + 1..len).find(|&q| comma(bits, q)).unwrap_or(len);
            bits[p..end].iter_mut().for_each(|b| *b |= F_SKIP);
            p = end;
        }
        p += 1;
    }
}

/// "Worried over the clashes, the US envoy spoke with ...": a sentence whose stance opens it
/// in a participle clause has its subject after the clause's comma.
fn opening_clause_subject(s: &Sent, mentions: &[Mention], evidence: usize) -> Option<usize> {
    // The clause opens with a participle or an adverb ("Worried", "Deeply alarmed"), not
    // with a first-person speaker ("I'm concerned about ..., #Place").
    let w = s.v.folded(0);
    let participle = w.ends_with("ed") || w.ends_with("ing") || w.ends_with("ly");
    if evidence > 1 || !participle {
        return None;
    }
    let comma =
        (evidence..s.len().min(evidence + 12)).find(|&p| s.is(p, F_COMMA) && !s.in_quote(p))?;
    mentions
        .iter()
        .position(|m| m.s > comma && m.s <= comma + 3 && !s.in_quote(m.s) && !s.is_at(m.e, F_END))
}

/// "Israel's allies France, Germany, and the UK said": the speaker found after a comma heads
/// a list ("A, B, and C") that starts one mention earlier, with no comma before it.
fn list_head(s: &Sent, mentions: &[Mention], i: usize) -> usize {
    if i == 0 {
        return i;
    }
    let prev = mentions[i - 1];
    let bare_comma = prev.e + 1 == mentions[i].s && s.is(prev.e, F_COMMA);
    let chain = chain_from(s, mentions, i - 1);
    let listed = chain.end > i + 1 && chain.len() >= 3;
    let lead = prev.s == 0 || !s.is(prev.s - 1, F_COMMA);
    let and = (prev.s..chain_end(mentions, chain.clone())).any(|p| s.v.folded(p) == "and");
    if bare_comma && listed && lead && and && !s.is(prev.s, F_SKIP) {
        i - 1
    } else {
        i
    }
}

/// A mention after "in", "at", "from" or "to", directly or past one name word ("in Northern
/// Kosovo").
fn place_before(s: &Sent, m: usize) -> bool {
    after_preposition(s, m) || (m > 1 && s.is(m - 1, F_NAME) && s.is(m - 2, F_PLACE))
}

/// A mention right after "in", "at", "from" or "to" ("told reporters in Vienna") is a place or
/// an addressee, not a speaker.
fn after_preposition(s: &Sent, m: usize) -> bool {
    m > 0 && s.is(m - 1, F_PLACE)
}

/// "Ramming 'dangerous and unacceptable': Manila": a mention after a final colon is the
/// speaker of a headline.
fn colon_speaker(s: &Sent, mentions: &[Mention]) -> Option<usize> {
    let last = mentions.last()?;
    let end = if s.len() > 0 && s.is(s.len() - 1, F_END) {
        s.len() - 1
    } else {
        s.len()
    };
    let colon_before = last.s > 0 && s.is(last.s - 1, F_COLON);
    (last.e == end && colon_before).then(|| mentions.len() - 1)
}

/// "Ethiopia: US embassy alarmed by ...", "Guterres: 'on the brink', urges ...": a headline
/// opening with a mention and a colon. A mention right after the colon is the speaker; else,
/// when nothing but quotes or stance text follows, the mention before the colon is.
fn headline_prefix(s: &Sent, mentions: &[Mention]) -> Option<usize> {
    let first = mentions
        .iter()
        .position(|m| !s.is(m.s, F_SKIP) || m.s == 0)?;
    let m = mentions[first];
    let lead_ok = (0..m.s).all(|p| s.is(p, F_SKIP | F_DET));
    if !lead_ok || m.e >= s.len() || m.e > 6 || !s.is(m.e, F_COLON) {
        return None;
    }
    let c = m.e;
    let det = c + 2 < s.len() && s.is(c + 1, F_DET);
    let next = mentions
        .iter()
        .position(|n| n.s == c + 1 || (det && n.s == c + 2));
    // "UN chief: Israel must stop the strikes": the mention after the colon is the object of
    // the prefix speaker's demand.
    // "Tripoli: The UN mission has called on ...": "has" before a speech verb is the
    // auxiliary of the speaker's own verb, not a demand on the mention.
    let modal = |i: usize| {
        let end = chain_end(mentions, chain_from(s, mentions, i));
        end < s.len() && s.is(end, F_MODAL) && !s.is_at(end + 1, F_SPEECH_CUE)
    };
    match next {
        Some(i) if !modal(i) => Some(i),
        _ => Some(first),
    }
}

/// The end of a dateline ("PORT SUDAN, June 3 —", "VIENNA (Reuters) -"): an all-capital first
/// word and a dash within the first ten tokens.
fn dateline_end(v: &View, bits: &[u32]) -> Option<usize> {
    let first = &v.doc.tokens[*v.idx.first()?];
    let surface = &v.doc.text[first.start..first.end];
    let capitals = surface.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !surface.chars().any(char::is_lowercase);
    let dash = (1..bits.len().min(10)).find(|&p| bits[p] & F_DASH != 0);
    if capitals {
        return dash.map(|p| p + 1);
    }
    // "Kuala Lumpur (VNA) –", "Beijing, May 3 (Agency) -": a news credit in brackets right
    // before the dash; the credit is never the speaker either.
    let dash = dash?;
    (dash >= 2 && v.folded(dash - 1) == ")").then_some(dash + 1)
}

/// The mention that owns a document or office named just before `end`: "the statement, issued
/// by the UN", "the Embassy of Japan", "a spokesperson for the EU".
fn owner_after(s: &Sent, mentions: &[Mention], end: usize, depth: usize) -> Option<usize> {
    let mut p = end;
    if s.is_at(p, F_COMMA) {
        p += 1;
    }
    if s.is_at(p, F_ISSUED) {
        p += 1;
    }
    if !s.is_at(p, F_OWNED_BY) {
        return None;
    }
    p += 1;
    let det = s.is_at(p, F_OWNER_DET);
    let i = mentions
        .iter()
        .position(|m| m.s == p || (det && m.s == p + 1))?;
    match mentions[i].kind {
        // "issued by the spokesperson for the Secretary-General": follow the office once more.
        MentionKind::Office | MentionKind::Carry if depth < 2 => {
            owner_after(s, mentions, mentions[i].e, depth + 1)
        }
        _ => Some(i),
    }
}

/// A chain of mentions: indices of consecutive mentions, never empty.
type Chain = std::ops::Range<usize>;

/// The visible token after the last mention of a chain.
fn chain_end(mentions: &[Mention], chain: Chain) -> usize {
    mentions[chain.end - 1].e
}

/// The chosen mention and the mentions adjacent or coordinated with it.
fn chain_from(s: &Sent, mentions: &[Mention], first: usize) -> Chain {
    if mentions[first].kind == MentionKind::Generic {
        return first..first + 1;
    }
    let mut last = first;
    let mut closed = false;
    while let Some(next) = mentions.get(last + 1) {
        let gap = mentions[last].e..next.s;
        // "AU Commission Chairperson Mahmoud Ali Youssouf": up to two title words between.
        // "Army chief Abdel Fattah al-Burhan", "Kremlin aide Vladimir Medinsky": up to two
        // title words, capitalised or not, before a person's name.
        let adjacent = gap.clone().all(|p| s.is(p, F_POSS))
            || (gap.len() <= 2 && next.person && gap.clone().all(|p| s.is(p, F_NAME | F_TITLE)));
        // "China, Myanmar's largest neighbour, said": a possessive after a comma is an
        // apposition about the speaker, not a second speaker.
        let apposition = gap.clone().all(|p| s.is(p, F_COMMA)) && s.is_at(next.e, F_POSS);
        // "UN, Western capitals urge ...": a generic speaker may join a coordination; it adds
        // no actor.
        // "the Sudanese Armed Forces (SAF) and the Rapid Support Forces (RSF)": a bracketed
        // short form between coordinated mentions is read over.
        let coordinated = matches!(next.kind, MentionKind::Actor(_) | MentionKind::Generic)
            && !apposition
            && coordination_gap(s, gap.clone());
        // A quote boundary breaks a chain; inside one quotation ('"We urge Chile and Peru
        // to ..."', for a target) the chain goes on.
        let quoted = s.in_quote(mentions[last].s) && s.in_quote(next.s);
        if !(adjacent || coordinated) || gap.clone().any(|p| s.in_quote(p) != quoted) {
            break;
        }
        // "the army and the RSF, Egypt said": after "and" closed a list, a bare comma opens
        // something else.
        let bare_comma = !gap.is_empty() && gap.clone().all(|p| s.is(p, F_COMMA));
        if bare_comma && closed {
            break;
        }
        closed |= gap.clone().any(|p| s.v.folded(p) == "and");
        last += 1;
    }
    first..last + 1
}

/// True if `gap` can join two coordinated mentions: at most three tokens outside brackets,
/// each a coordinator or comma, and any brackets in it closed and short (at most three tokens
/// inside: "(SAF)", "(Vladimir)"); an opening bracket may hold the next mention ("Forces
/// (RSF)"). Reading stops at the first plain token that is neither.
fn coordination_gap(s: &Sent, gap: std::ops::Range<usize>) -> bool {
    let (mut depth, mut inside, mut plain, mut ok) = (0usize, 0usize, 0usize, true);
    for p in gap.clone() {
        match s.v.folded(p) {
            "(" => depth += 1,
            ")" if depth == 0 && plain == 0 => {}
            ")" => {
                ok &= depth > 0;
                depth = depth.saturating_sub(1);
            }
            _ if depth > 0 => inside += 1,
            _ if s.is(p, F_COORD) => plain += 1,
            _ => return false,
        }
    }
    plain <= 3 && (plain == gap.len() || (ok && depth <= 1 && inside <= 3))
}

/// Byte range of a chain, with a leading determiner when there is one.
fn speaker_span(s: &Sent, mentions: &[Mention], chain: Chain) -> (usize, usize) {
    let first = mentions[chain.start];
    let start = if first.s > 0 && s.is(first.s - 1, F_DET) {
        first.s - 1
    } else {
        first.s
    };
    let mut end = chain_end(mentions, chain);
    // "the United Nations (UN)": a chain that ends on a bracketed short form keeps the bracket.
    if end < s.len() && end >= 2 && s.v.folded(end) == ")" && s.v.folded(end - 2) == "(" {
        end += 1;
    }
    s.v.bytes(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Document;
    use crate::RuleSet;

    const PACK: &str = r#"
label restraint
label concern
lemma say = says said saying
lemma add = adds added adding
lemma urge = urges urged urging
lemma express = expresses expressed expressing
rule restraint.exercise-restraint { label restraint match exercise restraint }
rule concern.expressed-concern { label concern match expressed concern }
rule concern.worried { label concern match worried over }
actor USA "United States" { alias "United States" | "US" | "Washington" | "State Department" person "Ned Price" | "Price" }
actor RUS "Russia" { alias "Russia" | "Moscow" | "Russian" | "Kremlin" person "Dmitry Peskov" | "Peskov" }
actor ARM "Armenia" { alias "Armenia" }
actor AZE "Azerbaijan" { alias "Azerbaijan" }
actor EU "European Union" { alias "European Union" | "EU" }
actor UN "United Nations" { kind body alias "United Nations" | "UN" person "Stéphane Dujarric" | "Dujarric" }
actor OSCE "OSCE" { kind body alias "OSCE" | "OSCE Chairman-in-Office" }
actor FIN "Finland" { kind state alias "Finnish" | "Finland" person "Elina Valtonen" }
actor ETH "Ethiopia" { kind state alias "Ethiopia" }
actor ASEAN "ASEAN" { kind body alias "ASEAN" }
actor LAO "Laos" { kind state alias "Laos" }
actor OIC "OIC" { kind body alias "Organisation of Islamic Cooperation" }
cue speech lemma(say add urge express) | "told reporters"
cue source "according to"
cue carry he | she | it | "the statement" | statement | "the organisation"
cue generic "world powers"
cue office "foreign ministry" | "foreign minister" | spokesperson | spokesman
"#;

    /// (text, speaker text of the last statement, its actors)
    const CASES: &[(&str, &str, &[&str])] = &[
        ("Dujarric said both sides must exercise restraint.", "Dujarric", &["UN"]),
        ("“Both sides must exercise restraint,” Dujarric said.", "Dujarric", &["UN"]),
        ("“Both sides must exercise restraint,” said Ned Price.", "Ned Price", &["USA"]),
        ("The US, Russia and the EU expressed concern.", "The US, Russia and the EU", &["USA", "RUS", "EU"]),
        ("World powers urged Armenia to exercise restraint.", "World powers", &[]),
        ("Kremlin spokesman Dmitry Peskov urged Azerbaijan to exercise restraint.", "Kremlin spokesman Dmitry Peskov", &["RUS"]),
        ("Russia, which backs Armenia, urged the sides to exercise restraint.", "Russia", &["RUS"]),
        ("On Monday, in Armenia, the UN urged restraint and said all must exercise restraint.", "the UN", &["UN"]),
        ("Russia “urged the sides to exercise restraint,” according to a Foreign Ministry statement.", "a Foreign Ministry statement", &["RUS"]),
        ("The EU said it was worried. “All must exercise restraint,” the statement said.", "the statement", &["EU"]),
        ("Peskov told reporters talks went well.\n\n“We urge calm. All must exercise restraint.”", "Peskov", &["RUS"]),
        ("Both sides must exercise restraint.", "", &[]),
        ("Armenia and Azerbaijan clashed. Both must exercise restraint.", "", &[]),
        ("We urge the us to exercise restraint, Washington said.", "Washington", &["USA"]),
        ("VIENNA — Armenia must exercise restraint, the UN said.", "the UN", &["UN"]),
        ("Both must exercise restraint, said the statement, issued by the spokesman for the UN.", "the statement", &["UN"]),
        ("Both must exercise restraint, US spokesman Jan Novak said.\n\nNovak said all must exercise restraint.", "Novak", &["USA"]),
        ("Finnish Foreign Minister Elina Valtonen, the OSCE Chairperson, urged them to exercise restraint.", "Finnish Foreign Minister Elina Valtonen, the OSCE Chairperson", &["OSCE"]),
        ("“Both must exercise restraint”: Washington", "Washington", &["USA"]),
        ("In a phone call with Armenia, the UN urged both to exercise restraint.", "the UN", &["UN"]),
        ("Ethiopia: US urges all to exercise restraint", "US", &["USA"]),
        ("Russia, world powers urge Armenia to exercise restraint", "Russia, world powers", &["RUS"]),
        ("The OSCE Chairman-in-Office, Finland's Foreign Minister Elina Valtonen, urged them to exercise restraint.", "Finland's Foreign Minister Elina Valtonen", &["OSCE"]),
        ("In Vientiane, the chair Laos urged all to exercise restraint on behalf of ASEAN.", "Laos", &["ASEAN"]),
        ("Russian envoy Dmitry Peskov urged them to exercise restraint.", "Russian envoy Dmitry Peskov", &["RUS"]),
        ("Russia expressed “deep” concern and said the EU must exercise restraint.", "Russia", &["RUS"]),
        ("Russia's UN ambassador urged them to exercise restraint.", "Russia's UN", &["RUS"]),
        ("Russia said it was worried.\n\n“All must exercise restraint,” Novak told reporters in Armenia.", "Russia", &["RUS"]),
        ("The OSCE Chairman-in-Office, Finnish Foreign Minister Elina Valtonen, urged them to exercise restraint.", "The OSCE Chairman-in-Office, Finnish Foreign Minister Elina Valtonen", &["OSCE"]),
        ("Russia: Armenia must exercise restraint", "Russia", &["RUS"]),
        ("Armenia shells villages; Russia urges all to exercise restraint", "Russia", &["RUS"]),
        ("Armenia and Azerbaijan urged to exercise restraint", "", &[]),
        ("Russia, Armenia's ally, urged them to exercise restraint.", "Russia", &["RUS"]),
        ("The EU and the Organisation of Islamic Cooperation urged all to exercise restraint.", "The EU and the Organisation of Islamic Cooperation", &["EU", "OIC"]),
        // A headline's "has" before a speech verb is an auxiliary, not a demand.
        ("Moscow: The UN has urged all to exercise restraint", "The UN", &["UN"]),
        // A chain opening after a preposition is a place; the speaker is after the comma.
        ("All must exercise restraint over tensions in Armenia, the EU and the United States said.", "the EU and the United States", &["EU", "USA"]),
        // A list after a comma starts one mention earlier.
        ("Longtime Armenia allies Russia, Finland, and the United States urged all to exercise restraint.", "Russia, Finland, and the United States", &["RUS", "FIN", "USA"]),
        // A stance that opens the sentence in a participle clause: the subject follows it.
        ("Worried over the tension, Ned Price spoke with Armenia and Azerbaijan, urging them to exercise restraint.", "Ned Price", &["USA"]),
        // The speaker's state named again as a chair speaks for the body.
        ("The Laos foreign ministry said that Laos, as chair of ASEAN, urged all to exercise restraint.", "The Laos foreign ministry", &["ASEAN"]),
        // A bracketed short form does not break a coordination.
        ("The European Union (EU) and the United Nations (UN) urged all to exercise restraint.", "The European Union (EU) and the United Nations (UN)", &["EU", "UN"]),
        // A place after a preposition and a name word ("in Northern Armenia") is no subject.
        ("All must exercise restraint over tensions in Northern Armenia, the EU and the United States said.", "the EU and the United States", &["EU", "USA"]),
        // After "and" closed a list, a bare comma opens something else: the speaker.
        ("All must exercise restraint in Armenia and Azerbaijan, Russia said.", "Russia", &["RUS"]),
        // An opening participle clause is skipped like a leading adverbial.
        ("Reading out a statement after the ballot, Russian envoy Dmitry Peskov said all must exercise restraint.", "Russian envoy Dmitry Peskov", &["RUS"]),
    ];

    /// Texts for the fast-path tests: the cases, and words of every class, cased and
    /// quoted, unknown words, `chair*` and `*ing` words, learnt names.
    fn fast_path_texts() -> Vec<String> {
        let mut texts: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
        texts.push(
            "VIENNA -- Chairperson Mahmoud Ali Youssouf, whom the EU's envoy implored, said: \
             \"Russia and Armenia; the chairmanship!\" The presidency, issued by its office \
             of the US, for his Kaja Kallas, was pushing; Youssouf urged Ned Price to talk. \
             Youssouf and Price, which is ÉCHO, spoke. Élan Über-Chair Dujarric noting it."
                .to_string(),
        );
        texts
    }

    /// `is_name` as it was: the reference for [`F_NAME`].
    fn is_name(v: &View, p: usize) -> bool {
        let t = &v.doc.tokens[v.idx[p]];
        let first = v.doc.text[t.start..t.end].chars().next();
        t.kind == crate::text::TokenKind::Word
            && !t.in_quote
            && first.is_some_and(char::is_uppercase)
            && t.end - t.start > 1
    }

    /// The packs the fast-path tests run on: the small test pack (most class words are not
    /// in its vocabulary) and the embedded one.
    fn packs() -> Vec<RuleSet> {
        vec![
            RuleSet::from_sources(&[("t.rules", PACK)]).unwrap_or_else(|e| panic!("{e:?}")),
            RuleSet::embedded().unwrap_or_else(|e| panic!("{e:?}")),
        ]
    }

    /// The sentences of `text`, as views.
    fn with_views(rules: &RuleSet, text: &str, mut f: impl FnMut(&View)) {
        let doc = Document::analyse(text);
        for si in 0..doc.sentences.len() {
            f(&View::new(&doc, si, &rules.c.vocab));
        }
    }

    #[test]
    fn token_bits_are_the_word_tests() {
        for rules in packs() {
            for text in fast_path_texts() {
                with_views(&rules, &text, |v| {
                    let mut bits = Vec::new();
                    rules.index.sentence_bits(v, &mut bits);
                    assert_eq!(bits.len(), v.len());
                    for (p, &b) in bits.iter().enumerate() {
                        let w = v.folded(p);
                        let at = format!("{w:?} in {text:?}");
                        for &(words, class) in CLASSES {
                            assert_eq!(b & class != 0, words.contains(&w), "{class:#x} {at}");
                        }
                        assert_eq!(b & F_QUOTE != 0, v.in_quote(p), "quote {at}");
                        assert_eq!(b & F_NAME != 0, is_name(v, p), "name {at}");
                        assert_eq!(b & F_CHAIR != 0, w.starts_with("chair"), "chair {at}");
                        assert_eq!(b & F_ING != 0, w.ends_with("ing"), "ing {at}");
                    }
                });
            }
        }
    }

    /// `mentions` as it was: every alias by its first token, longest first, then sorted and
    /// deduplicated.
    fn mentions_reference(att: &Attributor, v: &View) -> Vec<Mention> {
        let c = att.c;
        let mut found: Vec<Mention> = Vec::new();
        for p in 0..v.len() {
            let mut list: Vec<usize> = (0..c.aliases.len())
                .filter(|&i| c.aliases[i].tokens.first() == Some(&v.ids[p]))
                .collect();
            list.sort_by_key(|&i| std::cmp::Reverse(c.aliases[i].tokens.len()));
            let mut best: Option<&crate::compile::Alias> = None;
            for a in list.iter().map(|&i| &c.aliases[i]) {
                let n = a.tokens.len();
                if best.is_some_and(|b| n < b.tokens.len()) {
                    break;
                }
                let fits = p + n <= v.len()
                    && v.ids[p..p + n] == a.tokens[..]
                    && a.exact.as_ref().is_none_or(|x| {
                        let (s, e) = v.bytes(p, p + n);
                        &v.doc.text[s..e] == x
                    });
                if !fits {
                    continue;
                }
                let better = best.is_none_or(|b| {
                    let (ia, ib) = (att.in_period(a), att.in_period(b));
                    ia && !ib
                        || (ia == ib
                            && a.from.as_deref().unwrap_or("") > b.from.as_deref().unwrap_or(""))
                });
                if better {
                    best = Some(a);
                }
            }
            if let Some(a) = best {
                found.push(Mention {
                    s: p,
                    e: p + a.tokens.len(),
                    kind: a.kind,
                    person: a.person,
                });
            }
        }
        for p in 0..v.len() {
            if let Some(&a) = att.names.get(v.folded(p)).filter(|_| is_name(v, p)) {
                found.push(Mention {
                    s: p,
                    e: p + 1,
                    kind: MentionKind::Actor(a),
                    person: true,
                });
            }
        }
        found.retain(|m| !(m.s..m.e).any(|p| v.in_quote(p)));
        found.sort_by_key(|m| (m.s, std::cmp::Reverse(m.e)));
        let mut out: Vec<Mention> = Vec::new();
        let is_actor = |m: &Mention| matches!(m.kind, MentionKind::Actor(_));
        for m in found {
            match out.last_mut() {
                Some(l) if m.s < l.e => {
                    if is_actor(&m) && !is_actor(l) && m.e > l.e {
                        *l = m;
                    }
                }
                _ => out.push(m),
            }
        }
        out
    }

    #[test]
    fn mentions_are_those_of_the_reference() {
        let mut learnt = 0;
        for rules in packs() {
            for text in fast_path_texts() {
                let mut att = Attributor::new(&rules.c, &rules.index);
                let mut seen = 0;
                with_views(&rules, &text, |v| {
                    let want = mentions_reference(&att, v);
                    assert_eq!(att.mentions(v), want, "{text:?}");
                    seen += want.len();
                    // Learn names as the pipeline does, so later sentences look them up.
                    att.attribute(v, 0, &[(0, 1, 0)]);
                });
                assert!(seen > 0 || !text.contains("Russia"), "{text:?}");
                learnt += att.names.len();
            }
        }
        assert!(learnt > 0, "no names learnt: the name lookup went untested");
    }

    #[test]
    fn dated_people() {
        let pack = format!(
            "{PACK}\nactor EST \"Estonia\" {{ kind state person \"Kaja Kallas\" | \"Kallas\" role \"PM\" from \"2021-01-26\" until \"2024-07\" }}\n\
             actor NATO \"NATO\" {{ kind body person \"Kaja Kallas\" | \"Kallas\" role \"test\" from \"2024-12-01\" }}\n"
        );
        let rules = RuleSet::from_sources(&[("t.rules", pack.as_str())])
            .unwrap_or_else(|e| panic!("{e:?}"));
        let text = "Kallas urged them to exercise restraint.";
        let actors = |date: Option<&str>| -> Vec<String> {
            rules
                .extract_dated(text, date)
                .last()
                .map(|s| s.actors.clone())
                .unwrap_or_default()
        };
        assert_eq!(actors(Some("2023-05-01")), ["EST"]);
        assert_eq!(actors(Some("2025-02-03T10:00:00Z")), ["NATO"]);
        assert_eq!(
            actors(None),
            ["NATO"],
            "no date: the period that starts last"
        );
        let bad = RuleSet::from_sources(&[(
            "t.rules",
            "actor EST \"Estonia\" { person \"Kaja Kallas\" from \"21-01\" }",
        )]);
        assert!(bad.is_err(), "an invalid date is an error");
    }

    #[test]
    fn speakers_and_actors() {
        let mut failures = Vec::new();
        let rules = RuleSet::from_sources(&[("t.rules", PACK)]).unwrap_or_else(|e| panic!("{e:?}"));
        for (text, speaker, actors) in CASES {
            let statements = rules.extract_str(text);
            let last = statements
                .last()
                .unwrap_or_else(|| panic!("no statement in {text:?}"));
            let got = last.speaker.as_ref().map_or("", |s| s.text.as_str());
            let got_actors: Vec<&str> = last.actors.iter().map(String::as_str).collect();
            if (got, got_actors.as_slice()) != (*speaker, *actors) {
                failures.push(format!(
                    "{text:?}: got {got:?} {got_actors:?}, want {speaker:?} {actors:?}"
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
