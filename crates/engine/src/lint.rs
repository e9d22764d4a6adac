//! Lints that need a compiled pack and its embedded examples (warnings, never errors):
//!
//! - `missing-example`: a rule with no `expect`, or a stance rule with no `reject`;
//! - `unexercised-alternative`: an alternative of a rule's own `match` pattern that no
//!   `expect` example matches through (lexicons and lemmas are not split);
//! - `guard-blocks-expects`: an `unless` that blocks every `expect` example its rule matches;
//! - `shadowed-rule`: a stance rule all of whose `expect` matches another rule of the same
//!   label also matches, so it never adds a stance there;
//! - `wide-gap`: a gap wider than 8 tokens that no `expect` example needs: every example the
//!   rule matches, it still matches with the gap cut to 8, with the same evidence. A wide gap
//!   that an example needs is a documented choice, not an accident, so it is not reported.
//!
//! The lints found while compiling (`duplicate-id`, `alias-conflict`, `duplicate-alternative`,
//! `unused-lexicon`) live in [`crate::compile`].

use crate::ast::{Pattern, Spanned, SrcSpan};
use crate::compile::{RuleKind, WIDE_GAP};
use crate::error::Diagnostic;
use crate::matcher::{find_all, find_overlapping, overlaps, Node, View};
use crate::text::Document;
use crate::RuleSet;

/// The example-based lints of `rs`.
pub(crate) fn example_lints(rs: &RuleSet) -> Vec<Diagnostic> {
    let docs: Vec<Vec<Document>> =
        rs.c.rules
            .iter()
            .map(|r| {
                r.examples
                    .iter()
                    .filter(|e| e.expect && !e.todo)
                    .map(|e| Document::analyse(&e.text))
                    .collect()
            })
            .collect();
    let mut out = Vec::new();
    for (ri, rule) in rs.c.rules.iter().enumerate() {
        let Some(def) = rs.rule_def(ri) else {
            continue;
        };
        let at = |span: SrcSpan, code: &'static str, msg: String, help: &str| {
            let f = &rs.files[rule.origin.0];
            Diagnostic::at(&f.path, &f.source, span.0, span.1, msg)
                .warning(code)
                .with_help(help)
        };
        if docs[ri].is_empty() {
            out.push(at(
                def.id.span,
                "missing-example",
                format!("`{}` has no `expect` example", rule.id),
                "add `expect \"a sentence it must match, with the [[evidence]] marked\"`",
            ));
            continue;
        }
        if rule.kind == RuleKind::Stance && !rule.examples.iter().any(|e| !e.expect) {
            out.push(at(
                def.id.span,
                "missing-example",
                format!("`{}` has no `reject` example", rule.id),
                "add `reject \"a near miss it must not match\"`",
            ));
        }
        for (pat, node) in def.matches.iter().zip(rule.patterns.iter()) {
            let mut sites = Vec::new();
            alternative_sites(pat, node, &mut Vec::new(), &mut sites);
            for (path, spans) in sites {
                let unused: Vec<SrcSpan> = (0..spans.len())
                    .filter(|&k| {
                        let only = [restrict(node, &path, k)];
                        !docs[ri]
                            .iter()
                            .any(|d| sentences(rs, d).any(|v| !find_all(&only[..], &v).is_empty()))
                    })
                    .map(|k| spans[k])
                    .collect();
                if let Some(&first) = unused.first() {
                    let source = &rs.files[rule.origin.0].source;
                    let mut names: Vec<String> = unused
                        .iter()
                        .take(6)
                        .map(|s| format!("`{}`", &source[s.0..s.1]))
                        .collect();
                    if unused.len() > 6 {
                        names.push(format!("and {} more", unused.len() - 6));
                    }
                    out.push(at(
                        first,
                        "unexercised-alternative",
                        format!(
                            "{} of {} alternatives here are not exercised by any `expect` example of `{}`: {}",
                            unused.len(),
                            spans.len(),
                            rule.id,
                            names.join(", ")
                        ),
                        "add `expect` examples that use them, or drop them",
                    ));
                }
            }
        }
        out.extend(wide_gaps(rs, ri, &docs[ri], &at));
        if rule.kind == RuleKind::Stance {
            for (g, gdef) in rule.guards.iter().zip(&def.guards) {
                if blocks_every_expect(rs, ri, g, &docs[ri]) {
                    out.push(at(
                        gdef.span,
                        "guard-blocks-expects",
                        format!(
                            "this `unless` blocks every `expect` example of `{}`",
                            rule.id
                        ),
                        "narrow the guard, or fix the examples",
                    ));
                }
            }
        }
    }
    out.extend(shadowed(rs, &docs));
    out
}

/// The sentence views of an example document.
fn sentences<'d>(rs: &'d RuleSet, d: &'d Document<'d>) -> impl Iterator<Item = View<'d>> + 'd {
    (0..d.sentences.len()).map(move |si| View::new(d, si, &rs.c.vocab))
}

/// Pushes, for every user-written alternation in `p` (not inside lexicons or lemmas), the
/// path to its compiled `Alt` node and the source span of each alternative. Patterns compile
/// structurally (a `Seq` to a `Seq` of the same length, and so on), so the two trees are
/// walked side by side.
fn alternative_sites(
    p: &Spanned<Pattern>,
    n: &Node,
    path: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, Vec<SrcSpan>)>,
) {
    let children: Vec<(&Spanned<Pattern>, &Node)> = match (&p.node, n) {
        (Pattern::Seq(ps), Node::Seq(ns)) | (Pattern::Alt(ps), Node::Alt(ns))
            if ps.len() == ns.len() =>
        {
            ps.iter().zip(ns).collect()
        }
        (Pattern::Optional(p), Node::Opt(n)) => vec![(&**p, &**n)],
        _ => return,
    };
    if let Pattern::Alt(ps) = &p.node {
        out.push((path.clone(), ps.iter().map(|p| p.span).collect()));
    }
    for (i, (cp, cn)) in children.into_iter().enumerate() {
        path.push(i);
        alternative_sites(cp, cn, path, out);
        path.pop();
    }
}

/// `n` with the `Alt` at `path` replaced by its alternative `pick`.
fn restrict(n: &Node, path: &[usize], pick: usize) -> Node {
    replace_at(n, path, &|node| match node {
        Node::Alt(ns) => ns.get(pick).cloned().unwrap_or_else(|| node.clone()),
        _ => node.clone(),
    })
}

/// `n` with the node at `path` (child indices through sequences, alternatives and optionals)
/// replaced by `leaf` of it.
fn replace_at(n: &Node, path: &[usize], leaf: &dyn Fn(&Node) -> Node) -> Node {
    let Some((&i, rest)) = path.split_first() else {
        return leaf(n);
    };
    match n {
        Node::Seq(ns) | Node::Alt(ns) => {
            let mut ns = ns.clone();
            if let Some(c) = ns.get_mut(i) {
                *c = replace_at(c, rest, leaf);
            }
            if matches!(n, Node::Seq(_)) {
                Node::Seq(ns)
            } else {
                Node::Alt(ns)
            }
        }
        Node::Opt(inner) => Node::Opt(Box::new(replace_at(inner, rest, leaf))),
        _ => n.clone(),
    }
}

/// The matches of a pattern list in each sentence of an example.
type ExampleMatches = Vec<Vec<(usize, usize)>>;

/// Lint `wide-gap` for rule `ri`: each gap wider than [`WIDE_GAP`] that no `expect` example
/// of the rule needs (the examples the rule matches, it matches as well with that gap cut, with
/// the same evidence).
fn wide_gaps(
    rs: &RuleSet,
    ri: usize,
    docs: &[Document],
    at: &dyn Fn(SrcSpan, &'static str, String, &str) -> Diagnostic,
) -> Vec<Diagnostic> {
    let Some(def) = rs.rule_def(ri) else {
        return Vec::new();
    };
    let patterns = &rs.c.rules[ri].patterns;
    // What the patterns match in an example: an example needs a gap's width when cutting the
    // gap changes it (no match, or other evidence than the example marks).
    let matches = |ps: &[Node], d: &Document| -> ExampleMatches {
        sentences(rs, d).map(|v| find_all(ps, &v)).collect()
    };
    let needed: Vec<(&Document, ExampleMatches)> = docs
        .iter()
        .map(|d| (d, matches(&patterns[..], d)))
        .filter(|(_, m)| m.iter().any(|s| !s.is_empty()))
        .collect();
    let mut out = Vec::new();
    for (pi, (pat, node)) in def.matches.iter().zip(patterns.iter()).enumerate() {
        let mut sites = Vec::new();
        gap_sites(pat, node, &mut Vec::new(), &mut sites);
        for (path, span, lo, hi) in sites {
            let mut cut: Vec<Node> = patterns.iter().cloned().collect();
            cut[pi] = with_gap(node, &path, lo.min(WIDE_GAP), WIDE_GAP);
            if needed.iter().any(|(d, m)| matches(&cut, d) != *m) {
                continue;
            }
            out.push(at(
                span,
                "wide-gap",
                format!("gap `~{lo}..{hi}` is wider than {WIDE_GAP} tokens, and no `expect` example needs it"),
                "wide gaps reach across clauses and catch unrelated words: name the words in between, or add the `expect` example that needs the width",
            ));
        }
    }
    out
}

/// Pushes the path, source span and bounds of every gap in `p` wider than [`WIDE_GAP`],
/// walking the source and compiled trees side by side as [`alternative_sites`] does.
fn gap_sites(
    p: &Spanned<Pattern>,
    n: &Node,
    path: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, SrcSpan, u32, u32)>,
) {
    let children: Vec<(&Spanned<Pattern>, &Node)> = match (&p.node, n) {
        (Pattern::Gap(lo, hi), Node::Gap(..)) if *hi > WIDE_GAP => {
            out.push((path.clone(), p.span, *lo, *hi));
            return;
        }
        (Pattern::Seq(ps), Node::Seq(ns)) | (Pattern::Alt(ps), Node::Alt(ns))
            if ps.len() == ns.len() =>
        {
            ps.iter().zip(ns).collect()
        }
        (Pattern::Optional(p), Node::Opt(n)) => vec![(&**p, &**n)],
        _ => return,
    };
    for (i, (cp, cn)) in children.into_iter().enumerate() {
        path.push(i);
        gap_sites(cp, cn, path, out);
        path.pop();
    }
}

/// `n` with the node at `path` replaced by the gap `~lo..hi`.
fn with_gap(n: &Node, path: &[usize], lo: u32, hi: u32) -> Node {
    replace_at(n, path, &|_| Node::Gap(lo, hi))
}

/// True if rule `ri` matches some `expect` example, and guard `g` overlaps every such match.
fn blocks_every_expect(rs: &RuleSet, ri: usize, g: &Node, docs: &[Document]) -> bool {
    let mut matched = false;
    for d in docs {
        for v in sentences(rs, d) {
            let ms = find_all(&rs.c.rules[ri].patterns, &v);
            if ms.is_empty() {
                continue;
            }
            matched = true;
            let gs = find_overlapping(std::slice::from_ref(g), &v);
            if ms.iter().any(|m| !gs.iter().any(|x| overlaps(*m, *x))) {
                return false;
            }
        }
    }
    matched
}

/// A rule's matches in each sentence of each of its examples.
type PerExample = Vec<Vec<Vec<(usize, usize)>>>;

/// Lint `shadowed-rule` over all stance rules.
fn shadowed(rs: &RuleSet, docs: &[Vec<Document>]) -> Vec<Diagnostic> {
    let rules = &rs.c.rules;
    let stance: Vec<usize> = (0..rules.len())
        .filter(|&i| rules[i].kind == RuleKind::Stance)
        .collect();
    // For each rule, per example of its own: its guarded matches, per sentence.
    let own: Vec<PerExample> = (0..rules.len())
        .map(|ri| {
            docs[ri]
                .iter()
                .map(|d| sentences(rs, d).map(|v| matches_of(rs, ri, &v)).collect())
                .collect()
        })
        .collect();
    let covers = |b: usize, a: usize| -> bool {
        let mut any = false;
        for (d, per_sentence) in docs[a].iter().zip(&own[a]) {
            for (v, ms) in sentences(rs, d).zip(per_sentence) {
                if ms.is_empty() {
                    continue;
                }
                any = true;
                let bs = matches_of(rs, b, &v);
                if !ms.iter().all(|m| bs.iter().any(|x| overlaps(*m, *x))) {
                    return false;
                }
            }
        }
        any
    };
    let mut out = Vec::new();
    for &a in &stance {
        for &b in &stance {
            if a == b || !rules[a].labels.iter().any(|l| rules[b].labels.contains(l)) {
                continue;
            }
            // Two rules that cover each other are reported once, on the later one.
            if covers(b, a) && !(a < b && covers(a, b)) {
                let Some(def) = rs.rule_def(a) else { continue };
                let f = &rs.files[rules[a].origin.0];
                out.push(
                    Diagnostic::at(
                        &f.path,
                        &f.source,
                        def.id.span.0,
                        def.id.span.1,
                        format!(
                            "`{}` is shadowed by `{}`: every `expect` match of it, `{}` matches too",
                            rules[a].id, rules[b].id, rules[b].id
                        ),
                    )
                    .warning("shadowed-rule")
                    .with_help("add an `expect` example only this rule catches, or merge the two"),
                );
                break;
            }
        }
    }
    out
}

/// The matches of rule `ri` in a sentence, its own and the shared guards applied.
fn matches_of(rs: &RuleSet, ri: usize, v: &View) -> Vec<(usize, usize)> {
    if !rs.may_match(ri, v) {
        return Vec::new();
    }
    rs.rule_matches(ri, v)
}

#[cfg(test)]
mod tests {
    use crate::{check_sources, Severity};

    const HEAD: &str = "label restraint\nlabel ceasefire\nlemma urge = urges urged\n";

    /// The lint codes `check` reports for a pack made of `HEAD` and `body`, with their lines.
    fn lints(body: &str) -> Vec<(usize, &'static str)> {
        let src = format!("{HEAD}{body}");
        let report = check_sources(&[("t.rules", src.as_str())]);
        assert!(report.rules.is_some(), "{:#?}", report.diagnostics);
        report
            .diagnostics
            .iter()
            .map(|d| {
                assert_eq!(d.severity, Severity::Warning);
                (d.line, d.code.unwrap_or("?"))
            })
            .collect()
    }

    #[test]
    fn each_lint_fires_on_its_case_and_only_there() {
        let cases: &[(&str, &[(usize, &str)])] = &[
            (
                "rule a.b { label restraint match exercise restraint\n expect \"[[exercise restraint]]\" reject \"x\" }\n",
                &[],
            ),
            (
                "rule a.b { label restraint match exercise restraint\n expect \"[[exercise restraint]]\" }\n",
                &[(4, "missing-example")],
            ),
            (
                "rule a.b { label restraint match exercise restraint reject \"x\" }\n",
                &[(4, "missing-example")],
            ),
            (
                "rule a.b { label restraint match exercise (full | utmost) restraint\n expect \"[[exercise full restraint]]\" reject \"x\" }\n",
                &[(4, "unexercised-alternative")],
            ),
            (
                "rule a.b { label restraint match lemma(urge) restraint unless urged\n expect \"[[urged restraint]]\" reject \"x\" }\n",
                &[(4, "guard-blocks-expects")],
            ),
            (
                "rule a.b { label restraint match exercise restraint\n expect \"[[exercise restraint]]\" reject \"x\" }\n\
                 rule a.c { label restraint match restraint\n expect \"[[restraint]]\" reject \"x\" }\n",
                &[(4, "shadowed-rule")],
            ),
            (
                "rule a.b { label restraint match (truce | \"Truce\") ~0..9 restraint\n expect \"[[truce and restraint]]\" reject \"x\" }\n",
                &[(4, "duplicate-alternative"), (4, "wide-gap")],
            ),
            (
                "rule a.b { label restraint match truce ~0..9 restraint\n expect \"[[truce one two three four five six seven eight nine restraint]]\" reject \"x\" }\n",
                &[],
            ),
            // The example still matches with the gap cut ("truce ... restraint" from the second
            // truce), but not with the evidence it marks: the width is needed.
            (
                "rule a.b { label restraint match truce ~0..9 restraint\n expect \"[[truce one two truce four five six seven eight nine restraint]]\" reject \"x\" }\n",
                &[],
            ),
            ("lexicon NOPE = x\n", &[(4, "unused-lexicon")]),
            (
                "actor A \"A\" { alias \"Alpha\" }\nactor B \"B\" { alias \"alpha\" }\n",
                &[(5, "alias-conflict")],
            ),
            (
                "guard a.b { label ceasefire match did not\n expect \"It [[did not]].\" }\n\
                 guard a.b { label ceasefire match did never\n expect \"It [[did never]].\" }\n",
                &[(6, "duplicate-id")],
            ),
        ];
        for (body, want) in cases {
            assert_eq!(lints(body), *want, "{body}");
        }
    }
}
