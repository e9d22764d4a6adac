//! Attribution frames at work: the `frame` blocks of the pack ("SPEAKER urged TARGET to",
//! "TARGET was urged by SPEAKER", "at OTHER meeting") matched in a stance sentence.
//!
//! A slot is filled by a mention, a chain of coordinated mentions ("Armenia and Azerbaijan"),
//! with or without a determiner before it, or a party phrase (`cue party`: "both sides", "the
//! parties"). What the frames find is used three ways (see `mod.rs`): mentions inside TARGET
//! and OTHER fills are never the speaker; a SPEAKER fill is the speaker; the TARGET fills near
//! the stances are the statement's target. The English lives in `rules/attribution.rules`.

use super::words::*;
use super::{chain_end, chain_from, Attributor, Mention, Sent};
use crate::ast::Slot;
use crate::compile::{Frame, FramePart, MentionKind};
use crate::matcher::{find_all, live_bit, Prefilter, View};

/// A run of visible tokens that may fill a slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fill {
    /// First visible token (the determiner, when one is included).
    pub s: usize,
    /// The visible token after the fill.
    pub e: usize,
    /// The mention chain (indices into the sentence's mentions), or `None` for a party
    /// phrase.
    pub chain: Option<std::ops::Range<usize>>,
}

/// A frame matched in a sentence: which frame, its token range, and what filled each slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FrameMatch {
    /// Index of the frame in the pack.
    pub frame: usize,
    /// Visible-token range of the whole match.
    pub s: usize,
    pub e: usize,
    /// The slots in order, with their fills.
    pub fills: Vec<(Slot, Fill)>,
}

impl FrameMatch {
    /// The fill of `slot`, if the frame has one.
    pub fn fill(&self, slot: Slot) -> Option<&Fill> {
        self.fills.iter().find(|(s, _)| *s == slot).map(|(_, f)| f)
    }
}

/// The target chosen for a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TargetChoice {
    /// Byte range of the target mention in the original text.
    pub span: (usize, usize),
    /// Actor indices, in order of mention, without repeats; none of the speaker's.
    pub actors: Vec<usize>,
    /// The frame that named it, for `explain`.
    pub frame: String,
}

/// How far (in tokens) a frame match may lie from a stance's evidence and still name the
/// target of that stance.
const NEAR: usize = 4;

/// How far (in tokens) the stances of an appeal's infinitive clause may lie after a frame
/// that ends on "to" ("urged X to cease its support to Y and withdraw").
const FAR: usize = 16;

/// The frame alternatives of a pack, numbered in pack order (frame by frame), with a
/// prefilter over what their token parts need: a sentence calls up only the alternatives
/// whose every part it has the tokens for, from one pass over its token ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct FrameIndex {
    /// (frame, alternative) of each number.
    alts: Vec<(usize, usize)>,
    /// The bits ([`live_bit`]) of the parts each alternative needs: its token parts that
    /// cannot match nothing, in order.
    required: Vec<u64>,
    /// Alternatives that need no token part: live in every sentence.
    free: Vec<usize>,
    filter: Prefilter,
}

impl FrameIndex {
    /// Indexes the frames of `frames` (their parts' needs ranked).
    pub fn new(frames: &[Frame]) -> Self {
        let mut index = FrameIndex::default();
        let mut needs = Vec::new();
        for (fi, frame) in frames.iter().enumerate() {
            for (ai, alt) in frame.alts.iter().enumerate() {
                let n = index.alts.len();
                index.alts.push((fi, ai));
                let parts: Vec<_> = required_parts(alt).flat_map(|p| p.needs()).collect();
                index
                    .required
                    .push((0..parts.len()).fold(0, |b, i| b | live_bit(i)));
                if parts.is_empty() {
                    index.free.push(n);
                }
                needs.push((n, parts));
            }
        }
        index.filter = Prefilter::of_needs(needs);
        index
    }

    /// The alternatives (numbers, in order) that may match in the sentence: it meets what
    /// every required token part needs.
    fn live(&self, frames: &[Frame], v: &View, out: &mut Vec<usize>) {
        out.clear();
        for (n, bits) in self.filter.candidates(v) {
            let (fi, ai) = self.alts[n];
            if bits & self.required[n] == self.required[n]
                && required_parts(&frames[fi].alts[ai]).all(|p| p.live(v) != 0)
            {
                out.push(n);
            }
        }
        if !self.free.is_empty() {
            out.extend(&self.free);
            out.sort_unstable();
        }
    }
}

/// The token parts of a frame alternative that cannot match nothing: a match needs what
/// each of them needs.
fn required_parts(alt: &[FramePart]) -> impl Iterator<Item = &crate::matcher::Patterns> {
    alt.iter().filter_map(|part| match part {
        FramePart::Tokens(p, false) => Some(p),
        _ => None,
    })
}

impl Attributor<'_> {
    /// Reads which frame alternatives may match in the sentence into `self.live_alts`
    /// ([`FrameIndex`]), for [`Attributor::may_frame`] and [`Attributor::match_frames`].
    pub(super) fn read_frames(&mut self, v: &View) {
        let mut live = std::mem::take(&mut self.live_alts);
        self.index.frames.live(&self.c.frames, v, &mut live);
        self.live_alts = live;
    }

    /// Every way a slot may be filled in the sentence: each mention chain (and its first
    /// mention alone), with and without the determiner before it; each party phrase.
    pub(super) fn fills(&self, s: &Sent, mentions: &[Mention]) -> Vec<Fill> {
        let mut out = Vec::new();
        for i in 0..mentions.len() {
            let chain = chain_from(s, mentions, i);
            let chains = [Some(chain.clone()), (chain.len() > 1).then(|| i..i + 1)];
            for chain in chains.into_iter().flatten() {
                let (ms, mut e) = (mentions[i].s, chain_end(mentions, chain.clone()));
                // "the Rapid Support Forces (RSF) paramilitaries": a fill that ends on a
                // bracketed short form takes the closing bracket too.
                if e < s.len() && e > ms + 1 && s.v.folded(e) == ")" && s.v.folded(e - 2) == "(" {
                    e += 1;
                }
                let with_det = ms > 0 && s.is(ms - 1, F_DET);
                if with_det {
                    out.push(Fill {
                        s: ms - 1,
                        e,
                        chain: Some(chain.clone()),
                    });
                }
                out.push(Fill {
                    s: ms,
                    e,
                    chain: Some(chain),
                });
            }
        }
        if !self.c.cues.party.is_empty() {
            out.extend(
                find_all(&self.c.cues.party, s.v)
                    .into_iter()
                    .map(|(ps, pe)| Fill {
                        s: ps,
                        e: pe,
                        chain: None,
                    }),
            );
        }
        // Longest first at each start, so that a slot takes the whole chain when it can.
        out.sort_by_key(|f| (f.s, std::cmp::Reverse(f.e)));
        out.dedup();
        out
    }

    /// True if a frame may match in the sentence for a statement with these `stances`
    /// (visible-token ranges and labels): one that applies to a label of theirs has an
    /// alternative whose token parts the sentence has what they need for. When none does,
    /// [`Attributor::match_frames`] would find nothing, and the sentence's mentions need
    /// not be read for fills.
    /// Needs [`Attributor::read_frames`] first.
    pub(super) fn may_frame(&self, stances: &[(usize, usize, usize)]) -> bool {
        self.live_alts.iter().any(|&n| {
            let frame = &self.c.frames[self.index.frames.alts[n].0];
            applies(frame, stances.iter().map(|x| x.2))
        })
    }

    /// The frames that match in the sentence, each at most once per start, for a statement
    /// with `labels` (frames restricted to other labels are skipped).
    ///
    /// An alternative is tried only in a sentence that has what each of its token parts needs
    /// (the live alternatives of [`Attributor::read_frames`]), and only at the positions where
    /// it may start: where its first token part may start, or a fill starts when it begins
    /// with a slot. Its `unless` patterns are matched only once it has matched somewhere.
    pub(super) fn match_frames(
        &self,
        s: &Sent,
        fills: &[Fill],
        labels: &[usize],
    ) -> Vec<FrameMatch> {
        let mut out = Vec::new();
        let mut fill_starts: Vec<usize> = fills.iter().map(|f| f.s).collect();
        fill_starts.dedup();
        let live = &self.live_alts;
        let mut k = 0;
        while k < live.len() {
            let fi = self.index.frames.alts[live[k]].0;
            // The live alternatives of this frame.
            let from = k;
            while k < live.len() && self.index.frames.alts[live[k]].0 == fi {
                k += 1;
            }
            let frame = &self.c.frames[fi];
            if !applies(frame, labels.iter().copied()) {
                continue;
            }
            let mut blocks: Option<Vec<(usize, usize)>> = None;
            for alt in live[from..k]
                .iter()
                .map(|&n| &frame.alts[self.index.frames.alts[n].1])
            {
                // A slot starts where a fill does; a token part where its first tokens are.
                let slot_first = matches!(alt.first(), Some(FramePart::Slot(_)));
                let at_fills = fill_starts.iter().copied().filter(|_| slot_first);
                let at_tokens =
                    (0..if slot_first { 0 } else { s.len() }).filter(|&p| match alt.first() {
                        Some(FramePart::Tokens(t, false)) => t.may_start_at(s.v, p),
                        _ => may_start(s, fills, alt, p),
                    });
                for start in at_fills.chain(at_tokens) {
                    let mut acc = Vec::new();
                    let Some(e) = match_parts(s, fills, alt, start, &mut acc) else {
                        continue;
                    };
                    let blocks = blocks.get_or_insert_with(|| {
                        crate::matcher::find_overlapping(&frame.guards, s.v)
                    });
                    if blocks
                        .iter()
                        .any(|&g| crate::matcher::overlaps((start, e), g))
                    {
                        continue;
                    }
                    let fills = acc.into_iter().map(|(slot, i)| (slot, fills[i].clone()));
                    out.push(FrameMatch {
                        frame: fi,
                        s: start,
                        e,
                        fills: fills.collect(),
                    });
                }
            }
        }
        out.sort_by_key(|m| (m.s, m.frame));
        out
    }

    /// The actors a fill names: the actors of its mentions, or for a party phrase ("both
    /// sides"), the parties the sentence names when it names two or more besides `speaker`.
    pub(super) fn fill_actors(
        &self,
        s: &Sent,
        mentions: &[Mention],
        fill: &Fill,
        speaker: &[usize],
    ) -> Vec<usize> {
        let mut actors: Vec<usize> = Vec::new();
        let add = |m: &Mention| {
            if let MentionKind::Actor(a) = m.kind {
                if !actors.contains(&a) && !speaker.contains(&a) {
                    actors.push(a);
                }
            }
        };
        match &fill.chain {
            Some(chain) => mentions[chain.clone()].iter().for_each(add),
            None => {
                // The parties named as a coordination of two or more ("between Armenia and
                // Azerbaijan", "India and Pakistan"), none of them the speaker.
                // Parties named in a relative clause or a leading adverbial ("Russia, which
                // brokered the truce between Armenia and Azerbaijan, called on the sides")
                // are background, not the sides addressed.
                for i in (0..mentions.len()).filter(|&i| !s.is(mentions[i].s, F_SKIP)) {
                    let chain = chain_from(s, mentions, i);
                    let states: Vec<usize> = mentions[chain]
                        .iter()
                        .filter_map(|m| match m.kind {
                            MentionKind::Actor(a) if !self.c.actors[a].body => Some(a),
                            _ => None,
                        })
                        .collect();
                    // "US Secretary of State Mike Pompeo" is one party, not two.
                    let mut states = states;
                    let mut seen = Vec::new();
                    states.retain(|a| {
                        let new = !seen.contains(a);
                        seen.push(*a);
                        new
                    });
                    let distinct = states.iter().filter(|a| !speaker.contains(a)).count();
                    if distinct >= 2 && !states.iter().any(|a| speaker.contains(a)) {
                        states.into_iter().for_each(|a| {
                            if !actors.contains(&a) {
                                actors.push(a);
                            }
                        });
                        break;
                    }
                }
            }
        }
        actors
    }

    /// The target of a statement: the TARGET fills of the frames that touch a stance's
    /// evidence (`stances`: visible-token ranges), the first one's span, all their actors.
    pub(super) fn choose_target(
        &self,
        s: &Sent,
        mentions: &[Mention],
        matches: &[FrameMatch],
        stances: &[(usize, usize)],
        speaker: &[usize],
    ) -> Option<TargetChoice> {
        // "called on Rwanda to cease its support and withdraw its troops": an appeal frame
        // that ends on "to" reaches the stances of the infinitive clause after it, up to the
        // end of the clause.
        let appeal = |m: &FrameMatch| m.e > m.s && s.v.folded(m.e - 1) == "to";
        let reaches = |m: &FrameMatch, es: usize| {
            appeal(m) && es >= m.e && es <= m.e + FAR && !(m.e..es).any(|p| s.is(p, F_SEMI | F_END))
        };
        let near = |m: &FrameMatch| {
            stances
                .iter()
                .any(|&(es, ee)| (m.s <= ee + NEAR && es <= m.e + NEAR) || reaches(m, es))
        };
        let mut chosen: Option<TargetChoice> = None;
        for m in matches.iter().filter(|m| near(m)) {
            let Some(fill) = m.fill(Slot::Target) else {
                continue;
            };
            let actors = self.fill_actors(s, mentions, fill, speaker);
            let own = fill.chain.is_some() && actors.is_empty() && self.names_only(mentions, fill);
            if own {
                // The speaker itself, or nothing with a code: never its own target.
                continue;
            }
            match &mut chosen {
                None => {
                    chosen = Some(TargetChoice {
                        span: s.v.bytes(fill.s, fill.e),
                        actors,
                        frame: self.c.frames[m.frame].id.clone(),
                    })
                }
                Some(c) => {
                    for a in actors {
                        if !c.actors.contains(&a) {
                            c.actors.push(a);
                        }
                    }
                }
            }
        }
        chosen
    }

    /// True if every mention of a fill's chain is an actor (so a fill that lost all its
    /// actors to the speaker named only the speaker).
    fn names_only(&self, mentions: &[Mention], fill: &Fill) -> bool {
        fill.chain.as_ref().is_some_and(|c| {
            mentions[c.clone()]
                .iter()
                .all(|m| matches!(m.kind, MentionKind::Actor(_)))
        })
    }
}

/// True if `frame` applies to a statement with one of `labels` (every frame does when it
/// names no label).
fn applies(frame: &Frame, mut labels: impl Iterator<Item = usize>) -> bool {
    frame.labels.is_empty() || labels.any(|l| frame.labels.contains(&l))
}

/// True if a match of a frame alternative may start at visible token `pos` (`pos` < the
/// sentence's length): its first token part may start there, or its first slot has a fill
/// there; a part that may match nothing lets the next one start.
fn may_start(s: &Sent, fills: &[Fill], parts: &[FramePart], pos: usize) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return true;
    };
    match first {
        FramePart::Tokens(p, nullable) => {
            p.may_start_at(s.v, pos) || (*nullable && may_start(s, fills, rest, pos))
        }
        FramePart::Slot(_) => fills_at(fills, pos).next().is_some(),
    }
}

/// The fills (with their indices) that start at visible token `pos`; `fills` is sorted by
/// start.
fn fills_at(fills: &[Fill], pos: usize) -> impl Iterator<Item = (usize, &Fill)> {
    let from = fills.partition_point(|f| f.s < pos);
    (from..)
        .zip(&fills[from..])
        .take_while(move |(_, f)| f.s == pos)
}

/// Matches the pieces of a frame alternative from visible token `pos`: the end of the match,
/// with the slots' fills (indices into `fills`) pushed on `acc`.
fn match_parts(
    s: &Sent,
    fills: &[Fill],
    parts: &[FramePart],
    pos: usize,
    acc: &mut Vec<(Slot, usize)>,
) -> Option<usize> {
    let Some((first, rest)) = parts.split_first() else {
        return Some(pos);
    };
    match first {
        FramePart::Tokens(patterns, nullable) => {
            if let Some(e) = patterns.longest_at(s.v, pos) {
                if let Some(end) = match_parts(s, fills, rest, e, acc) {
                    return Some(end);
                }
            }
            if *nullable {
                return match_parts(s, fills, rest, pos, acc);
            }
            None
        }
        FramePart::Slot(slot) => {
            for (i, f) in fills_at(fills, pos) {
                acc.push((*slot, i));
                if let Some(end) = match_parts(s, fills, rest, f.e, acc) {
                    return Some(end);
                }
                acc.pop();
            }
            None
        }
    }
}
