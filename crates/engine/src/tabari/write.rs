//! Entries of TABARI dictionaries to demarche actor rule files: each CAMEO code to an actor of
//! the pack, each name to an `alias` (undated) or a `person` line with its period and CAMEO
//! code, one-word ordinary words and names the pack already has left out.

use super::read::{read, Entry};
use crate::ast::Item;
use crate::error::RuleFileError;
use crate::text::phrase_tokens;
use crate::RuleSet;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

/// What [`import`] needs besides the dictionaries.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// One-word names to leave out, folded (lower case): ordinary words ("chase", "bush").
    pub stop_words: HashSet<String>,
    /// Header lines saying where the dictionaries come from (without `# `).
    pub provenance: Vec<String>,
    /// The command that regenerates the files, for the header.
    pub command: String,
    /// Leave out entries with dated codes only, every one ended before this year (people out
    /// of office before the news one reads).
    pub since: Option<u32>,
}

/// Counts of what an import did, over all dictionaries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportStats {
    /// Entries read.
    pub entries: usize,
    /// Entries with no code that maps to an actor of the pack (NGOs, companies, old states).
    pub unmapped: usize,
    /// Names written (alias and person names).
    pub names: usize,
    /// Names left out because the pack already has them.
    pub in_pack: usize,
    /// One-word names left out: stop-listed, or under three characters.
    pub stopped: usize,
    /// Undated names left out because an earlier entry gave them to another actor.
    pub taken: usize,
    /// Entries left out because every dated code ended before `since`.
    pub ended: usize,
}

impl ImportStats {
    fn add(&mut self, o: &ImportStats) {
        self.entries += o.entries;
        self.unmapped += o.unmapped;
        self.names += o.names;
        self.in_pack += o.in_pack;
        self.stopped += o.stopped;
        self.taken += o.taken;
        self.ended += o.ended;
    }
}

/// The rule files of an import, the positioned problems of the dictionaries (their bad lines
/// are left out), and counts.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    /// `(file name, rule text)`, one per dictionary, in the order given.
    pub files: Vec<(String, String)>,
    /// Bad lines of the dictionaries.
    pub errors: Vec<RuleFileError>,
    /// Counts.
    pub stats: ImportStats,
}

/// An actor of the pack an entry's code can go to.
#[derive(Debug, Clone)]
struct Target {
    code: String,
    /// `(kind, cameo, name)` for an actor the pack does not have (a new armed group).
    new: Option<(String, String, String)>,
}

/// What the pack knows: states, bodies by CAMEO code, actor codes and names, taken mentions.
struct Pack {
    states: HashSet<String>,
    /// `(cameo prefix, body code)`, longest prefix first.
    bodies: Vec<(String, String)>,
    names: HashMap<String, (String, bool)>,
    known: HashSet<String>,
    /// `(cameo, group code)` of the pack's groups.
    groups: Vec<(String, String)>,
    /// The first and last words of the pack's people's names of two words or more: an
    /// imported name with both is the same person written another way ("Omar Touray" for
    /// "Omar Alieu Touray").
    person_ends: HashSet<(String, String)>,
}

impl Pack {
    fn new(rules: &RuleSet) -> Pack {
        let mut pack = Pack {
            states: HashSet::new(),
            bodies: Vec::new(),
            names: HashMap::new(),
            known: HashSet::new(),
            groups: Vec::new(),
            person_ends: HashSet::new(),
        };
        for item in rules.files.iter().flat_map(|f| &f.items) {
            let Item::Actor(def) = item else { continue };
            let kind = def.kind.as_ref().map(|k| k.node.as_str());
            let code = def.code.node.clone();
            match (kind, &def.cameo) {
                (Some("state"), _) => drop(pack.states.insert(code.clone())),
                (Some("body"), Some(cameo)) => pack.bodies.push((cameo.clone(), code.clone())),
                (Some("group"), Some(cameo)) => pack.groups.push((cameo.clone(), code.clone())),
                _ => {}
            }
            let group = kind == Some("group");
            pack.names
                .entry(code)
                .or_insert_with(|| (def.name.clone(), group));
        }
        pack.bodies.sort_by_key(|(c, _)| std::cmp::Reverse(c.len()));
        for a in &rules.c.aliases {
            let words: Vec<String> = (a.tokens.iter())
                .map(|&t| rules.c.vocab.word(t).to_string())
                .collect();
            if let (true, Some(e)) = (a.person, ends(&words)) {
                pack.person_ends.insert(e);
            }
            pack.known.insert(words.join(" "));
        }
        pack
    }

    /// The actor a CAMEO code goes to, and the code as written in the rules.
    fn target(&self, code: &str, entry: &Entry) -> Option<(Target, String)> {
        if code.starts_with("IGO") {
            let (_, body) = self
                .bodies
                .iter()
                .find(|(c, _)| code.starts_with(c.as_str()))?;
            return Some((plain(body), code.to_string()));
        }
        let state = code.get(..3)?;
        let state = remap(state);
        let cameo = format!("{state}{}", &code[3..]);
        let sectors: Vec<&str> = (3..code.len())
            .step_by(3)
            .filter_map(|i| code.get(i..i + 3))
            .collect();
        let armed = state == "IMG" || sectors.iter().any(|s| ARMED.contains(s));
        if armed {
            return self.group(entry, &cameo).map(|t| (t, cameo));
        }
        self.states.contains(state).then(|| (plain(state), cameo))
    }

    /// The group actor an armed group's entry goes to. A code that names one group
    /// (`IMGSEAMUSJMA`, `PSEREBHMS`: a third part that is not a generic sector) is the actor:
    /// the pack's group of that CAMEO code, else a group coded by it. A generic code (`YEMREB`)
    /// gives a group named by the entry's first name.
    fn group(&self, entry: &Entry, cameo: &str) -> Option<Target> {
        let first = display(entry.names.first()?);
        let specific = cameo.len() >= 9 && !GENERIC.contains(&&cameo[cameo.len() - 3..]);
        if specific {
            if let Some((_, code)) = self.groups.iter().find(|(c, _)| c == cameo) {
                return Some(plain(code));
            }
        }
        let base = if specific {
            cameo.to_string()
        } else {
            code_of(&first)?
        };
        let code = match self.names.get(&base) {
            Some((_, true)) => return Some(plain(&base)),
            Some(_) => format!("{base}_GROUP"),
            None => base,
        };
        let name = if specific {
            format!("{first} ({cameo})")
        } else {
            first
        };
        Some(Target {
            code,
            new: Some(("group".into(), cameo.into(), name)),
        })
    }
}

/// An actor code from a name: its letters and digits in capitals, `_` between words.
fn code_of(name: &str) -> Option<String> {
    let mut code = String::new();
    for c in name.chars() {
        match c.to_ascii_uppercase() {
            u @ ('A'..='Z' | '0'..='9') => code.push(u),
            _ if !code.is_empty() && !code.ends_with('_') => code.push('_'),
            _ => {}
        }
    }
    let code = code.trim_end_matches('_').to_string();
    code.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(code)
}

/// CAMEO codes that end in these name no one group: religions, kinds of rebels.
const GENERIC: &[&str] = &[
    "REB", "INS", "SEP", "UAF", "MUS", "SUN", "SHI", "CHR", "JEW", "HIN", "BUD", "RAD", "MOD",
    "GOV", "MIL", "OPP", "ELI",
];

/// The first and last of two or more words.
fn ends(toks: &[String]) -> Option<(String, String)> {
    match toks {
        [first, .., last] => Some((first.clone(), last.clone())),
        _ => None,
    }
}

/// CAMEO sector codes of armed non-state actors: they get a group actor of their own.
const ARMED: &[&str] = &["REB", "INS", "SEP", "UAF"];

fn plain(code: &str) -> Target {
    Target {
        code: code.to_string(),
        new: None,
    }
}

/// CAMEO state codes that differ from ISO 3166-1 alpha-3 (or the pack's `XKX`).
fn remap(state: &str) -> &str {
    match state {
        "TMP" => "TLS",
        "KSV" => "XKX",
        "ROM" => "ROU",
        "ZAR" => "COD",
        other => other,
    }
}

/// A TABARI name as written in a rule: words joined by spaces, each capitalised; a one-word
/// name of two to four capitals (an acronym) stays as it is.
fn display(name: &str) -> String {
    let mut bare = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = bare.split('_').filter(|w| !w.is_empty()).collect();
    if let [w] = words.as_slice() {
        if is_acronym(w) {
            return (*w).to_string();
        }
    }
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut start = true;
        for c in w.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = !c.is_alphanumeric() && c != '\'';
        }
    }
    out.strip_prefix("The ").unwrap_or(&out).to_string()
}

/// A one-word name that reads as an acronym: two or three capitals, or four with at most one
/// vowel (`ANC`, `FSB`, `ANSF`; not `DUMA`, `NATO`, which are written `Duma`, `Nato` and match
/// in any case).
fn is_acronym(w: &str) -> bool {
    let caps = w.bytes().all(|b| b.is_ascii_uppercase());
    let vowels = w.bytes().filter(|b| b"AEIOU".contains(b)).count();
    caps && ((2..=3).contains(&w.len()) || (w.len() == 4 && vowels <= 1))
}

/// One actor's block in the output.
#[derive(Debug, Default)]
struct Block {
    header: Option<(String, String, String)>,
    lines: Vec<String>,
}

/// Imports dictionaries `dicts` (`(name, text)` pairs, in order) for the pack `rules` (which
/// should not hold an earlier import of the same dictionaries: its names are left out).
pub fn import(rules: &RuleSet, dicts: &[(String, String)], opts: &ImportOptions) -> Imported {
    let pack = Pack::new(rules);
    let mut out = Imported::default();
    let mut seen = Seen::default();
    for (name, text) in dicts {
        let (entries, errors) = read(name, text);
        out.errors.extend(errors);
        let mut blocks: BTreeMap<String, Block> = BTreeMap::new();
        let mut stats = ImportStats::default();
        for entry in &entries {
            stats.entries += 1;
            if !entry_lines(&pack, entry, opts, &mut seen, &mut blocks, &mut stats) {
                stats.unmapped += 1;
            }
        }
        let file = render(name, text, &pack, &blocks, opts, &stats);
        out.files.push((file_name(name), file));
        out.stats.add(&stats);
    }
    out
}

/// `Phoenix.Countries.actors.txt` to `phoenix-countries.rules`.
fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.strip_suffix(".txt").unwrap_or(base);
    let stem = stem.strip_suffix(".actors").unwrap_or(stem);
    format!("{}.rules", stem.to_lowercase().replace(['.', ' '], "-"))
}

/// The kept names of an entry: `(display, folded key)`.
fn names(
    pack: &Pack,
    entry: &Entry,
    opts: &ImportOptions,
    stats: &mut ImportStats,
) -> Vec<(String, String)> {
    let mut kept: Vec<(String, String)> = Vec::new();
    for raw in &entry.names {
        let shown = display(raw);
        let toks = phrase_tokens(&shown);
        let key = toks.join(" ");
        if toks.is_empty() || kept.iter().any(|(_, k)| *k == key) {
            continue;
        }
        if pack.known.contains(&key) || ends(&toks).is_some_and(|e| pack.person_ends.contains(&e)) {
            stats.in_pack += 1;
            continue;
        }
        if toks.len() == 1 && (key.chars().count() < 3 || opts.stop_words.contains(&key)) {
            stats.stopped += 1;
            continue;
        }
        kept.push((shown, key));
    }
    kept
}

/// What the import remembers across entries and dictionaries.
#[derive(Debug, Default)]
struct Seen {
    /// Undated names and the actor that has them.
    claimed: HashMap<String, String>,
    /// New actors whose `kind` and `cameo` are written already.
    headed: HashSet<String>,
}

/// A period: first and last day, either open.
type Period = (Option<String>, Option<String>);

/// One line to write: the actor, the CAMEO code, the period (`None` when undated).
type Line = (Target, String, Option<Period>);

/// The lines of an entry's codes: one per actor and CAMEO code, the dated periods of one pair
/// merged into one (earliest start, latest end); an undated code only when no dated one has
/// its pair. Codes that map to no actor are left out.
fn lines_of(pack: &Pack, entry: &Entry) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for c in &entry.codes {
        let Some((target, cameo)) = pack.target(&c.code, entry) else {
            continue;
        };
        let dated = c.from.is_some() || c.until.is_some();
        let same =
            |(t, k, p): &&mut Line| t.code == target.code && *k == cameo && p.is_some() == dated;
        match out.iter_mut().find(|l| same(l)) {
            Some((_, _, Some((f, u)))) => {
                *f = f.take().zip(c.from.clone()).map(|(a, b)| a.min(b));
                *u = u.take().zip(c.until.clone()).map(|(a, b)| a.max(b));
            }
            Some(_) => {}
            None => out.push((
                target,
                cameo,
                dated.then(|| (c.from.clone(), c.until.clone())),
            )),
        }
    }
    let keep: Vec<bool> = (out.iter())
        .map(|(t, k, p)| {
            p.is_some()
                || !out
                    .iter()
                    .any(|(t2, k2, p2)| p2.is_some() && t2.code == t.code && k2 == k)
        })
        .collect();
    let mut keep = keep.into_iter();
    out.retain(|_| keep.next().unwrap_or(true));
    out
}

/// Adds the lines of one entry to `blocks`; false if none of its codes maps to an actor.
fn entry_lines(
    pack: &Pack,
    entry: &Entry,
    opts: &ImportOptions,
    seen: &mut Seen,
    blocks: &mut BTreeMap<String, Block>,
    stats: &mut ImportStats,
) -> bool {
    let lines = lines_of(pack, entry);
    let Some((first, ..)) = lines.first() else {
        return false;
    };
    if ended_before(entry, opts.since) {
        stats.ended += 1;
        return true;
    }
    let mut kept = names(pack, entry, opts, stats);
    let dated = lines.iter().any(|(_, _, p)| p.is_some());
    if !dated {
        // One actor per undated name: the first entry that names it keeps it.
        kept.retain(|(_, key)| match seen.claimed.get(key) {
            Some(owner) if *owner != first.code => {
                stats.taken += 1;
                false
            }
            _ => {
                seen.claimed.insert(key.clone(), first.code.clone());
                true
            }
        });
    }
    if kept.is_empty() {
        return true;
    }
    let list = (kept.iter().map(|(s, _)| quote(s)))
        .collect::<Vec<_>>()
        .join(" | ");
    // An entry with undated codes only is one alias line, for its first code.
    let lines = if dated { &lines[..] } else { &lines[..1] };
    for (target, cameo, period) in lines {
        let block = blocks.entry(target.code.clone()).or_default();
        if target.new.is_some() && seen.headed.insert(target.code.clone()) {
            block.header.clone_from(&target.new);
        }
        let line = rule_line(pack, (target, cameo, period), &list, dated);
        if !block.lines.contains(&line) {
            block.lines.push(line);
        }
    }
    stats.names += kept.len();
    true
}

/// One `alias` (undated entry) or `person` line of names `list` for an actor, CAMEO code and
/// period; the CAMEO code is left out when it is the actor's own.
fn rule_line(
    pack: &Pack,
    (target, cameo, period): (&Target, &String, &Option<Period>),
    list: &str,
    dated: bool,
) -> String {
    let own = (target.new.as_ref()).map_or(target.code.as_str(), |(_, c, _)| c.as_str());
    let cameo = if cameo == own || pack_own_cameo(pack, target, cameo) {
        String::new()
    } else {
        format!(" cameo {}", quote(cameo))
    };
    let mut line = format!("  {} {list}{cameo}", if dated { "person" } else { "alias" });
    if let Some((f, u)) = period {
        if let Some(f) = f {
            let _ = write!(line, " from {}", quote(f));
        }
        if let Some(u) = u {
            let _ = write!(line, " until {}", quote(u));
        }
    }
    line
}

/// True if the entry has a dated code and every dated code ended before year `since`.
fn ended_before(entry: &Entry, since: Option<u32>) -> bool {
    let Some(since) = since else { return false };
    let dated: Vec<_> = entry
        .codes
        .iter()
        .filter(|c| c.from.is_some() || c.until.is_some())
        .collect();
    !dated.is_empty()
        && dated.iter().all(|c| {
            c.until
                .as_ref()
                .and_then(|u| u.get(..4)?.parse::<u32>().ok())
                .is_some_and(|y| y < since)
        })
}

/// True if `cameo` is the body's own CAMEO code.
fn pack_own_cameo(pack: &Pack, target: &Target, cameo: &str) -> bool {
    pack.bodies
        .iter()
        .any(|(c, b)| *b == target.code && c == cameo)
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The rule file of one dictionary.
fn render(
    name: &str,
    text: &str,
    pack: &Pack,
    blocks: &BTreeMap<String, Block>,
    opts: &ImportOptions,
    stats: &ImportStats,
) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let hash = crate::hash::pack_hash(&[(base, text)]);
    let mut out = format!(
        "# Generated by `demarche actors import` from {base} (FNV-1a 64 of its text: {hash:016x}).\n\
         # Do not edit: change the dictionary, the stop list or the importer and regenerate with\n\
         #   {}\n",
        opts.command
    );
    for line in &opts.provenance {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(
        out,
        "# This dictionary: {} entries, {} names written; {} already in the pack, {} one-word \
         names stop-listed or too short, {} taken by an earlier entry; {} entries with no code for \
         an actor of the pack; {} entries whose every period ended before {}.\n",
        stats.entries,
        stats.names,
        stats.in_pack,
        stats.stopped,
        stats.taken,
        stats.unmapped,
        stats.ended,
        opts.since.map_or("-".to_string(), |y| y.to_string())
    );
    for (code, block) in blocks {
        let title = match (&block.header, pack.names.get(code)) {
            (Some((_, _, n)), _) => n.clone(),
            (None, Some((n, _))) => n.clone(),
            (None, None) => code.clone(),
        };
        let _ = writeln!(out, "actor {code} {} {{", quote(&title));
        if let Some((kind, cameo, _)) = &block.header {
            let _ = writeln!(out, "  kind {kind}\n  cameo {}", quote(cameo));
        }
        for line in &block.lines {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("}\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
