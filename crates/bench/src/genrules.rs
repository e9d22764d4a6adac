//! A scaled rule pack: the default pack plus generated stance rules, for the issue's "10× the
//! rules costs ≤ 1.5× the time" measurement.
//!
//! Each generated rule has three to seven `match` phrases of two or three words drawn from the
//! corpus vocabulary (so the engine's anchor prefilter lets many of them through, as real
//! phrases would), one `expect` per phrase and one `reject`. The pack is compiled and its
//! examples run before it is written; a rule whose example fails (a shared guard blocking a
//! word, say) is replaced, so `demarche test DIR` passes.

use crate::corpus::Paragraphs;
use crate::pack::is_keyword;
use crate::rng::SplitMix64;
use anyhow::{bail, Context, Result};
use demarche_engine::{embedded_sources, RuleSet};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// The generated file, inside the pack's `stances/` folder.
const GENERATED: &str = "stances/zz-generated.rules";

/// What [`write_pack`] made.
#[derive(Debug)]
pub struct Generated {
    /// Stance rules of the default pack.
    pub base_rules: usize,
    /// Rules added.
    pub rules: usize,
    /// `match` phrases added.
    pub phrases: usize,
}

/// Lower-case ASCII words of four letters or more from the paragraphs, sorted; keywords of the
/// rule language are left out.
pub fn vocabulary(paras: &Paragraphs) -> Vec<String> {
    let mut words = BTreeSet::new();
    for p in paras.body.iter().chain(&paras.headlines) {
        for w in p.split(|c: char| !c.is_ascii_alphabetic()) {
            if w.len() >= 4 && w.bytes().all(|b| b.is_ascii_lowercase()) && !is_keyword(w) {
                words.insert(w.to_string());
            }
        }
    }
    words.into_iter().collect()
}

/// One generated rule: its id and source text.
fn rule(rng: &mut SplitMix64, vocab: &[String], label: &str, n: usize) -> (String, String, usize) {
    let id = format!("{label}.generated-{n:05}");
    let mut src = format!("rule {id} {{\n  label {label}\n");
    let k = rng.range(3, 7);
    let mut phrases = Vec::new();
    let mut used = HashSet::new();
    while phrases.len() < k {
        let len = rng.range(2, 3);
        let words: Vec<&str> = (0..len)
            .map(|_| vocab[rng.range(0, vocab.len() - 1)].as_str())
            .collect();
        let distinct: HashSet<_> = words.iter().collect();
        if distinct.len() == len && used.insert(words.join(" ")) {
            phrases.push(words);
        }
    }
    for p in &phrases {
        let _ = writeln!(src, "  match \"{}\"", p.join(" "));
    }
    // Short words around the phrase, so that no other phrase (four letters or more) can match.
    for p in &phrases {
        let _ = writeln!(src, "  expect \"So we [[{}]] now.\"", p.join(" "));
    }
    let mut reversed = phrases[0].clone();
    reversed.reverse();
    let _ = writeln!(src, "  reject \"So we {} now.\"", reversed.join(" "));
    src.push_str("}\n");
    (id, src, k)
}

/// Writes the default pack and about `(times - 1) ×` its stance-rule count of generated rules
/// into `dir` (which must not exist or be empty).
pub fn write_pack(dir: &Path, times: f64, seed: u64, vocab: &[String]) -> Result<Generated> {
    if vocab.len() < 50 {
        bail!("too few words to generate rules from ({})", vocab.len());
    }
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!("{} exists and is not empty", dir.display());
    }
    let base = RuleSet::embedded().context("compiling the embedded pack")?;
    let base_rules = base.rule_count().0;
    let labels: Vec<String> = base.labels().iter().map(|l| l.name.clone()).collect();
    let extra = ((times - 1.0).max(0.0) * base_rules as f64).round() as usize;

    let mut rng = SplitMix64::new(seed);
    let mut rules: Vec<(String, String, usize)> = (0..extra)
        .map(|n| rule(&mut rng, vocab, &labels[n % labels.len()], n))
        .collect();
    let mut next = extra;
    let mut sources: Vec<(String, String)> = embedded_sources()
        .iter()
        .map(|&(p, s)| {
            (
                p.strip_prefix("rules/").unwrap_or(p).to_string(),
                s.to_string(),
            )
        })
        .collect();
    for round in 0.. {
        let generated: String = rules
            .iter()
            .map(|r| r.1.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        sources.retain(|(p, _)| p != GENERATED);
        if !rules.is_empty() {
            sources.push((GENERATED.to_string(), generated));
        }
        let set = RuleSet::from_sources(&sources)
            .map_err(|e| anyhow::anyhow!("the generated pack does not compile: {e}"))?;
        let failing: HashSet<String> = set
            .run_examples()
            .into_iter()
            .filter(|o| o.failure.is_some() && !o.todo && o.rule.contains(".generated-"))
            .map(|o| o.rule)
            .collect();
        if failing.is_empty() {
            break;
        }
        if round == 10 {
            bail!(
                "{} generated rules still fail their examples",
                failing.len()
            );
        }
        for r in rules.iter_mut().filter(|r| failing.contains(&r.0)) {
            let label = r.0.split('.').next().unwrap_or("restraint").to_string();
            *r = rule(&mut rng, vocab, &label, next);
            next += 1;
        }
    }
    for (path, src) in &sources {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, src).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Generated {
        base_rules,
        rules: rules.len(),
        phrases: rules.iter().map(|r| r.2).sum(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_pack_compiles_and_its_examples_pass() {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
        let paras = Paragraphs::load(&[tests.join("corpus")]).unwrap();
        let vocab = vocabulary(&paras);
        let dir = std::env::temp_dir().join(format!("demarche-bench-pack-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let made = write_pack(&dir, 1.5, 3, &vocab).unwrap();
        assert_eq!(made.rules, (made.base_rules as f64 * 0.5).round() as usize);
        let set = RuleSet::from_dir(&dir).unwrap();
        assert_eq!(set.rule_count().0, made.base_rules + made.rules);
        let failures: Vec<_> = set
            .run_examples()
            .into_iter()
            .filter(|o| o.failure.is_some() && !o.todo)
            .collect();
        assert!(failures.is_empty(), "{failures:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
