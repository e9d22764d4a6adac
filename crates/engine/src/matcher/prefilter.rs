//! The rule prefilter: which stance rules may match in a sentence, from one pass over its
//! token ids.
//!
//! Every pattern has what it needs ([`Need`]): clauses of token ids, each of which a match
//! must contain one of. The prefilter keys each pattern on one clause, the one whose tokens
//! are least common (estimated from the pack's own examples), so that a sentence's tokens
//! call up only the patterns whose rarest requirement they meet. The caller then checks the
//! rest of those patterns' clauses ([`super::Patterns::live_among`]) and matches only them.
//! The choice of key changes speed, never results: a pattern is a candidate whenever its key
//! clause is met, and a key clause is necessary for a match.
//!
//! Each entry also carries a 64-bit signature of the pattern's second clause ([`sig_bit`] of
//! each of its ids); a sentence whose own signature shares no bit with it cannot meet that
//! clause, so the pattern is not called up. With many rules keyed on common words (ten
//! times the pack, say) this drops most candidates before their needs are read.

use super::{live_bit, sig_bit, Need, Patterns, View};
use std::cell::RefCell;

/// Patterns of one rule called up by one token: the rule, the patterns' bits, and the
/// signature of their second clause (all ones when they have none).
#[derive(Debug, Clone, Copy)]
struct Entry {
    rule: u32,
    bits: u64,
    second: u64,
}

/// Stance rules by the tokens their patterns are keyed on.
#[derive(Debug, Clone, Default)]
pub(crate) struct Prefilter {
    /// For each token id, the entries keyed on it.
    keyed: Vec<Vec<Entry>>,
    /// Patterns that need nothing ([`Need`] without clauses): candidates in every sentence.
    always: Vec<Entry>,
    /// One more than the highest rule index.
    rules: usize,
}

impl Prefilter {
    /// The prefilter of `rules` (index and patterns). Each pattern is keyed on its cheapest
    /// clause: rank the patterns first ([`Patterns::rank`]) to key on the rarest.
    pub fn new<'a>(rules: impl IntoIterator<Item = (usize, &'a Patterns)>) -> Prefilter {
        Self::of_needs(rules.into_iter().map(|(ri, p)| (ri, p.needs().collect())))
    }

    /// [`Prefilter::new`] from what each rule's patterns need, in pattern order (pattern `i`
    /// gets bit [`live_bit`]`(i)` in [`Prefilter::candidates`]).
    pub fn of_needs<'a>(rules: impl IntoIterator<Item = (usize, Vec<&'a Need>)>) -> Prefilter {
        let mut pf = Prefilter::default();
        for (ri, needs) in rules {
            pf.rules = pf.rules.max(ri + 1);
            for (pi, need) in needs.into_iter().enumerate() {
                let second = (need.clauses().nth(1))
                    .map_or(u64::MAX, |ids| ids.iter().fold(0, |s, &id| s | sig_bit(id)));
                let entry = Entry {
                    rule: ri as u32,
                    bits: live_bit(pi),
                    second,
                };
                match need.key() {
                    None => pf.always.push(entry),
                    Some(ids) => {
                        for id in ids {
                            let id = id as usize;
                            if pf.keyed.len() <= id {
                                pf.keyed.resize(id + 1, Vec::new());
                            }
                            pf.keyed[id].push(entry);
                        }
                    }
                }
            }
        }
        for list in &mut pf.keyed {
            merge_rules(list);
        }
        merge_rules(&mut pf.always);
        pf
    }

    /// The candidate rules of a sentence, in index order, each with the bits of its patterns
    /// whose key clause the sentence meets.
    pub fn candidates(&self, v: &View) -> Vec<(usize, u64)> {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let (bits, touched) = &mut *scratch;
            if bits.len() < self.rules {
                bits.resize(self.rules, 0);
                touched.resize(self.rules.div_ceil(64), 0);
            }
            let mut count = 0;
            let mut add = |list: &[Entry]| {
                for e in list.iter().filter(|e| e.second & v.sig != 0) {
                    let slot = &mut bits[e.rule as usize];
                    count += usize::from(*slot == 0);
                    *slot |= e.bits;
                    touched[(e.rule / 64) as usize] |= 1 << (e.rule % 64);
                }
            };
            add(&self.always);
            // The sentence's token and stem ids, each once.
            for &id in &v.distinct {
                if let Some(list) = self.keyed.get(id as usize) {
                    add(list);
                }
            }
            // The touched rules in index order, from their bit set; taking each rule's bits
            // and clearing the set leave the scratch all zeros for the next sentence.
            let mut out = Vec::with_capacity(count);
            for (w, word) in touched.iter_mut().enumerate() {
                let mut rest = std::mem::take(word);
                while rest != 0 {
                    let r = w * 64 + rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    out.push((r, std::mem::take(&mut bits[r])));
                }
            }
            out
        })
    }
}

thread_local! {
    /// Per thread, reused by every sentence: pattern bits by rule, and the rules touched as a
    /// bit set (both all zeros between calls).
    static SCRATCH: RefCell<(Vec<u64>, Vec<u64>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Merges the entries of one rule with the same second-clause signature into one, their
/// pattern bits or-ed, in rule order.
fn merge_rules(list: &mut Vec<Entry>) {
    list.sort_by_key(|e| (e.rule, e.second));
    list.dedup_by(|later, kept| {
        let same = (later.rule, later.second) == (kept.rule, kept.second);
        if same {
            kept.bits |= later.bits;
        }
        same
    });
}

impl Need {
    /// The clause a pattern is keyed on: the first, its cheapest ([`Need::of`]).
    /// `None` when the pattern needs nothing.
    fn key(&self) -> Option<Vec<u32>> {
        self.clauses().next()
    }
}
