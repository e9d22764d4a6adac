//! The text pipeline: normalisation for matching, paragraphs, sentences and tokens.
//!
//! It owns everything between the article bytes and the token stream the matcher reads; it
//! knows nothing of rules. Every span it produces is a byte range into the *original* text, so
//! the folded forms are for comparison only and never shown.
//!
//! Decisions taken once here and used by both articles and rule phrases ([`phrase_tokens`]):
//! - folding: lower case, diacritics removed (NFD minus combining marks), typographic quotes,
//!   apostrophes and dashes replaced by their ASCII forms;
//! - hyphenated words are split into their parts and the hyphen is dropped: "de-escalate" gives
//!   `de` `escalate` (the second with `joined = true`), in rules and in text alike;
//! - a possessive `'s` / `’s` is a token of its own (`russia` `'s`);
//! - abbreviations with inner dots stay whole: "U.S." gives `u.s.`;
//! - punctuation is kept as tokens (`,` `.` `:` `(`), quote marks too (folded to `"`), so that
//!   attribution can see them; the matcher skips quote marks.

mod normalize;
mod sentence;
mod token;

pub use normalize::fold;
pub use sentence::split_sentences;
pub use token::{phrase_tokens, tokenize};

/// What kind of token a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, digits, apostrophes inside words, inner dots of abbreviations.
    Word,
    /// A number ("2020", "3.5", "1,200").
    Number,
    /// A quote mark: `"` `“` `”` `«` `»` and a quoting `'` / `‘` / `’` (folded to `"`).
    Quote,
    /// Any other punctuation or symbol: `,` `.` `;` `:` `(` `)` `-` `—` ...
    Punct,
}

/// A token of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// First byte in the original text.
    pub start: usize,
    /// One past the last byte in the original text.
    pub end: usize,
    /// The folded form used for matching (lower case, no diacritics, ASCII punctuation), or
    /// empty when it is the token's own text (most tokens): read it with [`Token::folded`].
    pub fold: String,
    /// What kind of token this is.
    pub kind: TokenKind,
    /// True for tokens that lie between an opening and a closing quote mark (quote marks
    /// themselves are not in the quote).
    pub in_quote: bool,
    /// True when the token is glued to the previous one by a hyphen ("escalate" in
    /// "de-escalate").
    pub joined: bool,
}

impl Token {
    /// The folded form of the token, given the text it was read from.
    pub fn folded<'a>(&'a self, text: &'a str) -> &'a str {
        if self.fold.is_empty() {
            &text[self.start..self.end]
        } else {
            &self.fold
        }
    }
}

/// A sentence of a [`Document`]: a byte span of the original text and its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceInfo {
    /// First byte (trimmed of surrounding white space).
    pub start: usize,
    /// One past the last byte (trimmed).
    pub end: usize,
    /// Zero-based paragraph index; paragraphs are separated by blank lines.
    pub paragraph: usize,
    /// Range of this sentence's tokens in [`Document::tokens`].
    pub tokens: std::ops::Range<usize>,
}

/// An article after the text pipeline: its sentences and tokens.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The original text.
    pub text: &'a str,
    /// All tokens, in text order.
    pub tokens: Vec<Token>,
    /// All sentences, in text order; their token ranges partition `tokens`.
    pub sentences: Vec<SentenceInfo>,
}

impl<'a> Document<'a> {
    /// Runs the whole text pipeline over `text`.
    pub fn analyse(text: &'a str) -> Self {
        let mut tokens = Vec::new();
        let mut sentences = Vec::new();
        for (start, end, paragraph) in split_sentences(text) {
            let first = tokens.len();
            tokenize(text, start, end, &mut tokens);
            sentences.push(SentenceInfo {
                start,
                end,
                paragraph,
                tokens: first..tokens.len(),
            });
        }
        mark_quotes(text, &mut tokens, &sentences);
        Document {
            text,
            tokens,
            sentences,
        }
    }

    /// The tokens of sentence `i`.
    pub fn sentence_tokens(&self, i: usize) -> &[Token] {
        &self.tokens[self.sentences[i].tokens.clone()]
    }
}

/// Sets `in_quote` on every token between quote marks. A quote may span sentences of one
/// paragraph; an unbalanced quote is closed at the end of its paragraph.
/// `text` is the original text, needed to tell `“` from `”` (both fold to `"`).
fn mark_quotes(text: &str, tokens: &mut [Token], sentences: &[SentenceInfo]) {
    token::mark_quotes(text, tokens, sentences)
}
