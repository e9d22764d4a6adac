//! The anchor phrases of a rule pack, for ripgrep (`rg -i -F -f phrases.txt`).
//!
//! A small scanner of the rule language, independent of the engine's parser (which is private
//! to `demarche-engine`, and which this tool must not change): it reads `lemma` rows,
//! `lexicon` definitions and the `match` patterns of stance `rule` blocks, and for each pattern
//! computes a set of literals such that every match contains one of them, the way the
//! engine's prefilter computes a rule's anchors. Quoted phrases stay whole; a prefix `escalat*`
//! gives its stem (ripgrep finds it as a substring, where the engine gives it no anchor).
//! Guards (`unless`, `guard` blocks), cues and actors are left out: they never make a stance.

use std::collections::{BTreeSet, HashMap};

/// One token of a rule file.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Prefix(String),
    Str(String),
    Lex(String),
    Gap,
    Pipe,
    Open,
    Close,
    Question,
    LBrace,
    RBrace,
    Eq,
    Other,
}

/// The reserved words of the language (`keyword` in the engine's grammar).
const KEYWORDS: &[&str] = &[
    "label", "match", "unless", "context", "expect", "reject", "todo", "rule", "guard", "lexicon",
    "lemma", "actor", "cue", "kind", "cameo", "plover", "alias", "person", "role", "note",
];

/// Whether `w` is a reserved word of the rule language.
pub fn is_keyword(w: &str) -> bool {
    KEYWORDS.contains(&w)
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '\'' | '\u{2019}' | '-')
}

fn lex(src: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut it = src.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            c if c.is_whitespace() => {}
            '#' => {
                for c in it.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut s = String::new();
                while let Some(c) = it.next() {
                    match c {
                        '\\' => s.extend(it.next()),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                out.push(Tok::Str(s));
            }
            '@' => {
                let mut s = String::new();
                while let Some(&c) = it.peek() {
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        break;
                    }
                    s.push(c);
                    it.next();
                }
                out.push(Tok::Lex(s));
            }
            '~' => {
                while it.peek().is_some_and(|&c| c.is_ascii_digit() || c == '.') {
                    it.next();
                }
                out.push(Tok::Gap);
            }
            '|' => out.push(Tok::Pipe),
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            '?' => out.push(Tok::Question),
            '{' => out.push(Tok::LBrace),
            '}' => out.push(Tok::RBrace),
            '=' => out.push(Tok::Eq),
            c if word_char(c) => {
                let mut s = String::from(c);
                while let Some(&c) = it.peek() {
                    if !(word_char(c) || c == '.') {
                        break;
                    }
                    s.push(c);
                    it.next();
                }
                if it.peek() == Some(&'*') {
                    it.next();
                    out.push(Tok::Prefix(s));
                } else {
                    out.push(Tok::Word(s));
                }
            }
            _ => out.push(Tok::Other),
        }
    }
    out
}

/// A parsed pattern.
#[derive(Debug, Clone)]
enum Pat {
    Lit(String),
    Prefix(String),
    Lemma(Vec<String>),
    Lex(String),
    Seq(Vec<Pat>),
    Alt(Vec<Pat>),
    /// An optional element or a gap: nothing required.
    Nothing,
}

/// A recursive-descent reader of patterns over the token stream.
struct Parser<'a> {
    toks: &'a [Tok],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }

    /// Whether the pattern ends here: end of input, `}`, `)`, `|` handled by the caller, or a
    /// keyword that starts the next statement (`lemma(` is an atom, not a statement).
    fn at_end(&self) -> bool {
        match self.peek() {
            None | Some(Tok::RBrace) | Some(Tok::Close) | Some(Tok::Pipe) => true,
            Some(Tok::Word(w)) if is_keyword(w) => {
                !(w == "lemma" && self.toks.get(self.i + 1) == Some(&Tok::Open))
            }
            Some(Tok::LBrace) | Some(Tok::Eq) | Some(Tok::Other) => true,
            _ => false,
        }
    }

    fn alt(&mut self) -> Pat {
        let mut alts = vec![self.seq()];
        while self.peek() == Some(&Tok::Pipe) {
            self.i += 1;
            alts.push(self.seq());
        }
        if alts.len() == 1 {
            alts.pop().unwrap_or(Pat::Nothing)
        } else {
            Pat::Alt(alts)
        }
    }

    fn seq(&mut self) -> Pat {
        let mut items = Vec::new();
        while !self.at_end() {
            let before = self.i;
            let mut atom = self.atom();
            if self.peek() == Some(&Tok::Question) {
                self.i += 1;
                atom = Pat::Nothing;
            }
            items.push(atom);
            if self.i == before {
                break; // no progress: stop rather than loop
            }
        }
        Pat::Seq(items)
    }

    fn atom(&mut self) -> Pat {
        let Some(tok) = self.peek().cloned() else {
            return Pat::Nothing;
        };
        self.i += 1;
        match tok {
            Tok::Word(w) if w == "lemma" => {
                self.i += 1; // `(`
                let mut words = Vec::new();
                while let Some(Tok::Word(w)) = self.peek() {
                    words.push(w.clone());
                    self.i += 1;
                }
                if self.peek() == Some(&Tok::Close) {
                    self.i += 1;
                }
                Pat::Lemma(words)
            }
            Tok::Word(w) => Pat::Lit(w),
            Tok::Str(s) => Pat::Lit(s),
            Tok::Prefix(s) => Pat::Prefix(s),
            Tok::Lex(s) => Pat::Lex(s),
            Tok::Open => {
                let p = self.alt();
                if self.peek() == Some(&Tok::Close) {
                    self.i += 1;
                }
                p
            }
            _ => Pat::Nothing,
        }
    }
}

/// What the scanner found in a pack.
#[derive(Debug, Default)]
pub struct Pack {
    lemmas: HashMap<String, Vec<String>>,
    lexicons: HashMap<String, Pat>,
    /// The `match` patterns of stance rules, with their rule id.
    matches: Vec<(String, Pat)>,
}

#[derive(PartialEq)]
enum Block {
    None,
    Rule,
    Other,
}

impl Pack {
    /// Scans `(path, source)` pairs; what the scanner cannot read is skipped, never an error
    /// (`demarche check` is the place for errors).
    pub fn scan<P: AsRef<str>, S: AsRef<str>>(sources: &[(P, S)]) -> Pack {
        let mut pack = Pack::default();
        for (_, src) in sources {
            pack.scan_one(src.as_ref());
        }
        pack
    }

    fn scan_one(&mut self, src: &str) {
        let toks = lex(src);
        let mut p = Parser { toks: &toks, i: 0 };
        let mut block = Block::None;
        let mut rule_id = String::new();
        while let Some(tok) = p.peek().cloned() {
            p.i += 1;
            let Tok::Word(w) = tok else {
                if tok == Tok::RBrace {
                    block = Block::None;
                }
                continue;
            };
            match w.as_str() {
                "lemma" if p.peek() != Some(&Tok::Open) => {
                    let Some(Tok::Word(base)) = p.peek().cloned() else {
                        continue;
                    };
                    p.i += 2; // base, `=`
                    let mut forms = vec![base.to_lowercase()];
                    while let Some(Tok::Word(f)) = p.peek() {
                        if is_keyword(f) {
                            break;
                        }
                        forms.push(f.to_lowercase());
                        p.i += 1;
                    }
                    self.lemmas
                        .entry(base.to_lowercase())
                        .or_default()
                        .extend(forms);
                }
                "lexicon" => {
                    let Some(Tok::Word(name)) = p.peek().cloned() else {
                        continue;
                    };
                    p.i += 2; // name, `=`
                    let pat = p.alt();
                    self.lexicons.insert(name, pat);
                }
                "rule" | "guard" | "actor" => {
                    let mut id = String::new();
                    while let Some(t) = p.peek() {
                        match t {
                            Tok::LBrace => break,
                            Tok::Word(s) => id.push_str(s),
                            _ => id.push('.'),
                        }
                        p.i += 1;
                    }
                    block = if w == "rule" {
                        Block::Rule
                    } else {
                        Block::Other
                    };
                    rule_id = id;
                }
                "match" | "unless" | "cue" => {
                    let pat = p.alt();
                    if w == "match" && block == Block::Rule {
                        self.matches.push((rule_id.clone(), pat));
                    }
                }
                _ => {}
            }
        }
    }

    /// How many stance-rule `match` patterns were read.
    pub fn pattern_count(&self) -> usize {
        self.matches.len()
    }

    /// The anchor phrases: for every stance `match` pattern, a set of literals one of which is
    /// in every match; lower-cased, deduplicated, sorted. Also returns the ids of rules with a
    /// pattern that has no anchor (only optional elements, gaps, ...).
    pub fn anchor_phrases(&self) -> (Vec<String>, Vec<String>) {
        let mut all = BTreeSet::new();
        let mut unanchored = BTreeSet::new();
        for (id, pat) in &self.matches {
            match self.required(pat, 0) {
                Some(set) => all.extend(set.into_iter().map(|s| s.to_lowercase())),
                None => {
                    unanchored.insert(id.clone());
                }
            }
        }
        all.retain(|s: &String| !s.trim().is_empty());
        (all.into_iter().collect(), unanchored.into_iter().collect())
    }

    /// Literals one of which every match of `pat` contains; `None` when there is no such set.
    fn required(&self, pat: &Pat, depth: usize) -> Option<BTreeSet<String>> {
        if depth > 32 {
            return None; // a lexicon cycle: the engine rejects it anyway
        }
        match pat {
            Pat::Lit(s) | Pat::Prefix(s) => Some(BTreeSet::from([s.clone()])),
            Pat::Lemma(bases) => Some(
                bases
                    .iter()
                    .flat_map(|b| {
                        let b = b.to_lowercase();
                        self.lemmas.get(&b).cloned().unwrap_or_else(|| vec![b])
                    })
                    .collect(),
            ),
            Pat::Lex(name) => self.required(self.lexicons.get(name)?, depth + 1),
            Pat::Alt(alts) => {
                let mut union = BTreeSet::new();
                for a in alts {
                    union.extend(self.required(a, depth + 1)?);
                }
                Some(union)
            }
            Pat::Seq(items) => items
                .iter()
                .filter_map(|x| self.required(x, depth + 1))
                .max_by_key(selectivity),
            Pat::Nothing => None,
        }
    }
}

/// How selective a set of anchors is: its shortest literal is long (a content word, not "to")
/// and the set is small. Picks the element of a sequence the way a good prefilter would.
fn selectivity(set: &BTreeSet<String>) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set.iter().map(|s| s.chars().count()).min().unwrap_or(0);
    (shortest.min(8), std::cmp::Reverse(set.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = r#"
lemma urge = urges urged urging
lexicon TRUCE = ceasefire | "cease-fire" | truce   # comment "not a phrase"
rule restraint.x {
  label restraint
  match lemma(urge) ~0..3 (restraint | calm)
  match "the utmost"? de escalat*
  match maybe? ~2
  unless did not mention @TRUCE
  expect "They [[urged restraint]]."
}
rule ceasefire.y {
  label ceasefire
  match respect the @TRUCE
  reject "no"
}
guard ceasefire.g {
  label ceasefire
  match brokered @TRUCE
}
"#;

    #[test]
    fn anchors_follow_the_prefilter() {
        let pack = Pack::scan(&[("a.rules", PACK)]);
        assert_eq!(pack.pattern_count(), 4);
        let (phrases, unanchored) = pack.anchor_phrases();
        assert_eq!(phrases, ["calm", "escalat", "respect", "restraint"]);
        assert_eq!(unanchored, ["restraint.x"]);
    }

    #[test]
    fn embedded_pack_gives_a_few_hundred_phrases() {
        let pack = Pack::scan(demarche_engine::embedded_sources());
        let (phrases, _) = pack.anchor_phrases();
        assert!(phrases.len() > 100, "{}", phrases.len());
        assert!(phrases.iter().any(|p| p == "restraint"));
        assert!(phrases.iter().all(|p| !p.contains('@') && !p.contains('~')));
    }
}
