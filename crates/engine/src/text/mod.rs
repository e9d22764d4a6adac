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

/// A sentence splitter: `(start, end, paragraph)` per sentence.
type SplitFn = fn(&str) -> Vec<(usize, usize, usize)>;
/// A tokenizer of `text[start..end]`, appending to the tokens.
type TokenizeFn = fn(&str, usize, usize, &mut Vec<Token>);

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
        Self::analyse_with(text, split_sentences, tokenize)
    }

    /// [`Document::analyse`] with these two steps (the tests give it the reference ones).
    fn analyse_with(text: &'a str, split: SplitFn, tokenize: TokenizeFn) -> Self {
        // News text has about one token per five or six bytes: reserve that much at once.
        let mut tokens = Vec::with_capacity(text.len() / 5 + 8);
        let spans = split(text);
        let mut sentences = Vec::with_capacity(spans.len());
        for (start, end, paragraph) in spans {
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

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Document::analyse`] with the character-by-character pipeline of [`reference`].
    fn analyse_by_reference(text: &str) -> (Vec<Token>, Vec<SentenceInfo>) {
        let doc = Document::analyse_with(text, reference::split_sentences, reference::tokenize);
        (doc.tokens, doc.sentences)
    }

    /// Asserts that the byte-level pipeline gives exactly what the reference one gives.
    fn agrees(text: &str) {
        let doc = Document::analyse(text);
        let (tokens, sentences) = analyse_by_reference(text);
        assert_eq!(doc.sentences, sentences, "sentences of {text:?}");
        assert_eq!(doc.tokens, tokens, "tokens of {text:?}");
        // A range that starts or ends inside a sentence, or inside a character.
        for (start, end) in [(1, text.len()), (0, text.len() / 2), (text.len() / 3, 1000)] {
            let mut fast = Vec::new();
            let mut slow = Vec::new();
            tokenize(text, start, end, &mut fast);
            reference::tokenize(text, start, end, &mut slow);
            assert_eq!(fast, slow, "tokenize({text:?}, {start}, {end})");
        }
    }

    /// Pieces for the generated inputs: ASCII words and punctuation, abbreviations, numbers,
    /// every kind of line end, white space, invisible characters, quote marks, apostrophes,
    /// dashes, terminal punctuation (ASCII, `…`, `‼`, CJK), emoji and letters that change
    /// length when folded.
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "the",
        "Said",
        "RUSSIA",
        "x",
        "s",
        "S",
        "é",
        "e\u{0301}",
        "Ça",
        "ß",
        "İ",
        "Ø",
        "日",
        "1",
        "2020",
        "3.5",
        "1,200",
        ".",
        ",",
        ";",
        ":",
        "!",
        "?",
        "…",
        "‼",
        "。",
        "！",
        "？",
        "%",
        "$",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "\t",
        "\u{0B}",
        "\u{0C}",
        "\u{85}",
        "\u{A0}",
        "\u{2028}",
        "\u{2029}",
        "\u{3000}",
        "\u{200B}",
        "\u{200D}",
        "\u{00AD}",
        "\u{FEFF}",
        "\u{2060}",
        "'",
        "’",
        "‘",
        "‛",
        "ʼ",
        "“",
        "”",
        "„",
        "\"",
        "«",
        "»",
        "‹",
        "›",
        "‚",
        "-",
        "‐",
        "‑",
        "–",
        "—",
        "(",
        ")",
        "[",
        "]",
        "\0",
        "U.S.",
        "U.N",
        "a.m.",
        "Mr.",
        "MR.",
        "No.",
        "No. 10",
        "Inc.",
        "etc.",
        "e.g.",
        "F.",
        "Gen",
        "'s",
        "’s",
        "👍🏽",
        "news.com",
        "...",
        "?!",
        "\u{0301}",
    ];

    #[test]
    fn byte_level_pipeline_agrees_with_the_reference() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..20_000 {
            let len = next() % if round % 10 == 0 { 200 } else { 30 };
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            agrees(&text);
        }
    }

    #[test]
    fn byte_level_pipeline_agrees_on_the_test_articles() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).expect("tests/corpus") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).expect("article");
                agrees(&text);
                agrees(&text.replace('\n', "\r\n"));
                agrees(&text.replace('\n', "\r"));
                seen += 1;
            }
        }
        assert!(seen > 0);
    }

    const TABLE: &[&str] = &[
        "",
        "Hello.",
        "Mr. Smith met the U.S. envoy at 9 a.m. today. He said: “No.” Then left.",
        "Talks in the U.S.\r\nThe next day, more talks.\rDone.",
        "“Russia’s de\u{200B}-escalation,” said Stéphane Dujarric… Çavuşoğlu agreed!",
        "The countries’ leaders met.\u{2028}Next line‼ Then 日本語です。テストです！",
        "COVID-19 hit 1,200 people (3.5%) in 2020; No. 10 said so. Apple Inc. agreed.",
        "region.The ministry said 👍🏽 it was “a threat.”The talks ended.",
        "\u{FEFF}‘Yes,’ he said \u{00AB}non\u{00BB} \u{201E}ja\u{201C}\u{0B}new\u{0C}lines\u{85}x",
        "e\u{0301}te\u{0301} STRASSE Straße ŁÓDŹ Ø ı ß İ",
    ];

    #[test]
    fn byte_level_pipeline_agrees_on_a_table() {
        for text in TABLE {
            agrees(text);
        }
    }
}
