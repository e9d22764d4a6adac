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
//! 3. no cue: the first mention before the first evidence (the subject);
//! 4. the chosen mention is extended over adjacent and coordinated mentions ("The US, Russia
//!    and the EU"); its actors are theirs; an office or document with no actor of its own takes
//!    the sentence's first actor, then the carried speaker; a pronoun or "the statement" takes
//!    the carried speaker of this or the previous paragraph;
//! 5. a stance sentence with no mention outside quotes whose evidence is quoted keeps the
//!    carried speaker (its original mention);
//! 6. unknown capitalised words right after a resolved speaker ("AU Commission Chairperson
//!    Mahmoud Ali Youssouf") are learnt as names of that actor for the rest of the document.

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
        }
    }
}

/// Aliases indexed by their first token, longest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct AliasIndex {
    by_first: HashMap<u32, Vec<usize>>,
}

impl AliasIndex {
    /// Indexes the aliases of `c`.
    pub fn new(c: &Compiled) -> Self {
        let mut by_first: HashMap<u32, Vec<usize>> = HashMap::default();
        for (i, a) in c.aliases.iter().enumerate() {
            if let Some(&first) = a.tokens.first() {
                by_first.entry(first).or_default().push(i);
            }
        }
        for list in by_first.values_mut() {
            list.sort_by_key(|&i| std::cmp::Reverse(c.aliases[i].tokens.len()));
        }
        AliasIndex { by_first }
    }
}

/// Words that may stand between coordinated speakers, or between parts of one speaker.
const COORDINATION: &[&str] = &[",", "and", "the", "as", "well", "'s", "its", "their"];
/// Words that open a leading adverbial phrase whose mentions are not the subject.
const LEADING: &[&str] = &[
    "after",
    "following",
    "amid",
    "despite",
    "during",
    "while",
    "since",
    "before",
    "in",
    "on",
    "at",
    "with",
    "as",
    "meanwhile",
    "earlier",
    "later",
    "separately",
    "speaking",
    "asked",
    "when",
    "from",
];
/// Lower-case title words that may stand between an office and a person's name.
const TITLES: &[&str] = &[
    "chief",
    "aide",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "envoy",
    "commander",
    "leader",
    "head",
    "adviser",
    "advisor",
    "ambassador",
    "minister",
    "official",
    "negotiator",
    "general",
    "secretary",
    "president",
    "deputy",
];
/// Words that open a relative clause after a comma.
const RELATIVE: &[&str] = &["which", "who", "whose", "where", "whom"];
/// Words after which a speech-cue word is a noun ("a phone call", "the appeal"), not a verb.
const NOT_BEFORE_VERB: &[&str] = &[
    "a", "an", "the", "phone", "his", "her", "its", "their", "our", "this", "that", "whose",
];
/// Determiners kept in front of a speaker mention.
const DETERMINERS: &[&str] = &["the", "a", "an"];

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
        }
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

    /// Attributes one sentence. `evidence` is the first visible token of its first stance, if
    /// it has any; sentences without stances are read only to carry their speaker along.
    pub fn attribute(
        &mut self,
        v: &View,
        paragraph: usize,
        evidence: Option<usize>,
    ) -> Option<Attribution> {
        // A sentence with no stance changes nothing unless a cue could choose a speaker in it
        // (to carry along): without the first token of a speech or source cue, or a colon,
        // there is nothing to do.
        if evidence.is_none() && !self.may_have_cue(v) {
            return None;
        }
        let mentions = self.mentions(v);
        let skipped = skip_zones(v);
        let start = self.choose(v, &mentions, &skipped, evidence);
        let Some((chosen, how, cue)) = start else {
            return evidence.and_then(|_| self.keep_carried(v, &mentions, paragraph, evidence));
        };
        let chain = chain_from(v, &mentions, chosen);
        let actors = self.resolve(v, &mentions, &skipped, &chain, paragraph);
        let mut span = speaker_span(v, &mentions, &chain);
        let last = chain_end(&mentions, &chain);
        let name_end = (last..v.len())
            .take_while(|&p| is_name(v, p) && !mentions.iter().any(|m| m.s == p))
            .last();
        if let (Some(end), Some(&first)) = (name_end, actors.first()) {
            span.1 = v.bytes(end, end + 1).1;
            self.names.insert(v.folded(end).to_string(), first);
        }
        for m in chain
            .iter()
            .map(|&i| mentions[i])
            .filter(|m| m.person && m.e - m.s > 1)
        {
            if let MentionKind::Actor(a) = m.kind {
                self.names.insert(v.folded(m.e - 1).to_string(), a);
            }
        }
        let had_cue = cue.is_some();
        let att = Attribution {
            span,
            actors,
            how,
            cue,
        };
        let generic = chain
            .iter()
            .all(|&i| mentions[i].kind == MentionKind::Generic);
        if (had_cue || evidence.is_some()) && (!att.actors.is_empty() || generic) {
            self.carried = Some(Carried {
                span: att.span,
                actors: att.actors.clone(),
                paragraph,
            });
        }
        Some(att)
    }

    /// True if a speech or source cue may start somewhere in the sentence, or it has a colon.
    fn may_have_cue(&self, v: &View) -> bool {
        let cues = &self.c.cues;
        (0..v.len()).any(|p| {
            cues.speech.may_start_at(v, p) || cues.source.may_start_at(v, p) || v.folded(p) == ":"
        })
    }

    /// All mentions outside quotes, longest first, without overlaps.
    pub fn mentions(&self, v: &View) -> Vec<Mention> {
        let mut found: Vec<Mention> = Vec::new();
        for p in 0..v.len() {
            if let Some((len, kind, person)) = self.alias_at(v, p) {
                found.push(Mention {
                    s: p,
                    e: p + len,
                    kind,
                    person,
                });
            }
        }
        for p in 0..v.len() {
            if let Some(&a) = self.names.get(v.folded(p)).filter(|_| is_name(v, p)) {
                found.push(Mention {
                    s: p,
                    e: p + 1,
                    kind: MentionKind::Actor(a),
                    person: true,
                });
            }
        }
        let cues = &self.c.cues;
        for (nodes, kind) in [
            (&cues.generic, MentionKind::Generic),
            (&cues.office, MentionKind::Office),
            (&cues.carry, MentionKind::Carry),
        ] {
            if !nodes.is_empty() {
                found.extend(find_all(nodes, v).into_iter().map(|(s, e)| Mention {
                    s,
                    e,
                    kind,
                    person: false,
                }));
            }
        }
        found.retain(|m| !(m.s..m.e).any(|p| v.in_quote(p)));
        found.sort_by_key(|m| (m.s, std::cmp::Reverse(m.e)));
        let mut out: Vec<Mention> = Vec::new();
        let is_actor = |m: &Mention| matches!(m.kind, MentionKind::Actor(_));
        for m in found {
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
        out
    }

    /// The longest alias starting at visible token `p`. A name listed under several actors
    /// for different periods ("Kaja Kallas": Estonia, then the EU) takes the one whose period
    /// holds the article date, else the one whose period starts last.
    fn alias_at(&self, v: &View, p: usize) -> Option<(usize, MentionKind, bool)> {
        let list = self.index.by_first.get(&v.ids[p])?;
        let fits = |a: &crate::compile::Alias| {
            let n = a.tokens.len();
            p + n <= v.len()
                && v.ids[p..p + n] == a.tokens[..]
                && a.exact.as_ref().is_none_or(|x| {
                    let (s, e) = v.bytes(p, p + n);
                    &v.doc.text[s..e] == x
                })
        };
        let mut best: Option<&crate::compile::Alias> = None;
        for a in list.iter().map(|&i| &self.c.aliases[i]) {
            if best.is_some_and(|b| a.tokens.len() < b.tokens.len()) {
                break;
            }
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
        best.map(|a| (a.tokens.len(), a.kind, a.person))
    }

    /// Picks the mention the speaker starts from, how, and the cue that chose it (if any).
    fn choose(
        &self,
        v: &View,
        mentions: &[Mention],
        skipped: &[bool],
        evidence: Option<usize>,
    ) -> Option<Choice> {
        let outside = |(s, _e): &(usize, usize)| !v.in_quote(*s);
        if let Some(&(cs, ce)) = find_all(&self.c.cues.source, v).iter().find(|m| outside(m)) {
            if let Some(i) = mentions.iter().position(|m| m.s >= ce && m.s <= ce + 8) {
                return Some((i, How::SourceCue, Some((cs, ce))));
            }
        }
        if let Some(i) = colon_speaker(v, mentions) {
            let colon = mentions[i].e;
            return Some((i, How::Colon, Some((colon, colon + 1))));
        }
        if let Some(i) = headline_prefix(v, mentions, skipped) {
            let colon = (0..v.len())
                .find(|&p| v.folded(p) == ":")
                .unwrap_or(mentions[i].s);
            return Some((i, How::Colon, Some((colon, colon + 1))));
        }
        let verb =
            |(s, _e): &(usize, usize)| *s == 0 || !NOT_BEFORE_VERB.contains(&v.folded(*s - 1));
        let all_speech: Vec<(usize, usize)> = find_all(&self.c.cues.speech, v)
            .into_iter()
            .filter(outside)
            .filter(verb)
            .collect();
        // "Sudan's warring parties urged to return to talks": a passive cue names no speaker.
        let passive = |&(s, e): &(usize, usize)| {
            e < v.len() && e == s + 1 && PASSIVE.contains(&v.folded(s)) && v.folded(e) == "to"
        };
        let speech: Vec<(usize, usize)> =
            all_speech.iter().copied().filter(|c| !passive(c)).collect();
        if speech.is_empty() && !all_speech.is_empty() {
            return None;
        }
        let main_cue = speech.iter().find(|&&(s, _)| !v.folded(s).ends_with("ing"));
        // "Pakistan, Taliban trade fire at Torkham; Islamabad calls for restraint": a clause
        // after a semicolon has its own subject.
        let clause_start = |upto: usize| {
            (0..upto)
                .rev()
                .find(|&p| !v.in_quote(p) && matches!(v.folded(p), ";" | ":"))
                .map_or(0, |p| p + 1)
        };
        let subject = || {
            let ok = |m: &Mention| !skipped[m.s] && evidence.is_none_or(|ev| m.s <= ev);
            let from = evidence.map_or(0, &clause_start);
            mentions
                .iter()
                .position(|m| m.s >= from && ok(m))
                .or_else(|| mentions.iter().position(ok))
        };
        match main_cue {
            Some(&(cs, ce)) => {
                let mut rs = cs;
                while rs > 0 && !v.in_quote(rs - 1) && !matches!(v.folded(rs - 1), ";" | ":") {
                    rs -= 1;
                }
                let in_region = |m: &Mention| m.s >= rs && m.e <= cs && !skipped[m.s];
                // "CLAUSE, SPEAKER said": a speaker right before the cue, after a comma.
                let reaches_cue = |i: usize| {
                    let ends = chain_end(mentions, &chain_from(v, mentions, i));
                    ends + 1 >= cs && ends <= cs
                };
                let first = mentions.iter().position(in_region);
                let abutting = (0..mentions.len()).find(|&i| {
                    let s = mentions[i].s;
                    let det = s > rs + 1 && DETERMINERS.contains(&v.folded(s - 1));
                    let comma_at = if det { s - 2 } else { s.saturating_sub(1) };
                    in_region(&mentions[i]) && reaches_cue(i) && s > rs && v.folded(comma_at) == ","
                });
                let before = match first {
                    Some(f) if reaches_cue(f) => Some(f),
                    _ => abutting.or(first),
                };
                // '"...," Valtonen told reporters in Vienna': a place after a preposition is
                // never the speaker.
                let after = || {
                    mentions
                        .iter()
                        .position(|m| m.s >= ce && m.s <= ce + 6 && !after_preposition(v, m.s))
                };
                let any_before = || mentions.iter().position(|m| m.e <= cs && !skipped[m.s]);
                let cue = Some((cs, ce));
                let before = || before.map(|i| (i, How::BeforeSpeechCue, cue));
                let after = || after().map(|i| (i, How::AfterSpeechCue, cue));
                let any_before = || any_before().map(|i| (i, How::BeforeSpeechCue, cue));
                // An inverted cue follows a comma or a quote (", said the minister"); else a
                // subject before an intervening quote beats a mention after the cue
                // ('X vowed a "vigorous" response and said the community ...').
                let inverted = cs == 0 || v.folded(cs - 1) == "," || v.in_quote(cs - 1);
                if inverted {
                    before().or_else(after).or_else(any_before)
                } else {
                    before().or_else(any_before).or_else(after)
                }
            }
            None if evidence.is_some() || !speech.is_empty() => {
                subject().map(|i| (i, How::Subject, speech.first().copied()))
            }
            None => None,
        }
    }

    /// Actor indices of a chain of mentions, resolving offices and carried references.
    fn resolve(
        &self,
        v: &View,
        mentions: &[Mention],
        skipped: &[bool],
        chain: &[usize],
        paragraph: usize,
    ) -> Vec<usize> {
        let mut actors = Vec::new();
        for (k, &i) in chain.iter().enumerate() {
            if let MentionKind::Actor(a) = mentions[i].kind {
                // "The Arab League's secretary-general", "Russia's UN ambassador": a body's
                // title after an owner's "'s" speaks for the owner.
                let owned = k > 0
                    && self.c.actors[a].body
                    && matches!(mentions[chain[k - 1]].kind, MentionKind::Actor(_))
                    && mentions[i].s == mentions[chain[k - 1]].e + 1
                    && v.folded(mentions[i].s - 1) == "'s";
                if !owned && !actors.contains(&a) {
                    actors.push(a);
                }
            }
        }
        // "The OSCE Chairman-in-Office, Finnish Foreign Minister Elina Valtonen": a body named
        // right before a `chair*` word in the chain is the one the speaker speaks for.
        let chair_of = chain.iter().find_map(|&i| match mentions[i].kind {
            MentionKind::Actor(a)
                if self.c.actors[a].body
                    && (mentions[i].s..=mentions[i].e)
                        .any(|p| p < v.len() && v.folded(p).starts_with("chair")) =>
            {
                Some(a)
            }
            _ => None,
        });
        if let Some(b) = chair_of {
            return vec![b];
        }
        // "The OSCE Chairman-in-Office, North Macedonia's Foreign Minister X, said": the
        // speaker is an apposition to a body's chair named just before the comma.
        let first = mentions[chain[0]].s;
        if first > 0 && v.folded(first - 1) == "," {
            let chair = mentions.iter().find_map(|m| match m.kind {
                MentionKind::Actor(a)
                    if m.e + 1 == first
                        && self.c.actors[a].body
                        && (m.s..m.e).any(|p| v.folded(p).starts_with("chair")) =>
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
        let chaired = (first.saturating_sub(3)..first)
            .any(|p| v.folded(p).starts_with("chair") || v.folded(p) == "presidency");
        if chaired && !actors.is_empty() {
            let body = mentions.iter().find_map(|m| match m.kind {
                MentionKind::Actor(a) if self.c.actors[a].body => Some(a),
                _ => None,
            });
            if let Some(b) = body {
                return vec![b];
            }
        }
        if !actors.is_empty() {
            return self
                .chaired_body(v, mentions, mentions[chain[0]].e)
                .map_or(actors, |b| vec![b]);
        }
        let kinds: Vec<MentionKind> = chain.iter().map(|&i| mentions[i].kind).collect();
        let actor_of = |m: &Mention| match m.kind {
            MentionKind::Actor(a) => Some(a),
            _ => None,
        };
        if let Some(a) = owner_after(v, mentions, chain_end(mentions, chain), 0)
            .and_then(|i| actor_of(&mentions[i]))
        {
            return vec![a];
        }
        if kinds.contains(&MentionKind::Office) {
            let first = mentions[chain[0]].s;
            let before = |m: &&Mention| m.e <= first;
            let unskipped = mentions
                .iter()
                .filter(before)
                .filter(|m| !skipped[m.s])
                .find_map(actor_of);
            let subject = unskipped.or_else(|| mentions.iter().filter(before).find_map(actor_of));
            if let Some(a) = subject {
                return vec![a];
            }
        }
        if kinds.contains(&MentionKind::Office) || kinds.contains(&MentionKind::Carry) {
            return self.carried_actors(paragraph);
        }
        Vec::new()
    }

    /// "Malaysia, which holds the ASEAN chairmanship, said": a body named next to a `chair*`
    /// word within the speaker's apposition, when the speaker speaks as its chair.
    fn chaired_body(&self, v: &View, mentions: &[Mention], from: usize) -> Option<usize> {
        let stop = (from..v.len().min(from + 14))
            .find(|&p| v.in_quote(p))
            .unwrap_or(v.len().min(from + 14));
        let chair = (from..stop)
            .find(|&p| v.folded(p).starts_with("chair") || v.folded(p) == "presidency")?;
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
    /// inside a quote.
    fn keep_carried(
        &self,
        v: &View,
        mentions: &[Mention],
        paragraph: usize,
        evidence: Option<usize>,
    ) -> Option<Attribution> {
        let c = self.carried_near(paragraph)?;
        let quoted = v.len() > 0 && (v.in_quote(0) || evidence.is_some_and(|e| v.in_quote(e)));
        let subjects = mentions
            .iter()
            .filter(|m| !after_preposition(v, m.s))
            .count();
        if subjects == 0 && quoted {
            return Some(Attribution {
                span: c.span,
                actors: c.actors.clone(),
                how: How::Carried,
                cue: None,
            });
        }
        None
    }
}

/// Marks tokens of a leading adverbial phrase and of relative clauses, whose mentions are not
/// the subject ("On Thursday, ...", "Russia, which brokered ..., said").
fn skip_zones(v: &View) -> Vec<bool> {
    let mut skip = vec![false; v.len()];
    let comma = |p: usize| v.folded(p) == ",";
    // "VIENNA — Rafael Grossi said": a dateline is never the speaker.
    let mut start = dateline_end(v).unwrap_or(0);
    skip[..start].iter_mut().for_each(|s| *s = true);
    // "On Monday, in Yerevan, the UN said": skip each leading adverbial up to its comma.
    while start < v.len() && LEADING.contains(&v.folded(start)) {
        let Some(end) = (start..v.len().min(start + 14)).find(|&p| comma(p)) else {
            break;
        };
        skip[start..=end].iter_mut().for_each(|s| *s = true);
        start = end + 1;
    }
    let mut p = 0;
    while p + 1 < v.len() {
        if comma(p) && RELATIVE.contains(&v.folded(p + 1)) {
            let end = (p + 1..v.len()).find(|&q| comma(q)).unwrap_or(v.len());
            skip[p..end].iter_mut().for_each(|s| *s = true);
            p = end;
        }
        p += 1;
    }
    skip
}

/// A mention right after "in", "at", "from" or "to" ("told reporters in Vienna") is a place or
/// an addressee, not a speaker.
fn after_preposition(v: &View, s: usize) -> bool {
    s > 0 && matches!(v.folded(s - 1), "in" | "at" | "from" | "to")
}

/// A capitalised word outside quotes: part of a person's name.
fn is_name(v: &View, p: usize) -> bool {
    let t = &v.doc.tokens[v.idx[p]];
    let first = v.doc.text[t.start..t.end].chars().next();
    t.kind == crate::text::TokenKind::Word
        && !t.in_quote
        && first.is_some_and(char::is_uppercase)
        && t.end - t.start > 1
}

/// "Ramming 'dangerous and unacceptable': Manila": a mention after a final colon is the
/// speaker of a headline.
fn colon_speaker(v: &View, mentions: &[Mention]) -> Option<usize> {
    let last = mentions.last()?;
    let end = if v.len() > 0 && matches!(v.folded(v.len() - 1), "." | "!") {
        v.len() - 1
    } else {
        v.len()
    };
    let colon_before = last.s > 0 && v.folded(last.s - 1) == ":";
    (last.e == end && colon_before).then(|| mentions.len() - 1)
}

/// "Ethiopia: US embassy alarmed by ...", "Guterres: 'on the brink', urges ...": a headline
/// opening with a mention and a colon. A mention right after the colon is the speaker; else,
/// when nothing but quotes or stance text follows, the mention before the colon is.
fn headline_prefix(v: &View, mentions: &[Mention], skipped: &[bool]) -> Option<usize> {
    let first = mentions.iter().position(|m| !skipped[m.s] || m.s == 0)?;
    let m = mentions[first];
    let lead_ok = (0..m.s).all(|p| skipped[p] || DETERMINERS.contains(&v.folded(p)));
    if !lead_ok || m.e >= v.len() || m.e > 6 || v.folded(m.e) != ":" {
        return None;
    }
    let c = m.e;
    let det = c + 2 < v.len() && DETERMINERS.contains(&v.folded(c + 1));
    let next = mentions
        .iter()
        .position(|n| n.s == c + 1 || (det && n.s == c + 2));
    // "UN chief: Israel must stop the strikes": the mention after the colon is the object of
    // the prefix speaker's demand.
    let modal = |i: usize| {
        let end = chain_end(mentions, &chain_from(v, mentions, i));
        end < v.len() && MODALS.contains(&v.folded(end))
    };
    match next {
        Some(i) if !modal(i) => Some(i),
        _ => Some(first),
    }
}

/// Words after a subject that make it the object of a demand, or a possessive, not a speaker.
const MODALS: &[&str] = &[
    "must", "should", "needs", "need", "has", "have", "will", "would", "cannot", "can", "is",
    "are", "was", "were", "to", "'s",
];
/// Appeal verbs that, right before "to", are passive: "parties urged to return to talks".
const PASSIVE: &[&str] = &[
    "urged",
    "asked",
    "pressed",
    "told",
    "encouraged",
    "invited",
    "requested",
    "implored",
    "pushed",
];

/// The end of a dateline ("PORT SUDAN, June 3 —", "VIENNA (Reuters) -"): an all-capital first
/// word and a dash within the first ten tokens.
fn dateline_end(v: &View) -> Option<usize> {
    let first = &v.doc.tokens[*v.idx.first()?];
    let surface = &v.doc.text[first.start..first.end];
    let capitals = surface.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !surface.chars().any(char::is_lowercase);
    if !capitals {
        return None;
    }
    (1..v.len().min(10))
        .find(|&p| matches!(v.folded(p), "-" | "--"))
        .map(|p| p + 1)
}

/// The mention that owns a document or office named just before `end`: "the statement, issued
/// by the UN", "the Embassy of Japan", "a spokesperson for the EU".
fn owner_after(v: &View, mentions: &[Mention], end: usize, depth: usize) -> Option<usize> {
    let mut p = end;
    let word = |p: usize| if p < v.len() { v.folded(p) } else { "" };
    if word(p) == "," {
        p += 1;
    }
    if matches!(
        word(p),
        "issued" | "released" | "published" | "signed" | "read"
    ) {
        p += 1;
    }
    if !matches!(word(p), "by" | "of" | "from" | "for") {
        return None;
    }
    p += 1;
    let det = matches!(word(p), "the" | "its" | "his" | "her");
    let i = mentions
        .iter()
        .position(|m| m.s == p || (det && m.s == p + 1))?;
    match mentions[i].kind {
        // "issued by the spokesperson for the Secretary-General": follow the office once more.
        MentionKind::Office | MentionKind::Carry if depth < 2 => {
            owner_after(v, mentions, mentions[i].e, depth + 1)
        }
        _ => Some(i),
    }
}

/// The visible token after the last mention of a chain (chains are never empty).
fn chain_end(mentions: &[Mention], chain: &[usize]) -> usize {
    chain.last().map_or(0, |&i| mentions[i].e)
}

/// The chosen mention and the mentions adjacent or coordinated with it.
fn chain_from(v: &View, mentions: &[Mention], first: usize) -> Vec<usize> {
    let mut chain = vec![first];
    if mentions[first].kind == MentionKind::Generic {
        return chain;
    }
    let mut last = first;
    while let Some(next) = mentions.get(last + 1) {
        let gap = mentions[last].e..next.s;
        // "AU Commission Chairperson Mahmoud Ali Youssouf": up to two title words between.
        // "Army chief Abdel Fattah al-Burhan", "Kremlin aide Vladimir Medinsky": up to two
        // title words, capitalised or not, before a person's name.
        let adjacent = gap.clone().all(|p| v.folded(p) == "'s")
            || (gap.len() <= 2
                && next.person
                && gap
                    .clone()
                    .all(|p| is_name(v, p) || TITLES.contains(&v.folded(p))));
        // "China, Myanmar's largest neighbour, said": a possessive after a comma is an
        // apposition about the speaker, not a second speaker.
        let apposition =
            gap.clone().all(|p| v.folded(p) == ",") && next.e < v.len() && v.folded(next.e) == "'s";
        // "UN, Western capitals urge ...": a generic speaker may join a coordination; it adds
        // no actor.
        let coordinated = gap.clone().all(|p| COORDINATION.contains(&v.folded(p)))
            && matches!(next.kind, MentionKind::Actor(_) | MentionKind::Generic)
            && gap.len() <= 3
            && !apposition;
        if !(adjacent || coordinated) || gap.clone().any(|p| v.in_quote(p)) {
            break;
        }
        last += 1;
        chain.push(last);
    }
    chain
}

/// Byte range of a chain, with a leading determiner when there is one.
fn speaker_span(v: &View, mentions: &[Mention], chain: &[usize]) -> (usize, usize) {
    let first = mentions[chain[0]];
    let s = if first.s > 0 && DETERMINERS.contains(&v.folded(first.s - 1)) {
        first.s - 1
    } else {
        first.s
    };
    v.bytes(s, chain_end(mentions, chain))
}

#[cfg(test)]
mod tests {
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
    ];

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
