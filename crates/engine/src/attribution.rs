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
//! 3. no cue: the first mention before the first evidence (the subject);
//! 4. the chosen mention is extended over adjacent and coordinated mentions ("The US, Russia
//!    and the EU"); its actors are theirs; an office or document with no actor of its own takes
//!    the sentence's first actor, then the carried speaker; a pronoun or "the statement" takes
//!    the carried speaker of this or the previous paragraph;
//! 5. a stance sentence with no speaker that opens inside a quote, or with a pronoun, keeps the
//!    carried speaker (its original mention).

use crate::compile::{Compiled, MentionKind};
use crate::matcher::{find_all, View};
use std::collections::HashMap;

/// A mention found in a sentence, as a visible-token range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mention {
    pub s: usize,
    pub e: usize,
    pub kind: MentionKind,
}

/// The speaker chosen for a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribution {
    /// Byte range of the speaker mention in the original text.
    pub span: (usize, usize),
    /// Actor indices, in order of mention, without repeats.
    pub actors: Vec<usize>,
}

/// Aliases indexed by their first token, longest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct AliasIndex {
    by_first: HashMap<u32, Vec<usize>>,
}

impl AliasIndex {
    /// Indexes the aliases of `c`.
    pub fn new(c: &Compiled) -> Self {
        let mut by_first: HashMap<u32, Vec<usize>> = HashMap::new();
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
    "after", "following", "amid", "despite", "during", "while", "since", "before", "in", "on", "at",
    "with", "as", "meanwhile", "earlier", "later", "separately", "speaking", "asked", "when", "from",
];
/// Words that open a relative clause after a comma.
const RELATIVE: &[&str] = &["which", "who", "whose", "where", "whom"];
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
}

impl<'c> Attributor<'c> {
    /// A fresh attributor for one document.
    pub fn new(c: &'c Compiled, index: &'c AliasIndex) -> Self {
        Attributor { c, index, carried: None }
    }

    /// Attributes one sentence. `evidence` is the first visible token of its first stance, if
    /// it has any; sentences without stances are read only to carry their speaker along.
    pub fn attribute(&mut self, v: &View, paragraph: usize, evidence: Option<usize>) -> Option<Attribution> {
        let mentions = self.mentions(v);
        let skipped = skip_zones(v);
        let start = self.choose(v, &mentions, &skipped, evidence);
        let Some((chosen, had_cue)) = start else {
            return evidence.and_then(|_| self.keep_carried(v, &mentions, paragraph));
        };
        let chain = chain_from(v, &mentions, chosen);
        let actors = self.resolve(&mentions, &skipped, &chain, paragraph);
        let span = speaker_span(v, &mentions, &chain);
        let att = Attribution { span, actors };
        if had_cue || evidence.is_some() {
            if !att.actors.is_empty() || chain.iter().all(|&i| mentions[i].kind == MentionKind::Generic) {
                self.carried = Some(Carried { span: att.span, actors: att.actors.clone(), paragraph });
            }
        }
        Some(att)
    }

    /// All mentions outside quotes, longest first, without overlaps.
    pub fn mentions(&self, v: &View) -> Vec<Mention> {
        let mut found: Vec<Mention> = Vec::new();
        for p in 0..v.len() {
            if let Some((len, kind)) = self.alias_at(v, p) {
                found.push(Mention { s: p, e: p + len, kind });
            }
        }
        let cues = &self.c.cues;
        for (nodes, kind) in [(&cues.generic, MentionKind::Generic), (&cues.office, MentionKind::Office), (&cues.carry, MentionKind::Carry)] {
            if !nodes.is_empty() {
                found.extend(find_all(nodes, v).into_iter().map(|(s, e)| Mention { s, e, kind }));
            }
        }
        found.retain(|m| !(m.s..m.e).any(|p| v.in_quote(p)));
        found.sort_by_key(|m| (m.s, std::cmp::Reverse(m.e)));
        let mut out: Vec<Mention> = Vec::new();
        for m in found {
            if out.last().is_none_or(|l| m.s >= l.e) {
                out.push(m);
            }
        }
        out
    }

    /// The longest alias starting at visible token `p`.
    fn alias_at(&self, v: &View, p: usize) -> Option<(usize, MentionKind)> {
        let list = self.index.by_first.get(&v.ids[p])?;
        list.iter().map(|&i| &self.c.aliases[i]).find_map(|a| {
            let n = a.tokens.len();
            let fits = p + n <= v.len() && v.ids[p..p + n] == a.tokens[..];
            let case_ok = a.exact.as_ref().is_none_or(|x| {
                let (s, e) = v.bytes(p, p + n);
                &v.doc.text[s..e] == x
            });
            (fits && case_ok).then_some((n, a.kind))
        })
    }

    /// Picks the mention the speaker starts from, and whether a cue chose it.
    fn choose(&self, v: &View, mentions: &[Mention], skipped: &[bool], evidence: Option<usize>) -> Option<(usize, bool)> {
        let outside = |(s, _e): &(usize, usize)| !v.in_quote(*s);
        if let Some(&(_, ce)) = find_all(&self.c.cues.source, v).iter().find(|m| outside(m)) {
            if let Some(i) = mentions.iter().position(|m| m.s >= ce && m.s <= ce + 8) {
                return Some((i, true));
            }
        }
        let speech: Vec<(usize, usize)> = find_all(&self.c.cues.speech, v).into_iter().filter(outside).collect();
        let main_cue = speech.iter().find(|&&(s, _)| !v.folded(s).ends_with("ing"));
        let subject = || mentions.iter().position(|m| !skipped[m.s] && evidence.is_none_or(|ev| m.s <= ev));
        match main_cue {
            Some(&(cs, ce)) => {
                let mut rs = cs;
                while rs > 0 && !v.in_quote(rs - 1) {
                    rs -= 1;
                }
                let before = mentions.iter().position(|m| m.s >= rs && m.e <= cs && !skipped[m.s]);
                let after = || mentions.iter().position(|m| m.s >= ce && m.s <= ce + 6);
                let any_before = || mentions.iter().position(|m| m.e <= cs && !skipped[m.s]);
                before.or_else(after).or_else(any_before).map(|i| (i, true))
            }
            None if evidence.is_some() || !speech.is_empty() => subject().map(|i| (i, !speech.is_empty())),
            None => None,
        }
    }

    /// Actor indices of a chain of mentions, resolving offices and carried references.
    fn resolve(&self, mentions: &[Mention], skipped: &[bool], chain: &[usize], paragraph: usize) -> Vec<usize> {
        let mut actors = Vec::new();
        for &i in chain {
            if let MentionKind::Actor(a) = mentions[i].kind {
                if !actors.contains(&a) {
                    actors.push(a);
                }
            }
        }
        if !actors.is_empty() {
            return actors;
        }
        let kinds: Vec<MentionKind> = chain.iter().map(|&i| mentions[i].kind).collect();
        if kinds.contains(&MentionKind::Office) {
            let actor_of = |m: &Mention| match m.kind {
                MentionKind::Actor(a) => Some(a),
                _ => None,
            };
            let unskipped = mentions.iter().filter(|m| !skipped[m.s]).find_map(actor_of);
            let subject = unskipped.or_else(|| mentions.iter().find_map(actor_of));
            if let Some(a) = subject {
                return vec![a];
            }
        }
        if kinds.contains(&MentionKind::Office) || kinds.contains(&MentionKind::Carry) {
            return self.carried_actors(paragraph);
        }
        Vec::new()
    }

    fn carried_actors(&self, paragraph: usize) -> Vec<usize> {
        match &self.carried {
            Some(c) if paragraph <= c.paragraph + 1 => c.actors.clone(),
            _ => Vec::new(),
        }
    }

    /// For a stance sentence with no mention: keep the carried speaker when the sentence opens
    /// inside a quote.
    fn keep_carried(&self, v: &View, mentions: &[Mention], paragraph: usize) -> Option<Attribution> {
        let c = self.carried.as_ref()?;
        let opens_quoted = v.len() > 0 && v.in_quote(0);
        if mentions.is_empty() && opens_quoted && paragraph <= c.paragraph + 1 {
            return Some(Attribution { span: c.span, actors: c.actors.clone() });
        }
        None
    }
}

/// Marks tokens of a leading adverbial phrase and of relative clauses, whose mentions are not
/// the subject ("On Thursday, ...", "Russia, which brokered ..., said").
fn skip_zones(v: &View) -> Vec<bool> {
    let mut skip = vec![false; v.len()];
    let comma = |p: usize| v.folded(p) == ",";
    // "On Monday, in Yerevan, the UN said": skip each leading adverbial up to its comma.
    let mut start = 0;
    while start < v.len() && LEADING.contains(&v.folded(start)) {
        let Some(end) = (start..v.len().min(start + 14)).find(|&p| comma(p)) else { break };
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

/// The chosen mention and the mentions adjacent or coordinated with it.
fn chain_from(v: &View, mentions: &[Mention], first: usize) -> Vec<usize> {
    let mut chain = vec![first];
    if mentions[first].kind == MentionKind::Generic {
        return chain;
    }
    let mut last = first;
    while let Some(next) = mentions.get(last + 1) {
        let gap = mentions[last].e..next.s;
        let adjacent = gap.clone().all(|p| v.folded(p) == "'s");
        let coordinated = gap.clone().all(|p| COORDINATION.contains(&v.folded(p)))
            && matches!(next.kind, MentionKind::Actor(_))
            && gap.len() <= 3;
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
    let last = mentions[*chain.last().unwrap_or(&chain[0])];
    let s = if first.s > 0 && DETERMINERS.contains(&v.folded(first.s - 1)) { first.s - 1 } else { first.s };
    v.bytes(s, last.e)
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
actor UN "United Nations" { alias "United Nations" | "UN" person "Stéphane Dujarric" | "Dujarric" }
cue speech lemma(say add urge express) | "told reporters"
cue source "according to"
cue carry he | she | it | "the statement" | statement
cue generic "world powers"
cue office "foreign ministry" | spokesperson | spokesman
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
    ];

    #[test]
    fn speakers_and_actors() {
        let mut failures = Vec::new();
        let rules = RuleSet::from_sources(&[("t.rules", PACK)]).unwrap_or_else(|e| panic!("{e:?}"));
        for (text, speaker, actors) in CASES {
            let statements = rules.extract_str(text);
            let last = statements.last().unwrap_or_else(|| panic!("no statement in {text:?}"));
            let got = last.speaker.as_ref().map_or("", |s| s.text.as_str());
            let got_actors: Vec<&str> = last.actors.iter().map(String::as_str).collect();
            if (got, got_actors.as_slice()) != (*speaker, *actors) {
                failures.push(format!("{text:?}: got {got:?} {got_actors:?}, want {speaker:?} {actors:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
