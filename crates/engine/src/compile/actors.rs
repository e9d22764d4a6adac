//! Actor blocks to actors and aliases: several blocks of one code are one actor, and an
//! `alias` or `person` line with its own `cameo "..."` gives mentions that carry that CAMEO
//! code (an entry of [`Compiled::actors`] with the same code and that CAMEO code).

use super::{phrase_tokens, ActorInfo, Alias, Ctx, MentionKind};
use crate::ast::{ActorDef, Item, PersonDef, Spanned};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// Registers every actor code before any alias is compiled, so that a block that only adds
/// names may come before the one that gives the `kind` and `cameo`. Two blocks of one code
/// that both give a `kind` or both give a `cameo` are an error.
pub(super) fn register_actors(cx: &mut Ctx) {
    let mut kinds: HashMap<String, (bool, bool)> = HashMap::new();
    let files = cx.files;
    for (fi, file) in files.iter().enumerate() {
        for item in &file.items {
            let Item::Actor(def) = item else { continue };
            register(cx, fi, def, &mut kinds);
        }
    }
}

fn register(cx: &mut Ctx, fi: usize, def: &ActorDef, given: &mut HashMap<String, (bool, bool)>) {
    let code = &def.code.node;
    if let Some(k) = &def.kind {
        if !["state", "body", "group"].contains(&k.node.as_str()) {
            let e = cx.err(fi, k.span, format!("unknown actor kind `{}`", k.node));
            *e = e.clone().with_help("kinds are: state, body, group");
        }
    }
    let (has_kind, has_cameo) = (def.kind.is_some(), def.cameo.is_some());
    let prev = given.entry(code.clone()).or_insert((false, false));
    if (has_kind && prev.0) || (has_cameo && prev.1) {
        let e = cx.err(
            fi,
            def.code.span,
            format!("actor code `{code}` is defined twice"),
        );
        *e = e.clone().with_help(
            "one block gives an actor's `kind` and `cameo`; other blocks of its code only add names",
        );
        return;
    }
    prev.0 |= has_kind;
    prev.1 |= has_cameo;
    let body = def.kind.as_ref().is_some_and(|k| k.node == "body");
    match cx.actor_ix.get(code) {
        Some(&ix) => {
            let a = &mut cx.out.actors[ix];
            a.body |= body;
            if has_cameo {
                a.cameo.clone_from(&def.cameo);
            }
        }
        None => {
            cx.actor_ix.insert(code.clone(), cx.out.actors.len());
            cx.out.actors.push(ActorInfo {
                code: code.clone(),
                cameo: def.cameo.clone(),
                body,
            });
        }
    }
}

/// The actor entry mentions of actor `ix` with CAMEO code `cameo` point to.
fn mention_actor(cx: &mut Ctx, ix: usize, cameo: Option<&String>) -> usize {
    let Some(cameo) = cameo else { return ix };
    if cx.out.actors[ix].cameo.as_ref() == Some(cameo) {
        return ix;
    }
    if let Some(&sub) = cx.sub_actors.get(&(ix, cameo.clone())) {
        return sub;
    }
    let sub = cx.out.actors.len();
    let info = ActorInfo {
        cameo: Some(cameo.clone()),
        ..cx.out.actors[ix].clone()
    };
    cx.out.actors.push(info);
    cx.sub_actors.insert((ix, cameo.clone()), sub);
    sub
}

/// The aliases and people of one actor block.
pub(super) fn compile_actor(
    cx: &mut Ctx,
    fi: usize,
    def: &ActorDef,
    seen: &mut FxHashMap<String, String>,
) {
    let Some(&ix) = cx.actor_ix.get(&def.code.node) else {
        return;
    };
    let owner = &def.code.node;
    for (k, alias) in def.aliases.iter().enumerate() {
        let cameo = def.alias_cameos.get(k).and_then(Option::as_ref);
        let ax = mention_actor(cx, ix, cameo);
        add_alias(cx, fi, alias, MentionKind::Actor(ax), owner, seen, false);
    }
    for person in &def.people {
        let ax = mention_actor(cx, ix, person.cameo.as_ref());
        if person.from.is_some() || person.until.is_some() {
            add_dated_person(cx, fi, person, ax, owner, seen);
            continue;
        }
        for name in &person.names {
            add_alias(cx, fi, name, MentionKind::Actor(ax), owner, seen, true);
        }
    }
}

/// A person with `from` / `until`: its names may also name other actors in other periods, so
/// they are checked for repeats only within this actor and period.
fn add_dated_person(
    cx: &mut Ctx,
    fi: usize,
    person: &PersonDef,
    ix: usize,
    owner: &str,
    seen: &mut FxHashMap<String, String>,
) {
    let mut date = |d: &Option<Spanned<String>>, last: bool| -> Option<String> {
        let d = d.as_ref()?;
        let done = super::complete_date(&d.node, last);
        if done.is_none() {
            let e = cx.err(fi, d.span, format!("invalid date `{}`", d.node));
            *e = e
                .clone()
                .with_help("write a date as YYYY, YYYY-MM or YYYY-MM-DD");
        }
        done
    };
    let from = date(&person.from, false);
    let until = date(&person.until, true);
    if let (Some(f), Some(u), Some(span)) = (&from, &until, person.until.as_ref().map(|u| u.span)) {
        if u < f {
            cx.err(
                fi,
                span,
                format!("`until \"{u}\"` is before `from \"{f}\"`"),
            );
        }
    }
    for name in &person.names {
        let toks = phrase_tokens(&name.node);
        if toks.is_empty() {
            cx.err(fi, name.span, "empty alias");
            continue;
        }
        // Keyed by owner and period, so only a repeat under the same actor and period is caught.
        let key = format!("{} #dated {owner} {from:?} {until:?}", toks.join(" "));
        if seen.insert(key, owner.to_string()).is_some() {
            continue;
        }
        let tokens = toks.iter().map(|t| cx.out.vocab.intern(t)).collect();
        cx.out.aliases.push(Alias {
            tokens,
            kind: MentionKind::Actor(ix),
            exact: is_exact_case(&name.node).then(|| name.node.clone()),
            person: true,
            from: from.clone(),
            until: until.clone(),
        });
    }
}

fn add_alias(
    cx: &mut Ctx,
    fi: usize,
    alias: &Spanned<String>,
    kind: MentionKind,
    owner: &str,
    seen: &mut FxHashMap<String, String>,
    person: bool,
) {
    let toks = phrase_tokens(&alias.node);
    if toks.is_empty() {
        cx.err(fi, alias.span, "empty alias");
        return;
    }
    let exact = is_exact_case(&alias.node).then(|| alias.node.clone());
    let key = format!(
        "{}{}",
        toks.join(" "),
        if exact.is_some() { " #exact" } else { "" }
    );
    if let Some(prev) = seen.get(&key) {
        if prev != owner {
            let w = cx.warn(
                fi,
                alias.span,
                "alias-conflict",
                format!("alias \"{}\" already names `{prev}`", alias.node),
            );
            *w = w.clone().with_help(
                "an alias names one actor: the first one keeps it; drop one or make it more specific",
            );
        }
        return;
    }
    seen.insert(key, owner.to_string());
    let tokens = toks.iter().map(|t| cx.out.vocab.intern(t)).collect();
    cx.out.aliases.push(Alias {
        tokens,
        kind,
        exact,
        person,
        from: None,
        until: None,
    });
}

/// Short all-capital aliases ("US", "UN", "AU") only match that exact case.
fn is_exact_case(alias: &str) -> bool {
    let n = alias.chars().count();
    (2..=4).contains(&n) && alias.chars().all(|c| c.is_ascii_uppercase())
}

impl super::Compiled {
    /// The actor codes and the CAMEO actor codes of actor entries `ix` (a speaker's or a
    /// target's, in order of mention): each code once, in order; for each, the most specific
    /// CAMEO code its mentions gave (`ISRSPY` over `ISR`), left out when the actor has none.
    pub(crate) fn codes_of(&self, ix: &[usize]) -> (Vec<String>, Vec<String>) {
        let mut codes: Vec<String> = Vec::new();
        let mut cameos: Vec<Option<&String>> = Vec::new();
        for info in ix.iter().filter_map(|&i| self.actors.get(i)) {
            let cameo = info.cameo.as_ref();
            match codes.iter().position(|c| *c == info.code) {
                Some(k) => {
                    if cameo.map_or(0, String::len) > cameos[k].map_or(0, String::len) {
                        cameos[k] = cameo;
                    }
                }
                None => {
                    codes.push(info.code.clone());
                    cameos.push(cameo);
                }
            }
        }
        (codes, cameos.into_iter().flatten().cloned().collect())
    }
}

/// Drops what compiling needed and nothing after it does: the names of actor blocks (the
/// compiled aliases have them), and the text of files with no rule or guard (their problems
/// are already rendered). A pack with tens of thousands of imported names keeps little of
/// them twice.
pub(crate) fn shed_actor_names(files: &mut [crate::ast::RuleFile]) {
    for file in files {
        let mut rules = false;
        for item in &mut file.items {
            match item {
                Item::Actor(def) => {
                    def.aliases = Vec::new();
                    def.alias_cameos = Vec::new();
                    def.people = Vec::new();
                }
                Item::Rule(_) | Item::Guard(_) => rules = true,
                _ => {}
            }
        }
        if !rules {
            file.source = String::new();
        }
    }
}
