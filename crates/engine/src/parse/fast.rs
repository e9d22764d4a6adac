//! A fast reader for rule files made only of actor blocks written one statement a line (the
//! imported dictionaries: tens of thousands of lines). It gives the same AST as the grammar,
//! without pest's token queue, so that a large pack loads quickly and in little memory. Any
//! line it does not know makes it give up ([`None`]): the grammar then reads the file, and
//! reports its errors as usual.

use crate::ast::{ActorDef, Item, PersonDef, RuleFile, Spanned};

/// The file's AST, if every line is a comment, a blank, `actor CODE "Name" {`, `}`, or one
/// `kind`, `cameo`, `alias`, `person` or `note` statement.
pub(super) fn actors_only(path: &str, source: &str) -> Option<RuleFile> {
    let mut items = Vec::new();
    let mut cur: Option<ActorDef> = None;
    let mut offset = 0;
    for raw in source.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let lead = line.len() - line.trim_start().len();
        let mut r = Reader {
            src: source,
            pos: start + lead,
            end: start + line.len(),
        };
        if r.at_end() || r.peek() == Some(b'#') {
            continue;
        }
        match cur.as_mut() {
            None => cur = Some(r.actor_head()?),
            Some(def) if r.eat("}") => {
                r.done()?;
                items.push(Item::Actor(std::mem::replace(def, empty_actor())));
                cur = None;
            }
            Some(def) => r.statement(def)?,
        }
    }
    if cur.is_some() {
        return None;
    }
    Some(RuleFile {
        path: path.to_string(),
        source: source.to_string(),
        items,
    })
}

fn empty_actor() -> ActorDef {
    ActorDef {
        code: Spanned {
            node: String::new(),
            span: (0, 0),
        },
        name: String::new(),
        kind: None,
        cameo: None,
        aliases: Vec::new(),
        alias_cameos: Vec::new(),
        people: Vec::new(),
    }
}

/// A cursor over one line of the source.
struct Reader<'s> {
    src: &'s str,
    pos: usize,
    end: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.src.as_bytes()[self.pos])
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos >= self.end
    }

    /// The rest of the line is blank or a comment.
    fn done(&mut self) -> Option<()> {
        (self.at_end() || self.peek() == Some(b'#')).then_some(())
    }

    /// Eats keyword or punctuation `word` (a keyword must end there).
    fn eat(&mut self, word: &str) -> bool {
        self.skip_ws();
        let rest = &self.src.as_bytes()[self.pos..self.end];
        let ends = |n: usize| {
            !word.as_bytes()[0].is_ascii_alphabetic()
                || rest
                    .get(n)
                    .is_none_or(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        };
        if rest.starts_with(word.as_bytes()) && ends(word.len()) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// A run of bytes that `ok` accepts, with its span.
    fn run(&mut self, ok: impl Fn(u8) -> bool) -> Option<Spanned<String>> {
        self.skip_ws();
        let s = self.pos;
        while self.peek().is_some_and(&ok) {
            self.pos += 1;
        }
        (self.pos > s).then(|| Spanned {
            node: self.src[s..self.pos].to_string(),
            span: (s, self.pos),
        })
    }

    /// A double-quoted string without escapes other than `\"` and `\\`, with its span.
    fn string(&mut self) -> Option<Spanned<String>> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return None;
        }
        let s = self.pos;
        let mut out = String::new();
        let mut from = s + 1;
        let mut i = from;
        let bytes = self.src.as_bytes();
        loop {
            match bytes.get(i).copied().filter(|_| i < self.end)? {
                b'"' => break,
                b'\\' => {
                    out.push_str(&self.src[from..i]);
                    let next = *bytes.get(i + 1).filter(|_| i + 1 < self.end)?;
                    if next != b'"' && next != b'\\' {
                        return None;
                    }
                    out.push(char::from(next));
                    i += 2;
                    from = i;
                }
                _ => i += 1,
            }
        }
        out.push_str(&self.src[from..i]);
        self.pos = i + 1;
        Some(Spanned {
            node: out,
            span: (s, self.pos),
        })
    }

    /// `actor CODE "Name" {`.
    fn actor_head(&mut self) -> Option<ActorDef> {
        if !self.eat("actor") {
            return None;
        }
        let code = self.run(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')?;
        if !code.node.as_bytes()[0].is_ascii_uppercase() {
            return None;
        }
        let name = self.string()?.node;
        if !self.eat("{") {
            return None;
        }
        self.done()?;
        Some(ActorDef {
            code,
            name,
            ..empty_actor()
        })
    }

    /// One statement of an actor block, on its own line.
    fn statement(&mut self, def: &mut ActorDef) -> Option<()> {
        if self.eat("kind") {
            let kind = self.run(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')?;
            if !kind.node.as_bytes()[0].is_ascii_lowercase() {
                return None;
            }
            def.kind = Some(kind);
        } else if self.eat("cameo") {
            def.cameo = Some(self.string()?.node);
        } else if self.eat("note") {
            self.string()?;
        } else if self.eat("alias") {
            let names = self.names()?;
            let cameo = self.tagged("cameo")?;
            def.alias_cameos
                .extend(std::iter::repeat_n(cameo, names.len()));
            def.aliases.extend(names);
        } else if self.eat("person") {
            let names = self.names()?;
            let role = self.tagged("role")?;
            let cameo = self.tagged("cameo")?;
            let from = self.tagged_span("from")?;
            let until = self.tagged_span("until")?;
            def.people.push(PersonDef {
                names,
                role,
                from,
                until,
                cameo,
            });
        } else {
            return None;
        }
        self.done()
    }

    /// `"A" | "B" ...`.
    fn names(&mut self) -> Option<Vec<Spanned<String>>> {
        let mut names = vec![self.string()?];
        while self.eat("|") {
            names.push(self.string()?);
        }
        Some(names)
    }

    /// `KEYWORD "text"` if it comes next: `Some(None)` when it does not, `None` on a keyword
    /// with no string.
    fn tagged(&mut self, keyword: &str) -> Option<Option<String>> {
        Some(self.tagged_span(keyword)?.map(|s| s.node))
    }

    fn tagged_span(&mut self, keyword: &str) -> Option<Option<Spanned<String>>> {
        if !self.eat(keyword) {
            return Some(None);
        }
        self.string().map(Some)
    }
}
