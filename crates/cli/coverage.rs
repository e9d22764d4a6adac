//! `classify --coverage`: after a run, how often each rule fired, and the sentences that have
//! a cued, coded speaker but no stance (the candidates for new rules), grouped by their cue
//! phrase, most frequent first. Memory stays bounded: counts, and a few examples per cue.

use demarche_core::Statement;
use demarche_engine::{Candidate, RuleSet};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// How many example sentences are kept per cue phrase.
const EXAMPLES_PER_CUE: usize = 5;

/// The coverage tallies of a run.
#[derive(Debug, Default)]
pub struct Coverage {
    articles: usize,
    statements: usize,
    fired: BTreeMap<String, usize>,
    /// Candidates by cue phrase.
    cues: HashMap<String, CueTally>,
}

/// The candidates of one cue phrase: how many, and the first few.
#[derive(Debug, Default)]
struct CueTally {
    count: usize,
    /// (article id, actor codes, sentence).
    examples: Vec<(String, String, String)>,
}

impl Coverage {
    /// Tallies for a pack: every stance rule starts at zero.
    pub fn new(rules: &RuleSet) -> Coverage {
        Coverage {
            fired: rules.rule_ids().into_iter().map(|id| (id, 0)).collect(),
            ..Coverage::default()
        }
    }

    /// Tallies the statements and candidates of one article (from
    /// [`RuleSet::extract_with_candidates`]).
    pub fn tally(&mut self, id: &str, statements: &[Statement], candidates: Vec<Candidate>) {
        self.articles += 1;
        self.statements += statements.len();
        for stance in statements.iter().flat_map(|s| &s.stances) {
            *self.fired.entry(stance.rule.clone()).or_default() += 1;
        }
        for c in candidates {
            let entry = self.cues.entry(c.cue).or_default();
            entry.count += 1;
            if entry.examples.len() < EXAMPLES_PER_CUE {
                entry
                    .examples
                    .push((id.to_string(), c.actors.join(", "), c.sentence));
            }
        }
    }

    /// Writes the report.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            "coverage: {} article(s), {} statement(s)",
            self.articles, self.statements
        )?;
        let mut fired: Vec<(&String, &usize)> =
            self.fired.iter().filter(|(_, n)| **n > 0).collect();
        fired.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        writeln!(
            out,
            "rules fired ({} of {}):",
            fired.len(),
            self.fired.len()
        )?;
        let width = fired.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
        for (id, n) in &fired {
            writeln!(out, "  {id:width$}  {n:>6}")?;
        }
        let never: Vec<&str> = self
            .fired
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(id, _)| id.as_str())
            .collect();
        if !never.is_empty() {
            writeln!(out, "never fired ({}): {}", never.len(), never.join(", "))?;
        }
        let mut cues: Vec<(&String, &CueTally)> = self.cues.iter().collect();
        cues.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        let total: usize = cues.iter().map(|(_, t)| t.count).sum();
        writeln!(
            out,
            "candidates: {total} sentence(s) with a cued speaker and an actor code but no stance, by cue:"
        )?;
        for (cue, tally) in cues {
            writeln!(out, "  {cue:?} ({})", tally.count)?;
            for (id, actors, sentence) in &tally.examples {
                writeln!(out, "    {id} [{actors}]: {sentence:?}")?;
            }
        }
        Ok(())
    }
}
