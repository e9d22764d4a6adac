//! The typed syntax tree of rule files, produced by [`crate::parse`] and read by
//! [`crate::compile`]. Every node keeps the byte range of its source text, for diagnostics.

/// A byte range in one rule file.
pub type SrcSpan = (usize, usize);

/// A value with the source range it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it is written.
    pub span: SrcSpan,
}

/// A pattern of the rule language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// A bare word (may hold hyphens, which split it into tokens).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
    /// `stem*`.
    Prefix(String),
    /// `@NAME`.
    Lexicon(String),
    /// `lemma(a b)`, with the span of each word.
    Lemma(Vec<Spanned<String>>),
    /// Elements in a row.
    Seq(Vec<Spanned<Pattern>>),
    /// Alternatives.
    Alt(Vec<Spanned<Pattern>>),
    /// `x?`.
    Optional(Box<Spanned<Pattern>>),
    /// `~a..b`.
    Gap(u32, u32),
    /// A frame's slot: `SPEAKER`, `TARGET` or `OTHER`.
    Slot(Slot),
}

/// The slots of an attribution frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// The party that makes the statement.
    Speaker,
    /// The party the statement is addressed to or aimed at.
    Target,
    /// A party that is neither: a venue, a counterpart, a news credit.
    Other,
}

/// A rule or a shared guard block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleDef {
    /// The id.
    pub id: Spanned<String>,
    /// The labels.
    pub labels: Vec<Spanned<String>>,
    /// `match` patterns.
    pub matches: Vec<Spanned<Pattern>>,
    /// `unless` patterns.
    pub guards: Vec<Spanned<Pattern>>,
    /// `context` patterns: one of them must match the sentence before.
    pub contexts: Vec<Spanned<Pattern>>,
    /// `expect` examples (raw, with `[[ ]]`).
    pub expects: Vec<ExampleDef>,
    /// `reject` examples.
    pub rejects: Vec<ExampleDef>,
    /// `todo` examples: known misses.
    pub todos: Vec<ExampleDef>,
}

/// An `expect`, `reject` or `todo` example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleDef {
    /// The example (raw, with `[[ ]]`).
    pub text: Spanned<String>,
    /// `by CODE, ...`: the speaker's expected actor codes (`none` gives an empty list).
    pub by: Option<Vec<Spanned<String>>>,
    /// `to CODE, ...`: the target's expected actor codes (`none` gives an empty list).
    pub to: Option<Vec<Spanned<String>>>,
}

/// A person of an actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDef {
    /// The names (full name first, then short forms).
    pub names: Vec<Spanned<String>>,
    /// The role, if given.
    pub role: Option<String>,
    /// First day of the period in which the person speaks for this actor (`from "..."`).
    pub from: Option<Spanned<String>>,
    /// Last day of that period (`until "..."`).
    pub until: Option<Spanned<String>>,
    /// The CAMEO code these names give (`cameo "..."` on the line), if not the actor's own.
    pub cameo: Option<String>,
}

/// An actor block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorDef {
    /// The code.
    pub code: Spanned<String>,
    /// The display name.
    pub name: String,
    /// `state`, `body` or `group`.
    pub kind: Option<Spanned<String>>,
    /// CAMEO actor code.
    pub cameo: Option<String>,
    /// Aliases.
    pub aliases: Vec<Spanned<String>>,
    /// For each alias, the CAMEO code of its `alias` line (`cameo "..."`), if any.
    pub alias_cameos: Vec<Option<String>>,
    /// People.
    pub people: Vec<PersonDef>,
}

/// A top-level item of a rule file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `label NAME ...`.
    Label {
        /// The name.
        name: Spanned<String>,
        /// CAMEO code.
        cameo: Option<String>,
        /// PLOVER code.
        plover: Option<String>,
        /// Description.
        description: Option<String>,
    },
    /// `lemma BASE = FORMS`.
    Lemma {
        /// The base form.
        base: Spanned<String>,
        /// The other forms.
        forms: Vec<String>,
    },
    /// `lexicon NAME = PATTERN`.
    Lexicon {
        /// The name.
        name: Spanned<String>,
        /// The pattern.
        pattern: Spanned<Pattern>,
    },
    /// `rule ID { ... }`.
    Rule(RuleDef),
    /// `guard ID { ... }`.
    Guard(RuleDef),
    /// `frame ID { ... }`.
    Frame(RuleDef),
    /// `actor CODE "Name" { ... }`.
    Actor(ActorDef),
    /// `cue KIND PATTERN`.
    Cue {
        /// The cue kind.
        kind: Spanned<String>,
        /// The pattern.
        pattern: Spanned<Pattern>,
    },
}

/// One parsed rule file.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// The path, for diagnostics.
    pub path: String,
    /// The source text.
    pub source: String,
    /// The items, in order.
    pub items: Vec<Item>,
}
