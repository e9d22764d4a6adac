//! The alias index: every actor alias of the pack as a trie over token ids, and the word-class
//! bits of each token id, built once per rule pack so that a sentence is read without string
//! compares. Mention finding (`mod.rs`) walks it.

use super::skip_zones;
use super::words::*;
use crate::compile::Compiled;
use crate::matcher::{View, UNKNOWN};

/// Aliases as a trie over token ids, and the word classes attribution tests tokens for, by
/// token id: built once per rule pack, so that a sentence is read without string compares.
#[derive(Debug, Clone, Default)]
pub(crate) struct AliasIndex {
    /// Trie node of each first token id (`NONE` when no alias starts with it).
    first: Vec<u32>,
    /// Trie node of aliases starting with an `UNKNOWN` id (none from a compiled pack).
    unknown_first: u32,
    /// The trie below the first tokens.
    nodes: Vec<TrieNode>,
    /// Word-class bits ([`F_COMMA`] ...) by token id; ids past the end have none.
    classes: Vec<u32>,
    /// Words of the classes that the vocabulary does not hold: a token with the `UNKNOWN` id
    /// may still be one of them.
    missing: Vec<(&'static str, u32)>,
    /// The lengths (bit `len`, lengths of 63 bytes and more at bit 63) and the first bytes
    /// (bit `byte % 64`) of the `missing` words, to rule most tokens out at once.
    missing_lens: u64,
    missing_firsts: u64,
    /// A speech or source cue pattern has no anchor tokens (it may match anywhere).
    pub(super) speech_always: bool,
    pub(super) source_always: bool,
    /// The id of ":" (`UNKNOWN` when the rules never name it).
    colon: u32,
    /// The frame alternatives and what they need.
    pub(super) frames: super::frames::FrameIndex,
}

/// A trie node: the aliases made of exactly the tokens on the way here, in pack order, and
/// the next tokens, sorted by id.
#[derive(Debug, Clone, Default)]
struct TrieNode {
    aliases: Vec<usize>,
    next: Vec<(u32, u32)>,
}

const NONE: u32 = u32::MAX;

impl AliasIndex {
    /// Indexes the aliases of `c`.
    pub fn new(c: &Compiled) -> Self {
        let mut first: Vec<u32> = Vec::new();
        let mut unknown_first = NONE;
        let mut nodes: Vec<TrieNode> = Vec::new();
        for (i, a) in c.aliases.iter().enumerate() {
            let Some((&t0, rest)) = a.tokens.split_first() else {
                continue;
            };
            let root = if t0 == UNKNOWN {
                &mut unknown_first
            } else {
                let t0 = t0 as usize;
                if first.len() <= t0 {
                    first.resize(t0 + 1, NONE);
                }
                &mut first[t0]
            };
            if *root == NONE {
                *root = nodes.len() as u32;
                nodes.push(TrieNode::default());
            }
            let mut node = *root as usize;
            for &t in rest {
                node = match nodes[node].next.binary_search_by_key(&t, |&(id, _)| id) {
                    Ok(k) => nodes[node].next[k].1 as usize,
                    Err(k) => {
                        let child = nodes.len();
                        nodes[node].next.insert(k, (t, child as u32));
                        nodes.push(TrieNode::default());
                        child
                    }
                };
            }
            nodes[node].aliases.push(i);
        }
        let mut classes: Vec<u32> = Vec::new();
        let mut missing = Vec::new();
        for &(words, class) in CLASSES {
            for &w in words {
                match c.vocab.get(w) {
                    UNKNOWN => match missing.iter_mut().find(|(m, _)| *m == w) {
                        Some((_, bits)) => *bits |= class,
                        None => missing.push((w, class)),
                    },
                    id => {
                        let id = id as usize;
                        if classes.len() <= id {
                            classes.resize(id + 1, 0);
                        }
                        classes[id] |= class;
                    }
                }
            }
        }
        // Every word of the vocabulary.
        for id in 0..c.vocab.len() {
            let bits = affix_bits(c.vocab.word(id as u32).as_bytes());
            if bits != 0 {
                if classes.len() <= id {
                    classes.resize(id + 1, 0);
                }
                classes[id] |= bits;
            }
        }
        for (id, &root) in first.iter().enumerate() {
            if root != NONE {
                if classes.len() <= id {
                    classes.resize(id + 1, 0);
                }
                classes[id] |= F_ALIAS;
            }
        }
        // The anchors of the cue patterns: a cue may only match in a sentence holding a
        // token of its pattern's cheapest needed clause (`Patterns::needs`, ranked rarest
        // first when the pack is loaded).
        let mut anchors = |patterns: &crate::matcher::Patterns, bit: u32| {
            let mut always = false;
            for need in patterns.needs() {
                match need.clauses().next() {
                    // A prefix stem is no token's id: the token bits cannot tell it.
                    None => always = true,
                    Some(ids) if ids.iter().any(|&id| c.vocab.is_stem(id)) => always = true,
                    Some(ids) => {
                        for id in ids.into_iter().filter(|&id| id != UNKNOWN) {
                            let id = id as usize;
                            if classes.len() <= id {
                                classes.resize(id + 1, 0);
                            }
                            classes[id] |= bit;
                        }
                    }
                }
            }
            always
        };
        let speech_always = anchors(&c.cues.speech, F_SPEECH_CUE);
        let source_always = anchors(&c.cues.source, F_SOURCE_CUE);
        let missing_lens = missing
            .iter()
            .fold(0u64, |m, (w, _)| m | 1 << w.len().min(63));
        let missing_firsts = missing
            .iter()
            .fold(0u64, |m, (w, _)| m | 1 << (w.as_bytes()[0] % 64));
        AliasIndex {
            first,
            unknown_first,
            nodes,
            classes,
            missing,
            missing_lens,
            missing_firsts,
            speech_always,
            source_always,
            colon: c.vocab.get(":"),
            frames: super::frames::FrameIndex::new(&c.frames),
        }
    }

    /// True if visible token `p` is ":".
    pub(super) fn is_colon(&self, v: &View, p: usize) -> bool {
        if self.colon != UNKNOWN {
            v.ids[p] == self.colon
        } else {
            v.folded(p) == ":"
        }
    }

    /// The bits of the sentence's tokens, one per visible token, into `out`: word classes,
    /// quotes, names, `chair*` / `*ing`, then the zones [`skip_zones`] marks.
    pub(super) fn sentence_bits(&self, v: &View, out: &mut Vec<u32>) -> u32 {
        out.clear();
        let mut any = 0;
        let text = v.doc.text.as_bytes();
        out.reserve(v.ids.len());
        for (&id, &i) in v.ids.iter().zip(&v.idx) {
            let t = &v.doc.tokens[i];
            let mut bits = if id != UNKNOWN {
                self.classes.get(id as usize).copied().unwrap_or(0)
            } else {
                let folded = if t.fold.is_empty() {
                    &text[t.start..t.end]
                } else {
                    t.fold.as_bytes()
                };
                self.unknown_bits(folded)
            };
            if t.in_quote {
                bits |= F_QUOTE;
            } else if t.kind == crate::text::TokenKind::Word && t.end - t.start > 1 {
                let upper = match text[t.start] {
                    b if b < 0x80 => b.is_ascii_uppercase(),
                    _ => v.doc.text[t.start..t.end]
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase),
                };
                if upper {
                    bits |= F_NAME;
                }
            }
            any |= bits;
            out.push(bits);
        }
        skip_zones(v, out);
        any
    }

    /// The bits of a word the vocabulary does not hold.
    pub(super) fn unknown_bits(&self, folded: &[u8]) -> u32 {
        let mut bits = affix_bits(folded);
        if self.unknown_first != NONE {
            bits |= F_ALIAS;
        }
        if self.missing_lens & 1 << folded.len().min(63) != 0
            && folded
                .first()
                .is_some_and(|b| self.missing_firsts & 1 << (b % 64) != 0)
        {
            for (w, class) in &self.missing {
                if w.as_bytes() == folded {
                    bits |= class;
                }
            }
        }
        bits
    }

    /// The trie node of aliases starting with token id `id`.
    #[inline]
    pub(super) fn root(&self, id: u32) -> Option<usize> {
        let root = if id == UNKNOWN {
            self.unknown_first
        } else {
            self.first.get(id as usize).copied().unwrap_or(NONE)
        };
        (root != NONE).then_some(root as usize)
    }

    /// The longest aliases starting at visible token `p`, from its trie node `node`, `len`
    /// tokens in: `f` picks among the aliases of a node (made of the `len` tokens from `p`),
    /// the deepest node where it picks one wins.
    pub(super) fn longest<T>(
        &self,
        v: &View,
        p: usize,
        node: usize,
        len: usize,
        f: &mut impl FnMut(&[usize], usize) -> Option<T>,
    ) -> Option<T> {
        let n = &self.nodes[node];
        if p + len < v.len() {
            if let Ok(k) = n.next.binary_search_by_key(&v.ids[p + len], |&(t, _)| t) {
                if let Some(t) = self.longest(v, p, n.next[k].1 as usize, len + 1, f) {
                    return Some(t);
                }
            }
        }
        if n.aliases.is_empty() {
            None
        } else {
            f(&n.aliases, len)
        }
    }
}

/// The bits of a folded word for its start and end: [`F_CHAIR`], [`F_ING`].
fn affix_bits(w: &[u8]) -> u32 {
    let mut bits = 0;
    if w.starts_with(b"chair") {
        bits |= F_CHAIR;
    }
    if w.ends_with(b"ing") {
        bits |= F_ING;
    }
    bits
}
