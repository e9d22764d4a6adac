//! Token-pattern matching: the compiled pattern automaton ([`Node`]), the interned vocabulary
//! ([`Vocab`]), a sentence's token view ([`View`]) and the leftmost-longest search.
//!
//! Semantics (documented for rule authors in docs/rule-language.md):
//! - patterns see the tokens of one sentence with quote marks removed;
//! - at one start token the longest match wins; after a match the search goes on at its end
//!   (leftmost-longest, non-overlapping), as aho-corasick's `MatchKind::LeftmostLongest`;
//! - a match never has zero length;
//! - guards are searched at every start (overlapping), and block any match they overlap.
//!
//! The matcher knows nothing of labels or speakers: [`crate::RuleSet`] decides what a match means.

mod prefilter;

pub(crate) use prefilter::Prefilter;

use crate::text::{Document, TokenKind};
use rustc_hash::FxHashMap;

/// Id of a folded token that no rule names.
pub(crate) const UNKNOWN: u32 = u32::MAX;

/// The folded tokens named by the rules, interned to ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocab {
    ids: FxHashMap<String, u32>,
    /// The words of up to 16 bytes again, in a table looked up without hashing or comparing
    /// strings: every token of every sentence is looked up ([`View::new`]).
    short: ShortTable,
    words: Vec<String>,
    /// Prefix stems (`condemn*`) by their first byte, with their ids: ids like the words',
    /// that no token gets, but that a sentence "has" when one of its tokens starts with the
    /// stem (see [`View`]'s `present`).
    stems: Vec<Vec<(String, u32)>>,
    /// Ids below this are words and stems of patterns; the words added after
    /// [`Vocab::seal_patterns`] (actor names) are no pattern's, so a sentence's `present` set
    /// leaves them out. 0 until sealed: every id counts.
    pattern_len: usize,
}

impl Vocab {
    /// Marks every id so far as a pattern's: words interned later (actor names) are never
    /// needed by a pattern.
    pub fn seal_patterns(&mut self) {
        self.pattern_len = self.words.len();
    }

    /// The number of ids a pattern may need.
    fn pattern_ids(&self) -> usize {
        if self.pattern_len == 0 {
            self.words.len()
        } else {
            self.pattern_len
        }
    }

    /// The id of `word`, added if new.
    pub fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.ids.get(word) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(word.to_string(), id);
        self.short.insert(word, id);
        self.words.push(word.to_string());
        id
    }

    /// The id of `word`, or [`UNKNOWN`].
    pub fn get(&self, word: &str) -> u32 {
        match ShortKey::of(word) {
            Some(key) => self.short.get(key),
            None => self.ids.get(word).copied().unwrap_or(UNKNOWN),
        }
    }

    /// The id of prefix stem `stem` (not empty), added if new.
    pub fn stem(&mut self, stem: &str) -> u32 {
        let Some(&b) = stem.as_bytes().first() else {
            return UNKNOWN;
        };
        if self.stems.is_empty() {
            self.stems = vec![Vec::new(); 256];
        }
        if let Some(&(_, id)) = self.stems[b as usize].iter().find(|(s, _)| s == stem) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(format!("{stem}*"));
        self.stems[b as usize].push((stem.to_string(), id));
        id
    }

    /// True if `id` is a prefix stem's ([`Vocab::stem`]), not a word's.
    pub fn is_stem(&self, id: u32) -> bool {
        self.stems.iter().flatten().any(|&(_, stem)| stem == id)
    }

    /// Calls `f` with the id of every stem `word` starts with.
    fn stems_of(&self, word: &str, mut f: impl FnMut(u32)) {
        let Some(bucket) = (word.as_bytes().first()).and_then(|&b| self.stems.get(b as usize))
        else {
            return;
        };
        for (stem, id) in bucket {
            if word.starts_with(stem.as_str()) {
                f(*id);
            }
        }
    }

    /// How many words and stems.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// The word of an id.
    pub fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", String::as_str)
    }
}

/// A word of up to 16 bytes as two little-endian words, zero-padded, and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct ShortKey(u64, u64, u32);

/// Up to eight bytes as a little-endian word, zero-padded, read in at most two overlapping
/// fixed-size loads (no copy through a buffer: this runs for every token).
fn low_bytes(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let at = |i: usize, w: usize| -> u64 {
        let mut v = 0u64;
        for (k, &b) in bytes[i..i + w].iter().enumerate() {
            v |= u64::from(b) << (8 * k);
        }
        v
    };
    match n {
        8 => u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])),
        4..=7 => {
            let lo = u64::from(u32::from_le_bytes(bytes[..4].try_into().unwrap_or([0; 4])));
            let hi = u64::from(u32::from_le_bytes(
                bytes[n - 4..].try_into().unwrap_or([0; 4]),
            ));
            lo | hi << (8 * (n - 4))
        }
        2 | 3 => at(0, 2) | at(n - 2, 2) << (8 * (n - 2)),
        1 => u64::from(bytes[0]),
        _ => 0,
    }
}

impl ShortKey {
    fn of(word: &str) -> Option<ShortKey> {
        let bytes = word.as_bytes();
        let len = bytes.len();
        let key = match len {
            0..=8 => ShortKey(low_bytes(bytes), 0, len as u32),
            9..=16 => {
                // The last eight bytes, shifted down past those already in the first word.
                let last = u64::from_le_bytes(bytes[len - 8..].try_into().unwrap_or([0; 8]));
                ShortKey(low_bytes(&bytes[..8]), last >> (8 * (16 - len)), len as u32)
            }
            _ => return None,
        };
        Some(key)
    }

    fn hash(self) -> u64 {
        (self.0 ^ self.1.rotate_left(29) ^ u64::from(self.2).rotate_left(53))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Open addressing over [`ShortKey`]s, linear probing, at most 70% full. Each slot is only
/// a 32-bit tag of the key's hash and the id (8 bytes: the table of the default pack fits
/// in 64 KiB, so lookups stay in cache); the keys themselves are kept by id and compared
/// only when the tag matches.
#[derive(Debug, Clone, Default)]
struct ShortTable {
    /// A power of two of `(tag, id)` slots; `UNKNOWN` as id marks an empty one.
    slots: Vec<(u32, u32)>,
    /// The key of each id in the table (other ids keep the default key, never compared).
    keys: Vec<ShortKey>,
    len: usize,
}

impl ShortTable {
    fn get(&self, key: ShortKey) -> u32 {
        if self.slots.is_empty() {
            return UNKNOWN;
        }
        let hash = key.hash();
        let (tag, mask) = (hash as u32, self.slots.len() - 1);
        let mut i = (hash >> 32) as usize & mask;
        loop {
            let (t, id) = self.slots[i];
            if id == UNKNOWN || (t == tag && self.keys[id as usize] == key) {
                return id;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a word of up to 16 bytes (longer words are left to the hash map).
    fn insert(&mut self, word: &str, id: u32) {
        let Some(key) = ShortKey::of(word) else {
            return;
        };
        if self.get(key) != UNKNOWN {
            return;
        }
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![(0, UNKNOWN); (old.len() * 2).max(64)];
            for (_, v) in old.into_iter().filter(|&(_, v)| v != UNKNOWN) {
                self.put(self.keys[v as usize], v);
            }
        }
        if self.keys.len() <= id as usize {
            self.keys.resize(id as usize + 1, ShortKey::default());
        }
        self.keys[id as usize] = key;
        self.put(key, id);
        self.len += 1;
    }

    /// Puts `id` in the first free slot from `key`'s hash.
    fn put(&mut self, key: ShortKey, id: u32) {
        let hash = key.hash();
        let mask = self.slots.len() - 1;
        let mut i = (hash >> 32) as usize & mask;
        while self.slots[i].1 != UNKNOWN {
            i = (i + 1) & mask;
        }
        self.slots[i] = (hash as u32, id);
    }
}

/// A compiled pattern over token ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// One token.
    Tok(u32),
    /// Any token starting with this folded stem; its id in the vocabulary ([`Vocab::stem`]).
    Prefix(String, u32),
    /// In a row.
    Seq(Vec<Node>),
    /// Any one of.
    Alt(Vec<Node>),
    /// The node or nothing.
    Opt(Box<Node>),
    /// Between a and b tokens of any kind.
    Gap(u32, u32),
    /// Any one of these token ids, as a bit set (bit `id` of word `id / 64`). Made only by
    /// [`Patterns`] from alternatives of single tokens, for matching; rules never contain it.
    Set(Vec<u64>),
    /// Alternatives that each start with a known token: the sorted first tokens, and for each
    /// what must follow it. Made only by [`Patterns`], like [`Node::Set`]: one binary search
    /// instead of trying each alternative.
    Dispatch(Vec<u32>, Vec<Node>),
    /// The node, tried only at a token of this bit set (the ids a match of it can start
    /// with). Made only by [`Patterns`] around the alternatives and sequences inside a
    /// sequence, which are tried at every position a gap before them reaches.
    Gate(Vec<u64>, Box<Node>),
}

/// True if bit `id` is set in `bits`.
fn has_bit(bits: &[u64], id: u32) -> bool {
    let word = (id / 64) as usize;
    word < bits.len() && bits[word] & (1 << (id % 64)) != 0
}

/// Sets bit `id` in `bits`.
fn set_bit(bits: &mut Vec<u64>, id: u32) {
    let word = (id / 64) as usize;
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (id % 64);
}

/// The ids whose bits are set.
fn bit_ids(bits: &[u64]) -> impl Iterator<Item = u32> + '_ {
    bits.iter().enumerate().flat_map(|(w, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            (rest != 0).then(|| {
                let id = w as u32 * 64 + rest.trailing_zeros();
                rest &= rest - 1;
                id
            })
        })
    })
}

/// The most tokens of a set that starts a sequence for the sequence to be keyed on each of
/// them ([`dispatch`]): a lemma's forms, a short word list.
const MAX_KEYS_OF_SET: usize = 16;

/// The first tokens a sequence of two or more items can be keyed on in a [`Node::Dispatch`]:
/// its first item's, when that is a known token or a small set of them.
fn keys(node: &Node) -> Option<Vec<u32>> {
    let Node::Seq(items) = node else {
        return None;
    };
    if items.len() < 2 {
        return None;
    }
    match &items[0] {
        Node::Tok(id) if *id != UNKNOWN => Some(vec![*id]),
        Node::Set(bits) => {
            let ids: Vec<u32> = bit_ids(bits).collect();
            (ids.len() <= MAX_KEYS_OF_SET).then_some(ids)
        }
        _ => None,
    }
}

/// Groups the alternatives that are sequences starting with a token (or a small set of
/// tokens) into one [`Node::Dispatch`] (when at least four are), keeping the others as they
/// are.
fn dispatch(alternatives: Vec<Node>) -> Vec<Node> {
    if alternatives.iter().filter(|n| keys(n).is_some()).count() < 4 {
        return alternatives;
    }
    let mut pairs: Vec<(u32, Node)> = Vec::new();
    let mut others = Vec::new();
    for alt in alternatives {
        match (keys(&alt), alt) {
            (Some(ids), Node::Seq(mut items)) => {
                items.remove(0);
                let rest = if items.len() == 1 {
                    items.remove(0)
                } else {
                    Node::Seq(items)
                };
                pairs.extend(ids.into_iter().map(|id| (id, rest.clone())));
            }
            (_, other) => others.push(other),
        }
    }
    pairs.sort_by_key(|(id, _)| *id);
    let mut keys: Vec<u32> = Vec::new();
    let mut rests: Vec<Node> = Vec::new();
    for (id, rest) in pairs {
        if keys.last() == Some(&id) {
            let last = rests.pop().unwrap_or(Node::Alt(Vec::new()));
            rests.push(match last {
                Node::Alt(mut alts) => {
                    alts.push(rest);
                    Node::Alt(alts)
                }
                one => Node::Alt(vec![one, rest]),
            });
        } else {
            keys.push(id);
            rests.push(rest);
        }
    }
    others.insert(0, Node::Dispatch(keys, rests));
    others
}

/// `node` behind a [`Node::Gate`] of its first tokens, when it is an alternative or a
/// sequence, always starts with a known token, and never matches nothing.
fn gate(node: Node) -> Node {
    if !matches!(node, Node::Alt(_) | Node::Seq(_) | Node::Dispatch(..)) {
        return node;
    }
    let mut first = First::default();
    match first.add(&node) {
        Some(false) if first.stems.is_empty() => Node::Gate(first.ids, Box::new(node)),
        _ => node,
    }
}

/// The matching form of `node`: alternatives of single tokens become one [`Node::Set`], so
/// that a lemma's forms or a word list cost one bit test instead of a call each, and nested
/// alternatives are flattened.
fn optimise(node: &Node) -> Node {
    match node {
        Node::Seq(items) => {
            let items: Vec<Node> = items.iter().map(|i| gate(optimise(i))).collect();
            if items.len() == 1 {
                items.into_iter().next().unwrap_or(Node::Seq(Vec::new()))
            } else {
                Node::Seq(items)
            }
        }
        Node::Opt(inner) => Node::Opt(Box::new(optimise(inner))),
        Node::Alt(items) => {
            let mut bits = Vec::new();
            let mut others = Vec::new();
            let mut todo: Vec<Node> = items.iter().map(optimise).collect();
            while let Some(item) = todo.pop() {
                match item {
                    Node::Tok(id) if id != UNKNOWN => set_bit(&mut bits, id),
                    Node::Tok(_) => {}
                    Node::Set(b) => bit_ids(&b).for_each(|id| set_bit(&mut bits, id)),
                    Node::Alt(inner) => todo.extend(inner),
                    other => others.push(other),
                }
            }
            others.reverse();
            let mut others = dispatch(others);
            if !bits.is_empty() {
                others.insert(0, Node::Set(bits));
            }
            match others.len() {
                0 => Node::Alt(Vec::new()),
                1 => others.remove(0),
                _ => Node::Alt(others),
            }
        }
        other => other.clone(),
    }
}

impl Node {
    /// True if the node may match no token at all (an optional, a gap from 0, ...).
    pub fn nullable(&self) -> bool {
        match self {
            Node::Opt(_) => true,
            Node::Gap(lo, _) => *lo == 0,
            Node::Seq(items) => items.iter().all(Node::nullable),
            Node::Alt(items) | Node::Dispatch(_, items) => items.iter().any(Node::nullable),
            Node::Gate(_, inner) => inner.nullable(),
            Node::Tok(_) | Node::Prefix(..) | Node::Set(_) => false,
        }
    }

    /// What every match contains, as clauses: for each clause, a match has at least one of its
    /// token (or stem) ids. Empty when nothing is required (an optional, a gap). A sequence
    /// needs what each of its items needs; alternatives need one clause, the union of each
    /// alternative's cheapest by `cost` (an estimate of how common a clause's tokens are).
    pub fn needs(&self, cost: &impl Fn(&[u32]) -> u64) -> Vec<Vec<u32>> {
        match self {
            Node::Tok(id) => vec![vec![*id]],
            Node::Set(bits) => vec![bit_ids(bits).collect()],
            Node::Dispatch(keys, _) => vec![keys.clone()],
            Node::Gate(_, inner) => inner.needs(cost),
            Node::Prefix(_, id) if *id != UNKNOWN => vec![vec![*id]],
            Node::Prefix(..) | Node::Opt(_) | Node::Gap(..) => Vec::new(),
            Node::Seq(items) => items.iter().flat_map(|i| i.needs(cost)).collect(),
            Node::Alt(items) => {
                let mut union = Vec::new();
                for i in items {
                    let needs = i.needs(cost);
                    match needs.into_iter().min_by_key(|c| cost(c)) {
                        Some(cheapest) => union.extend(cheapest),
                        None => return Vec::new(),
                    }
                }
                union.sort_unstable();
                union.dedup();
                vec![union]
            }
        }
    }

    /// The fixed token sequences this node matches, if it is only phrases and alternatives.
    pub fn phrases(&self) -> Option<Vec<Vec<u32>>> {
        match self {
            Node::Tok(id) => Some(vec![vec![*id]]),
            Node::Set(bits) => Some(bit_ids(bits).map(|id| vec![id]).collect()),
            Node::Dispatch(..) | Node::Gate(..) => None,
            Node::Alt(items) => {
                let mut all = Vec::new();
                for i in items {
                    all.extend(i.phrases()?);
                }
                Some(all)
            }
            Node::Seq(items) => {
                let mut acc = vec![Vec::new()];
                for i in items {
                    let ps = i.phrases()?;
                    if acc.len() * ps.len() > 64 {
                        return None;
                    }
                    acc = acc
                        .iter()
                        .flat_map(|a| ps.iter().map(move |p| [a.clone(), p.clone()].concat()))
                        .collect();
                }
                Some(acc)
            }
            _ => None,
        }
    }
}

/// The tokens of one sentence as the matcher sees them: quote marks removed, ids resolved.
#[derive(Debug)]
pub(crate) struct View<'d> {
    /// The document.
    pub doc: &'d Document<'d>,
    /// Token ids, one per visible token.
    pub ids: Vec<u32>,
    /// For each visible token, its index in `doc.tokens`.
    pub idx: Vec<usize>,
    /// The ids of `ids`, and of the stems its tokens start with, as a bit set over the
    /// vocabulary, for the needs of patterns.
    present: Vec<u64>,
    /// The same ids as a list, each once, in the order first seen: for the prefilter.
    pub distinct: Vec<u32>,
    /// [`sig_bit`] of each of those ids, or-ed: a 64-bit signature of the sentence.
    pub sig: u64,
    /// The sentence's index in `doc.sentences`.
    pub sentence: usize,
}

impl<'d> View<'d> {
    /// The view of sentence `s` of `doc`.
    pub fn new(doc: &'d Document<'d>, s: usize, vocab: &Vocab) -> Self {
        let range = doc.sentences[s].tokens.clone();
        let mut ids = Vec::with_capacity(range.len());
        let mut idx = Vec::with_capacity(range.len());
        let limit = vocab.pattern_ids();
        let mut present = vec![0u64; limit.div_ceil(64)];
        let mut distinct = Vec::with_capacity(range.len());
        let mut has = |id: u32| {
            let (word, bit) = ((id / 64) as usize, 1 << (id % 64));
            if (id as usize) < limit && present[word] & bit == 0 {
                present[word] |= bit;
                distinct.push(id);
            }
        };
        for i in range {
            let t = &doc.tokens[i];
            if t.kind != TokenKind::Quote {
                let folded = t.folded(doc.text);
                let id = vocab.get(folded);
                if id != UNKNOWN {
                    has(id);
                }
                vocab.stems_of(folded, &mut has);
                ids.push(id);
                idx.push(i);
            }
        }
        let sig = distinct.iter().fold(0, |s, &id| s | sig_bit(id));
        View {
            doc,
            ids,
            idx,
            present,
            distinct,
            sig,
            sentence: s,
        }
    }

    /// The number of visible tokens.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The folded form of visible token `p`.
    pub fn folded(&self, p: usize) -> &str {
        self.doc.tokens[self.idx[p]].folded(self.doc.text)
    }

    /// The byte range in the original text of visible tokens `s..e`.
    pub fn bytes(&self, s: usize, e: usize) -> (usize, usize) {
        (
            self.doc.tokens[self.idx[s]].start,
            self.doc.tokens[self.idx[e - 1]].end,
        )
    }

    /// True if the visible token `p` is inside a quotation.
    pub fn in_quote(&self, p: usize) -> bool {
        self.doc.tokens[self.idx[p]].in_quote
    }
}

/// Pushes every end position of a match of `node` starting at `pos`.
fn ends(node: &Node, v: &View, pos: usize, out: &mut Vec<usize>) {
    match node {
        Node::Tok(id) => {
            if pos < v.len() && v.ids[pos] == *id {
                out.push(pos + 1);
            }
        }
        Node::Set(bits) => {
            if pos < v.len() && has_bit(bits, v.ids[pos]) {
                out.push(pos + 1);
            }
        }
        Node::Dispatch(keys, rests) => {
            if let Some(Ok(i)) = v.ids.get(pos).map(|id| keys.binary_search(id)) {
                ends(&rests[i], v, pos + 1, out);
            }
        }
        Node::Gate(first, inner) => {
            if v.ids.get(pos).is_some_and(|&id| has_bit(first, id)) {
                ends(inner, v, pos, out);
            }
        }
        Node::Prefix(stem, _) => {
            if pos < v.len() && v.folded(pos).starts_with(stem.as_str()) {
                out.push(pos + 1);
            }
        }
        Node::Gap(lo, hi) => {
            let last = (pos + *hi as usize).min(v.len());
            out.extend((pos + *lo as usize)..=last);
        }
        Node::Opt(inner) => {
            out.push(pos);
            ends(inner, v, pos, out);
        }
        Node::Alt(items) => {
            for i in items {
                ends(i, v, pos, out);
            }
        }
        Node::Seq(items) => {
            let mut cur = vec![pos];
            for item in items {
                cur = step(item, v, &cur);
                if cur.is_empty() {
                    return;
                }
            }
            out.extend(cur);
        }
    }
}

/// The ends of the matches of `node` starting at `pos`, as a bit set relative to `pos` (bit
/// `i` set: a match ends at `pos + i`). `None` when an end may lie 128 or more tokens away;
/// the caller then falls back to [`ends`]. This is the matcher's hot path: no allocation.
fn mask(node: &Node, v: &View, pos: usize) -> Option<u128> {
    let len = v.len();
    Some(match node {
        Node::Tok(id) => u128::from(pos < len && v.ids[pos] == *id) << 1,
        Node::Set(bits) => u128::from(pos < len && has_bit(bits, v.ids[pos])) << 1,
        Node::Dispatch(keys, rests) => {
            let Some(Ok(i)) = v.ids.get(pos).map(|id| keys.binary_search(id)) else {
                return Some(0);
            };
            let m = mask(&rests[i], v, pos + 1)?;
            if m.leading_zeros() == 0 {
                return None;
            }
            m << 1
        }
        Node::Gate(first, inner) => {
            if pos < len && has_bit(first, v.ids[pos]) {
                mask(inner, v, pos)?
            } else {
                0
            }
        }
        Node::Prefix(stem, _) => {
            u128::from(pos < len && v.folded(pos).starts_with(stem.as_str())) << 1
        }
        Node::Gap(lo, hi) => {
            let (lo, hi) = (*lo as usize, (*hi as usize).min(len.saturating_sub(pos)));
            if lo > hi {
                0
            } else if hi >= 128 {
                return None;
            } else {
                let upto = if hi == 127 {
                    u128::MAX
                } else {
                    (1u128 << (hi + 1)) - 1
                };
                upto & !((1u128 << lo) - 1)
            }
        }
        Node::Opt(inner) => 1 | mask(inner, v, pos)?,
        Node::Alt(items) => {
            let mut m = 0;
            for i in items {
                m |= mask(i, v, pos)?;
            }
            m
        }
        Node::Seq(items) => {
            let mut cur: u128 = 1;
            for item in items {
                let mut next = 0;
                let mut rest = cur;
                while rest != 0 {
                    let b = rest.trailing_zeros();
                    rest &= rest - 1;
                    let p = pos + b as usize;
                    // One-token items are tested here, without a call per position.
                    let m = match item {
                        Node::Tok(id) => u128::from(p < len && v.ids[p] == *id) << 1,
                        Node::Set(bits) => u128::from(p < len && has_bit(bits, v.ids[p])) << 1,
                        Node::Gate(first, _) if p >= len || !has_bit(first, v.ids[p]) => 0,
                        _ => mask(item, v, p)?,
                    };
                    if m != 0 {
                        if m.leading_zeros() < b {
                            return None;
                        }
                        next |= m << b;
                    }
                }
                if next == 0 {
                    return Some(0);
                }
                cur = next;
            }
            cur
        }
    })
}

/// The ends, sorted and without repeats, of the matches of `item` starting at any of `from`:
/// one step of a sequence.
fn step(item: &Node, v: &View, from: &[usize]) -> Vec<usize> {
    let mut next = Vec::new();
    for &p in from {
        ends(item, v, p, &mut next);
    }
    next.sort_unstable();
    next.dedup();
    next
}

/// The end of the longest non-empty match of `node` starting at `pos`.
fn longest_of(node: &Node, v: &View, pos: usize) -> Option<usize> {
    match mask(node, v, pos) {
        Some(m) => {
            let m = m >> 1;
            (m != 0).then(|| pos + 128 - m.leading_zeros() as usize)
        }
        None => {
            let mut buf = Vec::new();
            ends(node, v, pos, &mut buf);
            buf.into_iter().filter(|&e| e > pos).max()
        }
    }
}

/// The longest non-empty match of any of `patterns` starting at `pos`.
pub(crate) fn longest_at(patterns: &[Node], v: &View, pos: usize) -> Option<usize> {
    patterns.iter().filter_map(|p| longest_of(p, v, pos)).max()
}

/// The tokens a non-empty match can start with: ids and prefix stems. `None` when a match
/// may start with any token (a leading gap).
#[derive(Debug, Clone, Default)]
pub(crate) struct First {
    /// A bit per token id.
    ids: Vec<u64>,
    stems: Vec<String>,
}

impl First {
    /// The first tokens of `patterns`, or `None` when any token may start a match.
    fn of(patterns: &[Node]) -> Option<First> {
        let mut f = First::default();
        for p in patterns {
            f.add(p)?;
        }
        Some(f)
    }

    /// Adds the first tokens of `node`; returns whether `node` can match nothing (so what
    /// follows it can start a match too), or `None` for "any token".
    fn add(&mut self, node: &Node) -> Option<bool> {
        match node {
            Node::Tok(id) => {
                if *id != UNKNOWN {
                    set_bit(&mut self.ids, *id);
                }
                Some(false)
            }
            Node::Set(bits) => {
                bit_ids(bits).for_each(|id| set_bit(&mut self.ids, id));
                Some(false)
            }
            Node::Dispatch(keys, _) => {
                keys.iter().for_each(|&id| set_bit(&mut self.ids, id));
                Some(false)
            }
            Node::Gate(_, inner) => self.add(inner),
            Node::Prefix(stem, _) => {
                self.stems.push(stem.clone());
                Some(false)
            }
            Node::Gap(..) => None,
            Node::Opt(inner) => {
                self.add(inner)?;
                Some(true)
            }
            Node::Alt(items) => {
                let mut empty = false;
                for i in items {
                    empty |= self.add(i)?;
                }
                Some(empty)
            }
            Node::Seq(items) => {
                for i in items {
                    if !self.add(i)? {
                        return Some(false);
                    }
                }
                Some(true)
            }
        }
    }

    /// True if a match may start at visible token `p`.
    fn allows(&self, v: &View, p: usize) -> bool {
        has_bit(&self.ids, v.ids[p])
            || (!self.stems.is_empty()
                && self
                    .stems
                    .iter()
                    .any(|s| v.folded(p).starts_with(s.as_str())))
    }
}

/// What a match needs in a sentence ([`Node::needs`]): clauses, each a sparse bit set over
/// the vocabulary (`(word index, bits)` pairs); every clause must share a token with the
/// sentence. Checked against [`View`]'s `present` set: a few word tests per clause, however
/// many forms a lemma or lexicon has.
#[derive(Debug, Clone, Default)]
pub(crate) struct Need {
    clauses: Vec<Vec<(u32, u64)>>,
}

impl Need {
    /// The needs of `node`, alternatives choosing by `cost` ([`Node::needs`]), clauses in
    /// order of `cost`, cheapest first (it fails fastest).
    fn of(node: &Node, cost: &impl Fn(&[u32]) -> u64) -> Need {
        let mut needs = node.needs(cost);
        needs.sort_by_cached_key(|c| cost(c));
        let clauses = needs
            .into_iter()
            .map(|ids| {
                let mut bits = Vec::new();
                // An id no rule names (`UNKNOWN`) is never present: it adds nothing, and a
                // clause of only that is empty, which no sentence satisfies.
                (ids.iter().filter(|&&id| id != UNKNOWN)).for_each(|&id| set_bit(&mut bits, id));
                (bits.iter().enumerate())
                    .filter(|(_, &b)| b != 0)
                    .map(|(w, &b)| (w as u32, b))
                    .collect()
            })
            .collect();
        Need { clauses }
    }

    /// True if the sentence meets one clause, or there are none.
    fn touched(&self, v: &View) -> bool {
        self.clauses.is_empty() || self.clauses.iter().any(|c| Self::met(c, v))
    }

    /// True if the clause shares a token with the sentence.
    fn met(clause: &[(u32, u64)], v: &View) -> bool {
        clause
            .iter()
            .any(|&(w, b)| v.present.get(w as usize).is_some_and(|&have| have & b != 0))
    }

    /// True if every clause shares a token with the sentence.
    fn holds(&self, v: &View) -> bool {
        self.clauses.iter().all(|c| Self::met(c, v))
    }

    /// The token ids of each clause.
    pub fn clauses(&self) -> impl Iterator<Item = Vec<u32>> + '_ {
        self.clauses.iter().map(|c| clause_ids(c))
    }
}

/// The token ids of a sparse clause.
fn clause_ids(clause: &[(u32, u64)]) -> Vec<u32> {
    let mut ids = Vec::new();
    for &(w, mut b) in clause {
        while b != 0 {
            ids.push(w * 64 + b.trailing_zeros());
            b &= b - 1;
        }
    }
    ids
}

/// One pattern in its matching form.
#[derive(Debug, Clone)]
struct Fast {
    /// The pattern, [`optimise`]d.
    node: Node,
    /// The tokens a match may start with (`None`: any).
    first: Option<First>,
    /// What every match needs in the sentence.
    need: Need,
}

/// Alternative patterns with their first tokens and needs worked out once, at compile time.
/// Derefs to the nodes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Patterns {
    /// As compiled: the structure lints and `explain` follow.
    nodes: Vec<Node>,
    /// The same in matching form: each is tried only at the starts it can match from, and
    /// only in sentences that have what it needs.
    fast: Vec<Fast>,
    first: Option<First>,
}

/// The bit of token or stem id `id` in 64-bit signatures of id sets ([`View`]'s `sig`): if
/// a set has an id, its signature has that id's bit.
pub(crate) fn sig_bit(id: u32) -> u64 {
    1 << (id.wrapping_mul(0x9E37_79B9) >> 26)
}

/// The live bit of pattern `i`: patterns past the 64th share the last bit.
pub(crate) fn live_bit(i: usize) -> u64 {
    1 << i.min(63)
}

impl Patterns {
    /// Patterns of these nodes.
    pub fn new(nodes: Vec<Node>) -> Self {
        let first = First::of(&nodes);
        let fast = nodes.iter().map(Self::fast).collect();
        Patterns { nodes, fast, first }
    }

    /// The matching form of one pattern. It needs nothing (it is live in every sentence)
    /// until [`Patterns::rank`] works its needs out, once the rarity of tokens is known.
    fn fast(node: &Node) -> Fast {
        Fast {
            node: optimise(node),
            first: First::of(std::slice::from_ref(node)),
            need: Need::default(),
        }
    }

    /// What each pattern needs, in order.
    pub fn needs(&self) -> impl Iterator<Item = &Need> {
        self.fast.iter().map(|f| &f.need)
    }

    /// Works out each pattern's needs with `cost`, an estimate of how common a clause's
    /// tokens are ([`Need::of`]): rarer needs call up and try fewer patterns.
    pub fn rank(&mut self, cost: &impl Fn(&[u32]) -> u64) {
        for (f, node) in self.fast.iter_mut().zip(&self.nodes) {
            f.need = Need::of(node, cost);
        }
    }

    /// The patterns that may match in the sentence (it has what they need), as bits by
    /// pattern index ([`live_bit`]).
    pub fn live(&self, v: &View) -> u64 {
        self.live_among(v, u64::MAX)
    }

    /// True if the sentence meets part of what one pattern needs (for `explain`, which shows
    /// how far such patterns get).
    pub fn touched(&self, v: &View) -> bool {
        self.fast.iter().any(|f| f.need.touched(v))
    }

    /// [`Patterns::live`], testing only the patterns whose bits are set in `candidates`.
    pub fn live_among(&self, v: &View, candidates: u64) -> u64 {
        let mut live = 0u64;
        for (i, f) in self.fast.iter().enumerate() {
            let bit = live_bit(i);
            if candidates & bit != 0 && live & bit == 0 && f.need.holds(v) {
                live |= bit;
            }
        }
        live
    }

    /// The end of the longest non-empty match of the `live` patterns starting at `pos`.
    fn longest_live(&self, v: &View, pos: usize, live: u64) -> Option<usize> {
        (self.fast.iter().enumerate())
            .filter(|(i, f)| {
                live & live_bit(*i) != 0 && f.first.as_ref().is_none_or(|f| f.allows(v, pos))
            })
            .filter_map(|(_, f)| longest_of(&f.node, v, pos))
            .max()
    }

    /// The longest match at every start (overlapping) of the `live` patterns, for guards.
    pub fn find_overlapping(&self, v: &View, live: u64) -> Vec<(usize, usize)> {
        overlapping(self, v, live)
    }

    /// Leftmost-longest, non-overlapping matches starting only at `starts` (in increasing
    /// order), trying only the patterns `live` in the sentence ([`Patterns::live`]).
    pub fn find_at(
        &self,
        v: &View,
        starts: impl IntoIterator<Item = usize>,
        live: u64,
    ) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut next = 0;
        for pos in starts {
            if pos < next {
                continue;
            }
            if let Some(end) = self.longest_live(v, pos, live) {
                out.push((pos, end));
                next = end;
            }
        }
        out
    }

    /// The end of the longest non-empty match of any pattern starting at visible token `pos`
    /// (none at or past the end of the sentence), each tried in its matching form and only
    /// if it may start there.
    pub fn longest_at(&self, v: &View, pos: usize) -> Option<usize> {
        if pos >= v.len() {
            return None;
        }
        self.longest_live(v, pos, u64::MAX)
    }

    /// True if a match may start at visible token `p` (a cheap test of its first token).
    pub fn may_start_at(&self, v: &View, p: usize) -> bool {
        !self.nodes.is_empty() && self.first.as_ref().is_none_or(|f| f.allows(v, p))
    }

    /// Adds a node (at compile time).
    pub fn push(&mut self, node: Node) {
        self.fast.push(Self::fast(&node));
        self.nodes.push(node);
        self.first = First::of(&self.nodes);
    }
}

impl std::ops::Deref for Patterns {
    type Target = [Node];
    fn deref(&self) -> &[Node] {
        &self.nodes
    }
}

/// Something to search for: compiled [`Patterns`], or plain nodes (their first tokens are
/// then worked out per search).
pub(crate) trait Search {
    /// The patterns that may match in the sentence, as bits ([`Patterns::live`]; all for
    /// plain nodes).
    fn live(&self, _v: &View) -> u64 {
        u64::MAX
    }
    /// The end of the longest non-empty match of the `live` patterns starting at visible
    /// token `pos`.
    fn longest_at(&self, v: &View, pos: usize, live: u64) -> Option<usize>;
    /// Calls `f` with the first tokens (`None`: any token may start a match).
    fn with_first<R>(&self, f: impl FnOnce(Option<&First>) -> R) -> R;
}

impl Search for Patterns {
    fn live(&self, v: &View) -> u64 {
        Patterns::live(self, v)
    }
    fn longest_at(&self, v: &View, pos: usize, live: u64) -> Option<usize> {
        self.longest_live(v, pos, live)
    }
    fn with_first<R>(&self, f: impl FnOnce(Option<&First>) -> R) -> R {
        f(self.first.as_ref())
    }
}

impl Search for [Node] {
    fn longest_at(&self, v: &View, pos: usize, _live: u64) -> Option<usize> {
        longest_at(self, v, pos)
    }
    fn with_first<R>(&self, f: impl FnOnce(Option<&First>) -> R) -> R {
        f(First::of(self).as_ref())
    }
}

/// Calls `f` with each position where a match of `s` may start, in order; `f` returns the
/// position before which no start is wanted any more.
fn for_starts<S: Search + ?Sized>(s: &S, v: &View, mut f: impl FnMut(usize) -> usize) {
    s.with_first(|first| {
        let mut next = 0;
        for p in 0..v.len() {
            if p >= next && first.is_none_or(|fs| fs.allows(v, p)) {
                next = f(p);
            }
        }
    })
}

/// Leftmost-longest, non-overlapping matches of `patterns`, as visible-token ranges.
pub(crate) fn find_all<S: Search + ?Sized>(patterns: &S, v: &View) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let live = patterns.live(v);
    if live == 0 {
        return out;
    }
    for_starts(patterns, v, |pos| match patterns.longest_at(v, pos, live) {
        Some(end) => {
            out.push((pos, end));
            end
        }
        None => pos,
    });
    out
}

/// The longest match at every start (overlapping), for guards.
pub(crate) fn find_overlapping<S: Search + ?Sized>(patterns: &S, v: &View) -> Vec<(usize, usize)> {
    overlapping(patterns, v, patterns.live(v))
}

/// [`find_overlapping`] of the `live` patterns.
fn overlapping<S: Search + ?Sized>(patterns: &S, v: &View, live: u64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if live == 0 {
        return out;
    }
    for_starts(patterns, v, |pos| {
        if let Some(end) = patterns.longest_at(v, pos, live) {
            out.push((pos, end));
        }
        pos
    });
    out
}

/// How far a sequence of elements gets in a sentence: the most leading elements that match in
/// a row somewhere, and the visible-token range they cover (leftmost such place). For
/// `explain`: a rule that found nothing "got 2 of 3 elements".
pub(crate) fn progress(items: &[Node], v: &View) -> (usize, Option<(usize, usize)>) {
    let mut best = (0, None);
    for start in 0..v.len() {
        let mut cur = vec![start];
        for (k, item) in items.iter().enumerate() {
            let next = step(item, v, &cur);
            if next.is_empty() {
                break;
            }
            let end = *next.last().unwrap_or(&start);
            if k + 1 > best.0 {
                best = (k + 1, (end > start).then_some((start, end)));
            }
            cur = next;
        }
    }
    best
}

/// True if the token ranges share at least one token.
pub(crate) fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::phrase_tokens;

    /// Builds nodes from a tiny notation: words, `a|b` alternatives of single words, `x?`,
    /// `~lo..hi`, `st*`.
    fn compile(pattern: &str, vocab: &mut Vocab) -> Node {
        let items = pattern
            .split_whitespace()
            .map(|w| {
                if let Some(g) = w.strip_prefix('~') {
                    let (lo, hi) = g.split_once("..").unwrap();
                    Node::Gap(lo.parse().unwrap(), hi.parse().unwrap())
                } else if let Some(o) = w.strip_suffix('?') {
                    Node::Opt(Box::new(Node::Tok(vocab.intern(o))))
                } else if let Some(p) = w.strip_suffix('*') {
                    Node::Prefix(p.to_string(), vocab.stem(p))
                } else if w.contains('|') {
                    Node::Alt(w.split('|').map(|x| Node::Tok(vocab.intern(x))).collect())
                } else {
                    let toks: Vec<Node> = phrase_tokens(w)
                        .iter()
                        .map(|t| Node::Tok(vocab.intern(t)))
                        .collect();
                    Node::Seq(toks)
                }
            })
            .collect();
        Node::Seq(items)
    }

    fn run(pattern: &str, text: &str) -> Vec<String> {
        let mut vocab = Vocab::default();
        let node = compile(pattern, &mut vocab);
        let doc = Document::analyse(text);
        let mut out = Vec::new();
        for s in 0..doc.sentences.len() {
            let v = View::new(&doc, s, &vocab);
            for (a, b) in find_all(std::slice::from_ref(&node), &v) {
                let (x, y) = v.bytes(a, b);
                out.push(text[x..y].to_string());
            }
        }
        out
    }

    #[test]
    fn matcher_semantics() {
        // (pattern, text, evidence of every match)
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "exercise restraint",
                "Both sides must exercise restraint.",
                &["exercise restraint"],
            ),
            (
                "exercise restraint",
                "They EXERCISE Restraint",
                &["EXERCISE Restraint"],
            ),
            (
                "exercise maximum? restraint",
                "exercise maximum restraint",
                &["exercise maximum restraint"],
            ),
            (
                "exercise maximum? restraint",
                "exercise restraint",
                &["exercise restraint"],
            ),
            (
                "respect ~0..3 ceasefire",
                "respect the ceasefire",
                &["respect the ceasefire"],
            ),
            (
                "respect ~0..3 ceasefire",
                "respect fully and in good faith the ceasefire",
                &[],
            ),
            (
                "respect ~0..3 ceasefire",
                "respect the existing ceasefire and the ceasefire",
                &["respect the existing ceasefire"],
            ),
            ("escalat*", "avoid escalating tensions", &["escalating"]),
            (
                "de-escalate",
                "urges both sides to de-escalate",
                &["de-escalate"],
            ),
            ("de-escalate", "urges both sides to deescalate", &[]),
            ("cease-fire", "a cease-fire now", &["cease-fire"]),
            (
                "expressed concern",
                "expressed “concern” over",
                &["expressed “concern"],
            ),
            (
                "calm|restraint",
                "calm and restraint",
                &["calm", "restraint"],
            ),
            ("stéphane", "Stephane said", &["Stephane"]),
            (
                "restraint ~0..2",
                "restraint now please",
                &["restraint now please"],
            ),
        ];
        for (pattern, text, want) in cases {
            assert_eq!(run(pattern, text), *want, "{pattern} on {text}");
        }
    }

    #[test]
    fn gaps_never_cross_sentences() {
        assert!(run(
            "respect ~0..6 ceasefire",
            "We respect them. The ceasefire broke."
        )
        .is_empty());
    }

    #[test]
    fn needs_are_what_every_match_contains() {
        // (pattern, the words of each clause, cheapest first by word count)
        let cases: &[(&str, &[&[&str]])] = &[
            (
                "exercise maximum? restraint",
                &[&["exercise"], &["restraint"]],
            ),
            ("escalat* ~0..2", &[&["escalat*"]]),
            ("calm|restraint ~0..3", &[&["calm", "restraint"]]),
            ("~0..2 now?", &[]),
        ];
        for (pattern, want) in cases {
            let mut vocab = Vocab::default();
            let node = compile(pattern, &mut vocab);
            let words = |c: &Vec<u32>| {
                let mut w: Vec<&str> = c.iter().map(|&id| vocab.word(id)).collect();
                w.sort_unstable();
                w
            };
            let got: Vec<Vec<&str>> = node
                .needs(&|c: &[u32]| c.len() as u64)
                .iter()
                .map(words)
                .collect();
            assert_eq!(got, *want, "{pattern}");
        }
    }

    #[test]
    fn vocabulary_lookup_short_and_long_words() {
        let mut vocab = Vocab::default();
        let words: Vec<String> = (0..500)
            .map(|i| format!("w{i}"))
            .chain(
                [
                    "",
                    "a",
                    "exactly16bytes!!",
                    "seventeen-bytes!!",
                    "de-escalation",
                    "ü",
                ]
                .map(String::from),
            )
            .chain((0..40).map(|i| format!("a-much-longer-word-than-sixteen-{i}")))
            .collect();
        for w in &words {
            vocab.intern(w);
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(vocab.get(w), i as u32, "{w:?}");
        }
        // Every length up to 20, and for each a word differing in one byte at each position.
        let mut vocab = Vocab::default();
        let base: Vec<String> = (0..=20)
            .map(|n| "abcdefghijklmnopqrstu"[..n].to_string())
            .collect();
        for w in &base {
            vocab.intern(w);
        }
        for (n, w) in base.iter().enumerate() {
            assert_eq!(vocab.get(w), n as u32, "{w:?}");
            for i in 0..n {
                let mut near = w.clone().into_bytes();
                near[i] = b'z';
                let near = String::from_utf8(near).unwrap_or_default();
                assert_eq!(vocab.get(&near), UNKNOWN, "{near:?}");
            }
        }
        let mut vocab = Vocab::default();
        for w in &words {
            vocab.intern(w);
        }
        // Words that are not there, among them prefixes and extensions of words that are.
        for w in [
            "w",
            "w5000",
            "exactly16bytes!",
            "exactly16bytes!!x",
            "a\0",
            "de-escalatio",
            "seventeen-bytes!",
        ] {
            assert_eq!(vocab.get(w), UNKNOWN, "{w:?}");
        }
    }

    #[test]
    fn overlap_is_sharing_a_token() {
        let cases = [
            ((0, 2), (1, 3), true),
            ((0, 2), (2, 4), false),
            ((3, 4), (0, 9), true),
        ];
        for (a, b, want) in cases {
            assert_eq!(overlaps(a, b), want, "{a:?} {b:?}");
        }
    }
}
