//! Rule-file text to the typed AST of [`crate::ast`], through the pest grammar.
//!
//! No pest `Pair` or `Rule` leaves this module: syntax errors become [`RuleFileError`]s with
//! the path, line, column and a readable list of what was expected.

use crate::ast::{
    ActorDef, ExampleDef, Item, Pattern, PersonDef, RuleDef, RuleFile, Slot, Spanned,
};
use crate::error::RuleFileError;
use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
struct RulesParser;

/// How deep parentheses may nest in a rule file. pest parses groups by recursion, so a file
/// of thousands of `(` would overflow the stack; real patterns need a handful of levels.
pub(crate) const MAX_NESTING: usize = 32;

mod fast;

/// Parses one rule file. A file of actor blocks written one statement a line (an imported
/// dictionary) is read by a fast reader that gives the same AST.
pub fn parse_file(path: &str, source: &str) -> Result<RuleFile, RuleFileError> {
    if let Some(file) = fast::actors_only(path, source) {
        return Ok(file);
    }
    check_nesting(path, source)?;
    let mut pairs =
        RulesParser::parse(Rule::file, source).map_err(|e| syntax_error(path, source, e))?;
    let file = pairs.next().map(|p| p.into_inner()).into_iter().flatten();
    let items = file
        .filter(|p| p.as_rule() != Rule::EOI)
        .map(item)
        .collect();
    Ok(RuleFile {
        path: path.to_string(),
        source: source.to_string(),
        items,
    })
}

/// Refuses a file whose parentheses nest deeper than [`MAX_NESTING`], before pest sees it.
/// Parentheses inside strings and comments do not count, as in the grammar.
fn check_nesting(path: &str, source: &str) -> Result<(), RuleFileError> {
    let mut depth = 0usize;
    let mut chars = source.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                // Skip the string, escapes included; an unclosed one is pest's to report.
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    let message =
                        format!("parentheses nest deeper than the limit of {MAX_NESTING} levels");
                    return Err(RuleFileError::at(path, source, i, i + 1, message)
                        .with_help("flatten the groups; deep nesting is refused so that parsing cannot overflow the stack"));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn syntax_error(path: &str, source: &str, e: pest::error::Error<Rule>) -> RuleFileError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let message = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } if !positives.is_empty() => {
            let mut names: Vec<&str> = positives.iter().map(rule_name).collect();
            names.sort_unstable();
            names.dedup();
            format!("syntax error: expected {}", names.join(", "))
        }
        pest::error::ErrorVariant::CustomError { message } => message.clone(),
        _ => "syntax error".to_string(),
    };
    let end = source[pos..]
        .find(char::is_whitespace)
        .map_or(source.len(), |i| pos + i);
    RuleFileError::at(path, source, pos, end, message)
        .with_help("see docs/rule-language.md for the syntax of each construct")
}

fn rule_name(r: &Rule) -> &'static str {
    match r {
        Rule::EOI => "end of file",
        Rule::item
        | Rule::label_def
        | Rule::lemma_def
        | Rule::lexicon_def
        | Rule::rule_def
        | Rule::guard_def
        | Rule::frame_def
        | Rule::actor_def
        | Rule::cue_def => {
            "a top-level item (label, lemma, lexicon, rule, guard, frame, actor, cue)"
        }
        Rule::rule_stmt
        | Rule::label_stmt
        | Rule::match_stmt
        | Rule::unless_stmt
        | Rule::context_stmt
        | Rule::expect_stmt
        | Rule::reject_stmt
        | Rule::todo_stmt
        | Rule::note_stmt => {
            "`label`, `match`, `unless`, `context`, `expect`, `reject`, `todo`, `note` or `}`"
        }
        Rule::by_clause | Rule::speaker_code => "`by` and actor codes (`by UN, RUS` or `by none`)",
        Rule::to_clause => "`to` and actor codes (`to ARM, AZE` or `to none`)",
        Rule::actor_stmt
        | Rule::kind_stmt
        | Rule::cameo_stmt
        | Rule::alias_stmt
        | Rule::person_stmt
        | Rule::person_dated_stmt => "`kind`, `cameo`, `alias`, `person`, `note` or `}`",
        Rule::mention_cameo => "`cameo \"CODE\"`",
        Rule::person_from | Rule::person_until => "`from \"YYYY-MM-DD\"` or `until \"YYYY-MM-DD\"`",
        Rule::string => "a quoted string",
        Rule::name => "a lower-case name",
        Rule::upper_name => "an upper-case name",
        Rule::rule_id => "a rule id like `label.what-it-matches`",
        Rule::word | Rule::any_word => "a word",
        Rule::pattern
        | Rule::alt
        | Rule::seq
        | Rule::elem
        | Rule::atom
        | Rule::phrase
        | Rule::prefix
        | Rule::lex_ref
        | Rule::lemma_call
        | Rule::group
        | Rule::gap => "a pattern element (word, \"phrase\", @LEXICON, lemma(...), (...), ~a..b)",
        Rule::optional => "`?`",
        Rule::int => "a number",
        _ => "something else",
    }
}

fn spanned<T>(pair: &Pair<Rule>, node: T) -> Spanned<T> {
    let s = pair.as_span();
    Spanned {
        node,
        span: (s.start(), s.end()),
    }
}

fn text(pair: &Pair<Rule>) -> Spanned<String> {
    spanned(pair, pair.as_str().to_string())
}

/// The unescaped contents of a `string` pair, spanned over the whole literal.
fn string(pair: Pair<Rule>) -> Spanned<String> {
    let raw = pair.clone().into_inner().next().map_or("", |p| p.as_str());
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    spanned(&pair, out)
}

fn item(pair: Pair<Rule>) -> Item {
    match pair.as_rule() {
        Rule::label_def => label_def(pair),
        Rule::lemma_def => {
            let mut it = pair.into_inner();
            let base = it.next().map(|p| text(&p)).unwrap_or_else(empty);
            Item::Lemma {
                base,
                forms: it.map(|p| p.as_str().to_string()).collect(),
            }
        }
        Rule::lexicon_def => {
            let mut it = pair.into_inner();
            let name = it.next().map(|p| text(&p)).unwrap_or_else(empty);
            let pattern = it.next().map(pattern).unwrap_or_else(empty_pattern);
            Item::Lexicon { name, pattern }
        }
        Rule::rule_def => Item::Rule(rule_def(pair)),
        Rule::guard_def => Item::Guard(rule_def(pair)),
        Rule::frame_def => Item::Frame(rule_def(pair)),
        Rule::actor_def => Item::Actor(actor_def(pair)),
        Rule::cue_def => {
            let mut it = pair.into_inner();
            let kind = it.next().map(|p| text(&p)).unwrap_or_else(empty);
            let pattern = it.next().map(pattern).unwrap_or_else(empty_pattern);
            Item::Cue { kind, pattern }
        }
        _ => unreachable!("grammar: unexpected item {:?}", pair.as_rule()),
    }
}

fn empty() -> Spanned<String> {
    Spanned {
        node: String::new(),
        span: (0, 0),
    }
}

fn empty_pattern() -> Spanned<Pattern> {
    Spanned {
        node: Pattern::Seq(Vec::new()),
        span: (0, 0),
    }
}

fn label_def(pair: Pair<Rule>) -> Item {
    let mut it = pair.into_inner();
    let name = it.next().map(|p| text(&p)).unwrap_or_else(empty);
    let (mut cameo, mut plover, mut description) = (None, None, None);
    for p in it {
        match p.as_rule() {
            Rule::label_cameo => cameo = p.into_inner().next().map(|s| string(s).node),
            Rule::label_plover => plover = p.into_inner().next().map(|s| string(s).node),
            _ => description = Some(string(p).node),
        }
    }
    Item::Label {
        name,
        cameo,
        plover,
        description,
    }
}

fn rule_def(pair: Pair<Rule>) -> RuleDef {
    let mut it = pair.into_inner();
    let id = it.next().map(|p| text(&p)).unwrap_or_else(empty);
    let mut def = RuleDef {
        id,
        labels: Vec::new(),
        matches: Vec::new(),
        guards: Vec::new(),
        contexts: Vec::new(),
        expects: Vec::new(),
        rejects: Vec::new(),
        todos: Vec::new(),
    };
    for stmt in it {
        let rule = stmt.as_rule();
        let mut inner = stmt.into_inner();
        match rule {
            Rule::label_stmt => def.labels.extend(inner.map(|p| text(&p))),
            Rule::match_stmt => def.matches.extend(inner.next().map(pattern)),
            Rule::unless_stmt => def.guards.extend(inner.next().map(pattern)),
            Rule::context_stmt => def.contexts.extend(inner.next().map(pattern)),
            Rule::expect_stmt => def.expects.extend(example(inner)),
            Rule::reject_stmt => def.rejects.extend(example(inner)),
            Rule::todo_stmt => def.todos.extend(example(inner)),
            _ => {}
        }
    }
    def
}

/// The string of an example statement and its optional `by` and `to` clauses.
fn example(mut inner: pest::iterators::Pairs<Rule>) -> Option<ExampleDef> {
    let example = inner.next().map(string)?;
    let (mut by, mut to) = (None, None);
    for clause in inner {
        let rule = clause.as_rule();
        let codes = clause.into_inner().map(|code| text(&code)).collect();
        match rule {
            Rule::to_clause => to = Some(codes),
            _ => by = Some(codes),
        }
    }
    Some(ExampleDef {
        text: example,
        by,
        to,
    })
}

fn actor_def(pair: Pair<Rule>) -> ActorDef {
    let mut it = pair.into_inner();
    let code = it.next().map(|p| text(&p)).unwrap_or_else(empty);
    let name = it.next().map(|p| string(p).node).unwrap_or_default();
    let mut def = ActorDef {
        code,
        name,
        kind: None,
        cameo: None,
        aliases: Vec::new(),
        alias_cameos: Vec::new(),
        people: Vec::new(),
    };
    for stmt in it {
        let rule = stmt.as_rule();
        let mut inner = stmt.into_inner();
        match rule {
            Rule::kind_stmt => def.kind = inner.next().map(|p| text(&p)),
            Rule::cameo_stmt => def.cameo = inner.next().map(|p| string(p).node),
            Rule::alias_stmt => {
                let mut cameo = None;
                let start = def.aliases.len();
                for p in inner {
                    match p.as_rule() {
                        Rule::mention_cameo => {
                            cameo = p.into_inner().next().map(|s| string(s).node)
                        }
                        _ => def.aliases.push(string(p)),
                    }
                }
                let n = def.aliases.len() - start;
                def.alias_cameos.extend(std::iter::repeat_n(cameo, n));
            }
            Rule::person_stmt | Rule::person_dated_stmt => {
                let mut person = PersonDef {
                    names: Vec::new(),
                    role: None,
                    from: None,
                    until: None,
                    cameo: None,
                };
                for p in inner {
                    match p.as_rule() {
                        Rule::person_role => {
                            person.role = p.into_inner().next().map(|s| string(s).node)
                        }
                        Rule::person_from => person.from = p.into_inner().next().map(string),
                        Rule::person_until => person.until = p.into_inner().next().map(string),
                        Rule::mention_cameo => {
                            person.cameo = p.into_inner().next().map(|s| string(s).node)
                        }
                        _ => person.names.push(string(p)),
                    }
                }
                def.people.push(person);
            }
            _ => {}
        }
    }
    def
}

/// A `pattern` or `alt` pair to a spanned [`Pattern`], flattening one-element nodes.
fn pattern(pair: Pair<Rule>) -> Spanned<Pattern> {
    match pair.as_rule() {
        Rule::pattern | Rule::group => {
            let inner = pair.into_inner().next();
            inner.map(pattern).unwrap_or_else(empty_pattern)
        }
        Rule::alt => collapse(
            &pair.clone(),
            pair.into_inner().map(pattern).collect(),
            Pattern::Alt,
        ),
        Rule::seq => collapse(
            &pair.clone(),
            pair.into_inner().map(pattern).collect(),
            Pattern::Seq,
        ),
        Rule::elem => {
            let span = pair.as_span();
            let mut inner = pair.into_inner();
            let atom = inner.next().map(pattern).unwrap_or_else(empty_pattern);
            match inner.next() {
                Some(_) => Spanned {
                    node: Pattern::Optional(Box::new(atom)),
                    span: (span.start(), span.end()),
                },
                None => atom,
            }
        }
        _ => atom(pair),
    }
}

fn collapse(
    pair: &Pair<Rule>,
    mut parts: Vec<Spanned<Pattern>>,
    make: fn(Vec<Spanned<Pattern>>) -> Pattern,
) -> Spanned<Pattern> {
    if parts.len() == 1 {
        parts.pop().unwrap_or_else(empty_pattern)
    } else {
        spanned(pair, make(parts))
    }
}

fn atom(pair: Pair<Rule>) -> Spanned<Pattern> {
    match pair.as_rule() {
        Rule::word => spanned(&pair, Pattern::Word(pair.as_str().to_string())),
        Rule::slot => {
            let slot = match pair.as_str() {
                "SPEAKER" => Slot::Speaker,
                "TARGET" => Slot::Target,
                _ => Slot::Other,
            };
            spanned(&pair, Pattern::Slot(slot))
        }
        Rule::phrase => {
            let s = pair.into_inner().next().map(string).unwrap_or_else(empty);
            Spanned {
                node: Pattern::Phrase(s.node),
                span: s.span,
            }
        }
        Rule::prefix => {
            let stem = pair
                .clone()
                .into_inner()
                .next()
                .map_or("", |p| p.as_str())
                .to_string();
            spanned(&pair, Pattern::Prefix(stem))
        }
        Rule::lex_ref => {
            let name = pair
                .clone()
                .into_inner()
                .next()
                .map_or("", |p| p.as_str())
                .to_string();
            spanned(&pair, Pattern::Lexicon(name))
        }
        Rule::lemma_call => {
            let words = pair.clone().into_inner().map(|p| text(&p)).collect();
            spanned(&pair, Pattern::Lemma(words))
        }
        Rule::gap => {
            let nums: Vec<u32> = pair
                .clone()
                .into_inner()
                .filter_map(|p| p.as_str().parse().ok())
                .collect();
            let (lo, hi) = match nums.as_slice() {
                [hi] => (0, *hi),
                [lo, hi] => (*lo, *hi),
                _ => (0, 0),
            };
            spanned(&pair, Pattern::Gap(lo, hi))
        }
        _ => pattern(pair),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(src: &str) -> Vec<Item> {
        match parse_file("t.rules", src) {
            Ok(f) => f.items,
            Err(e) => panic!("{}", e.render()),
        }
    }

    fn first_pattern(src: &str) -> Pattern {
        match parse_ok(src).remove(0) {
            Item::Lexicon { pattern, .. } => pattern.node,
            other => panic!("not a lexicon: {other:?}"),
        }
    }

    fn w(s: &str) -> Pattern {
        Pattern::Word(s.into())
    }

    fn strip(p: Pattern) -> Pattern {
        // Spans differ per case; compare shapes only.
        fn s(p: Spanned<Pattern>) -> Spanned<Pattern> {
            Spanned {
                node: strip(p.node),
                span: (0, 0),
            }
        }
        match p {
            Pattern::Seq(v) => Pattern::Seq(v.into_iter().map(s).collect()),
            Pattern::Alt(v) => Pattern::Alt(v.into_iter().map(s).collect()),
            Pattern::Optional(b) => Pattern::Optional(Box::new(s(*b))),
            Pattern::Lemma(v) => Pattern::Lemma(
                v.into_iter()
                    .map(|x| Spanned {
                        node: x.node,
                        span: (0, 0),
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    fn sp(p: Pattern) -> Spanned<Pattern> {
        Spanned {
            node: p,
            span: (0, 0),
        }
    }

    #[test]
    fn pattern_shapes() {
        let cases: &[(&str, Pattern)] = &[
            ("lexicon A = restraint", w("restraint")),
            (
                "lexicon A = \"cease-fire\"",
                Pattern::Phrase("cease-fire".into()),
            ),
            ("lexicon A = escalat*", Pattern::Prefix("escalat".into())),
            ("lexicon A = @TRUCE", Pattern::Lexicon("TRUCE".into())),
            ("lexicon A = ~0..4", Pattern::Gap(0, 4)),
            ("lexicon A = ~3", Pattern::Gap(0, 3)),
            (
                "lexicon A = a b",
                Pattern::Seq(vec![sp(w("a")), sp(w("b"))]),
            ),
            (
                "lexicon A = a | b",
                Pattern::Alt(vec![sp(w("a")), sp(w("b"))]),
            ),
            (
                "lexicon A = a? b",
                Pattern::Seq(vec![
                    sp(Pattern::Optional(Box::new(sp(w("a"))))),
                    sp(w("b")),
                ]),
            ),
            (
                "lexicon A = (a | b) c",
                Pattern::Seq(vec![
                    sp(Pattern::Alt(vec![sp(w("a")), sp(w("b"))])),
                    sp(w("c")),
                ]),
            ),
            (
                "lexicon A = lemma(urge call)",
                Pattern::Lemma(vec![
                    Spanned {
                        node: "urge".into(),
                        span: (0, 0),
                    },
                    Spanned {
                        node: "call".into(),
                        span: (0, 0),
                    },
                ]),
            ),
        ];
        for (src, want) in cases {
            assert_eq!(strip(first_pattern(src)), *want, "{src}");
        }
    }

    #[test]
    fn keywords_end_patterns_and_comments_are_skipped() {
        let items = parse_ok(
            "rule restraint.x { # a comment\n label restraint\n match exercise restraint\n unless not exercise\n expect \"We [[exercise restraint]].\"\n reject \"No.\" }",
        );
        let Item::Rule(r) = &items[0] else {
            panic!("not a rule")
        };
        assert_eq!(r.id.node, "restraint.x");
        assert_eq!(r.labels[0].node, "restraint");
        assert_eq!(r.matches.len(), 1);
        assert_eq!(r.guards.len(), 1);
        assert_eq!(r.expects[0].text.node, "We [[exercise restraint]].");
        assert_eq!(r.rejects[0].text.node, "No.");
    }

    #[test]
    fn labels_actors_cues_and_lemmas() {
        let items = parse_ok(
            "label ceasefire cameo \"0256\" plover \"REQUEST\" \"Stop fighting\"\n\
             lemma urge = urges urged urging\n\
             actor RUS \"Russia\" { kind state cameo \"RUS\" alias \"Russia\" | \"Moscow\" person \"Dmitry Peskov\" | \"Peskov\" role \"Kremlin spokesperson\" }\n\
             cue speech lemma(urge) | said",
        );
        assert_eq!(items.len(), 4);
        let Item::Label {
            cameo,
            plover,
            description,
            ..
        } = &items[0]
        else {
            panic!()
        };
        assert_eq!(
            (cameo.as_deref(), plover.as_deref(), description.as_deref()),
            (Some("0256"), Some("REQUEST"), Some("Stop fighting"))
        );
        let Item::Lemma { base, forms } = &items[1] else {
            panic!()
        };
        assert_eq!((base.node.as_str(), forms.len()), ("urge", 3));
        let Item::Actor(a) = &items[2] else { panic!() };
        assert_eq!(a.aliases.len(), 2);
        assert_eq!(a.people[0].names.len(), 2);
        assert_eq!(a.people[0].role.as_deref(), Some("Kremlin spokesperson"));
        assert!(matches!(&items[3], Item::Cue { kind, .. } if kind.node == "speech"));
    }

    #[test]
    fn syntax_errors_are_positioned() {
        let cases: &[(&str, usize, usize)] = &[
            ("rule x.y {\n  label restraint\n  match ( a b\n}", 4, 1),
            ("lexicon A = \n", 2, 1),
            ("label restraint\nfoo bar", 2, 1),
            ("rule x.y {\n  expect unquoted\n}", 2, 10),
        ];
        for (src, line, col) in cases {
            let e = parse_file("t.rules", src).expect_err(src);
            assert_eq!((e.line, e.col), (*line, *col), "{src}: {}", e.render());
            assert!(e.message.starts_with("syntax error"), "{}", e.message);
        }
    }

    #[test]
    fn the_fast_reader_gives_the_grammars_ast() {
        let src = "# imported\nactor RUS \"Russia\" {\n  alias \"Kremlin\" | \"Moscow\"\n  alias \"FSB\" cameo \"RUSCOP\"\n  person \"A \\\"B\\\" C\" | \"C\" role \"r\" cameo \"RUSGOV\" from \"1991\" until \"1999-12\" # x\n}\n\nactor X_Y \"X\" {\n  kind group\n  cameo \"YEMREB\"\n  note \"n\"\n  person \"P\" until \"2001\"\n}\n";
        let fast = fast::actors_only("a.rules", src).expect("the fast reader reads it");
        check_nesting("a.rules", src).expect("no nesting");
        let mut pairs = RulesParser::parse(Rule::file, src).expect("the grammar reads it");
        let file = pairs.next().map(|p| p.into_inner()).into_iter().flatten();
        let items: Vec<Item> = file
            .filter(|p| p.as_rule() != Rule::EOI)
            .map(item)
            .collect();
        assert_eq!(fast.items, items);
        for bad in [
            "actor A \"a\" { alias \"x\" }\n",
            "actor A \"a\" {\n  alias \"x\" |\n}\n",
            "rule a.b {\n}\n",
            "actor A \"a\" {\n",
        ] {
            assert!(fast::actors_only("a.rules", bad).is_none(), "{bad}");
        }
    }
}
