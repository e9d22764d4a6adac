//! The text pipeline as first written, character by character, kept for the tests only: the
//! byte-level tokenizer and sentence splitter must give exactly what these give.
#![allow(clippy::all)]

use super::normalize::{
    abbreviation, fold, is_apostrophe, is_closer, is_dotted_acronym, is_hyphen, is_ignorable,
    is_initial, is_line_break, is_quote_char, is_space, is_word_char, Abbrev,
};
use super::{Token, TokenKind};

/// Lines of at least this many characters (trimmed) count as long for wrap detection.
const WRAP_WIDTH: usize = 55;

/// The longest word (in characters) read back from a full stop to look for an abbreviation.
const MAX_WORD: usize = 40;

/// Words that do not end a headline: a line ending with one continues on the next line.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "but", "to", "in", "on", "at", "by", "for", "with",
    "from", "into", "that", "as", "is", "are", "was", "were", "his", "her", "its", "their",
];

/// Appends the tokens of `text[start..end]` to `out`; every span is a byte range into `text`.
/// A range that is out of bounds or not on character boundaries is narrowed to one that is.
pub fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let end = floor_boundary(text, end.min(text.len()));
    let start = floor_boundary(text, start.min(end));
    // The characters with their offsets, in a buffer kept per thread: tokenising sentence
    // after sentence then allocates nothing.
    thread_local! {
        static CHARS: std::cell::RefCell<Vec<(usize, char)>> = const {
            std::cell::RefCell::new(Vec::new())
        };
    }
    CHARS.with(|buf| {
        // A nested call (none today) would find the buffer taken: it gets its own.
        let mut own = Vec::new();
        let mut guard = buf.try_borrow_mut();
        let chars = match guard.as_deref_mut() {
            Ok(shared) => shared,
            Err(_) => &mut own,
        };
        chars.clear();
        chars.extend(text[start..end].char_indices().map(|(i, c)| (start + i, c)));
        let mut tokenizer = Tokenizer {
            text,
            chars,
            end,
            first: out.len(),
            out,
            join: false,
        };
        let mut i = 0;
        while i < tokenizer.chars.len() {
            i = tokenizer.step(i).max(i + 1);
        }
    });
}

/// The largest character boundary of `text` not after `i` (`i <= text.len()`).
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The state of one [`tokenize`] call.
struct Tokenizer<'t, 'o> {
    /// The whole original text.
    text: &'t str,
    /// The characters of the range being tokenised, with their byte offsets in `text`.
    chars: &'t [(usize, char)],
    /// One past the last byte of the range.
    end: usize,
    /// Where this call's tokens start in `out`.
    first: usize,
    /// The token list being appended to.
    out: &'o mut Vec<Token>,
    /// True when a joining hyphen was just dropped: the next word is `joined`.
    join: bool,
}

impl Tokenizer<'_, '_> {
    /// Byte offset of character `i` (or the end of the range).
    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.end, |&(b, _)| b)
    }

    /// Character `i`, if inside the range.
    fn char_at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    /// Reads the token starting at character `i`; returns the index after it.
    fn step(&mut self, i: usize) -> usize {
        let Some(c) = self.char_at(i) else {
            return i + 1;
        };
        if is_space(c) {
            return i + 1;
        }
        if is_word_char(c) {
            return self.word(i);
        }
        let attached = self.attached_to_word(i);
        if is_apostrophe(c) && attached && self.possessive_at(i) {
            self.push(i, i + 2, "'s".to_string(), TokenKind::Word);
            return i + 2;
        }
        if is_apostrophe(c) && attached && c != '\u{2018}' {
            self.push(i, i + 1, "'".to_string(), TokenKind::Punct);
            return i + 1;
        }
        if is_quote_char(c) {
            self.push(i, i + 1, "\"".to_string(), TokenKind::Quote);
            return i + 1;
        }
        // Invisible characters around a joining hyphen ("de\u{200B}-escalate") do not
        // break the word: look past them on both sides.
        let after = self.skip_while(i + 1, is_ignorable);
        if is_hyphen(c) && attached && self.char_at(after).is_some_and(is_word_char) {
            self.join = true;
            return i + 1;
        }
        let j = self.skip_while(i + 1, |x| x == c);
        let folded = self.fold_span(i, j);
        self.push(i, j, folded, TokenKind::Punct);
        j
    }

    /// The first index at or after `i` whose character does not satisfy `pred`.
    fn skip_while(&self, mut i: usize, pred: impl Fn(char) -> bool) -> usize {
        while self.char_at(i).is_some_and(&pred) {
            i += 1;
        }
        i
    }

    /// True when the previous token of this call is a word or number ending right at `i`, or
    /// only invisible characters ([`is_ignorable`]) before it.
    fn attached_to_word(&self, i: usize) -> bool {
        let mut k = i;
        while k > 0 && self.char_at(k - 1).is_some_and(is_ignorable) {
            k -= 1;
        }
        self.out.len() > self.first
            && self.out.last().is_some_and(|t| {
                t.end == self.byte(k) && matches!(t.kind, TokenKind::Word | TokenKind::Number)
            })
    }

    /// True when the apostrophe at `i` starts a possessive `'s` ending a word.
    fn possessive_at(&self, i: usize) -> bool {
        matches!(self.char_at(i + 1), Some('s' | 'S'))
            && !self.char_at(i + 2).is_some_and(is_word_char)
    }

    /// Reads the word or number starting at `i`; returns the index after it.
    fn word(&mut self, i: usize) -> usize {
        let mut j = i;
        let mut real = i;
        let mut numeric = true;
        while let Some(c) = self.char_at(j) {
            if is_ignorable(c) {
                j += 1;
                continue;
            }
            if !self.continues_word(j, c, numeric) {
                break;
            }
            numeric &= c.is_numeric() || c == '.' || c == ',';
            j += 1;
            real = j;
        }
        let surface = &self.text[self.byte(i)..self.byte(real)];
        let stripped: std::borrow::Cow<str> = if surface.is_ascii() {
            surface.into()
        } else {
            surface
                .chars()
                .filter(|&c| !is_ignorable(c))
                .collect::<String>()
                .into()
        };
        if self.char_at(real) == Some('.') && self.keeps_dot(&stripped, real) {
            real += 1;
        }
        let kind = if numeric {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        let folded = self.fold_span(i, real);
        self.push(i, real, folded, kind);
        real
    }

    /// True when `c` at `j` continues the current word: a word character, or a dot, comma
    /// (numbers only) or apostrophe between word characters (but not a possessive `'s`).
    fn continues_word(&self, j: usize, c: char, numeric: bool) -> bool {
        if is_word_char(c) {
            return true;
        }
        let before = j.checked_sub(1).and_then(|k| self.char_at(k));
        let after = self.char_at(j + 1);
        let between = before.is_some_and(is_word_char) && after.is_some_and(is_word_char);
        match c {
            '.' => between,
            ',' => {
                numeric
                    && before.is_some_and(char::is_numeric)
                    && after.is_some_and(char::is_numeric)
            }
            _ => is_apostrophe(c) && between && !self.possessive_at(j),
        }
    }

    /// True when the dot at `dot` right after `word` belongs to it: a dotted acronym ("U.S."),
    /// an initial ("F.") or a listed abbreviation ("Mr.", "etc.", "No." before a number).
    fn keeps_dot(&self, word: &str, dot: usize) -> bool {
        if self.char_at(dot + 1) == Some('.') {
            return false;
        }
        match abbreviation(word) {
            Some(Abbrev::Title | Abbrev::Final) => true,
            Some(Abbrev::Numero) => {
                let next = self.skip_while(dot + 1, is_space);
                self.char_at(next).is_some_and(char::is_numeric)
            }
            None => is_dotted_acronym(word) || is_initial(word),
        }
    }

    /// The folded form of characters `i..j` for [`Token::fold`]: empty when it is the text
    /// itself (lower-case ASCII, the common case), so that most tokens allocate nothing.
    fn fold_span(&self, i: usize, j: usize) -> String {
        let surface = &self.text[self.byte(i)..self.byte(j)];
        if surface
            .bytes()
            .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase())
        {
            return String::new();
        }
        let folded = fold(surface);
        if folded.is_empty() || folded == surface {
            String::new()
        } else {
            folded
        }
    }

    /// Appends the token of characters `i..j`.
    fn push(&mut self, i: usize, j: usize, fold: String, kind: TokenKind) {
        let joined =
            std::mem::take(&mut self.join) && matches!(kind, TokenKind::Word | TokenKind::Number);
        self.out.push(Token {
            start: self.byte(i),
            end: self.byte(j),
            fold,
            kind,
            in_quote: false,
            joined,
        });
    }
}

/// Splits `text` into sentences: `(start_byte, end_byte, paragraph_index)` of every sentence,
/// trimmed of white space, in text order, together covering all non-blank text. Paragraphs
/// are separated by blank lines and numbered from 0.
pub fn split_sentences(text: &str) -> Vec<(usize, usize, usize)> {
    let lines = line_spans(text);
    let paragraphs = paragraph_lines(text, &lines);
    let doc_wrapped = paragraphs.iter().any(|p| is_wrapped(text, p, 3));
    let mut out = Vec::new();
    for (index, para) in paragraphs.iter().enumerate() {
        let wrapped = is_wrapped(text, para, if doc_wrapped { 2 } else { 3 });
        split_paragraph(text, para, wrapped, index, &mut out);
    }
    out
}

/// Byte spans of the lines of `text`, without their line ends.
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_line_break(c) {
            continue;
        }
        lines.push((start, i));
        start = i + c.len_utf8();
        if c == '\r' {
            if let Some(&(j, '\n')) = iter.peek() {
                start = j + 1;
                iter.next();
            }
        }
    }
    lines.push((start, text.len()));
    lines
}

/// Groups the non-blank lines into paragraphs.
fn paragraph_lines(text: &str, lines: &[(usize, usize)]) -> Vec<Vec<(usize, usize)>> {
    let mut paragraphs = Vec::new();
    let mut current = Vec::new();
    for &(s, e) in lines {
        if text[s..e].chars().all(is_space) {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
        } else {
            current.push((s, e));
        }
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs
}

/// True when `para` looks hard-wrapped: at least `min_lines` lines, all but the last long.
fn is_wrapped(text: &str, para: &[(usize, usize)], min_lines: usize) -> bool {
    para.len() >= min_lines
        && para[..para.len() - 1]
            .iter()
            .all(|&(s, e)| trim(&text[s..e]).chars().count() >= WRAP_WIDTH)
}

/// `s` without surrounding white space (including invisible characters).
fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Cuts one paragraph into chunks at hard line breaks, then each chunk into sentences.
fn split_paragraph(
    text: &str,
    para: &[(usize, usize)],
    wrapped: bool,
    index: usize,
    out: &mut Vec<(usize, usize, usize)>,
) {
    let Some(&(mut chunk_start, _)) = para.first() else {
        return;
    };
    for pair in para.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        if !wrapped && hard_break(trim(&text[prev.0..prev.1]), trim(&text[next.0..next.1])) {
            split_chunk(text, chunk_start, prev.1, index, out);
            chunk_start = next.0;
        }
    }
    if let Some(&(_, end)) = para.last() {
        split_chunk(text, chunk_start, end, index, out);
    }
}

/// True when the line break between the trimmed lines `prev` and `next` ends a sentence.
fn hard_break(prev: &str, next: &str) -> bool {
    let Some(first) = next.chars().next() else {
        return false;
    };
    if first.is_lowercase() {
        return false;
    }
    let core = prev.trim_end_matches(is_closer);
    let Some(last) = core.chars().next_back() else {
        return true;
    };
    if is_terminal(last) {
        let body = &core[..core.len() - last.len_utf8()];
        if last == '.' && !body.ends_with('.') {
            let word = last_word(body);
            return !(matches!(abbreviation(&word), Some(Abbrev::Title)) || is_initial(&word));
        }
        return true;
    }
    if matches!(last, ',' | ';' | ':' | '(' | '[' | '{' | '&' | '/' | '\\')
        || matches!(last, '\u{201C}' | '\u{201E}' | '\u{00AB}' | '\u{2018}')
    {
        return false;
    }
    let starts_sentence = first.is_uppercase() || first.is_numeric() || is_quote_char(first);
    let last_lower = last_word(core).to_lowercase();
    starts_sentence && !FUNCTION_WORDS.contains(&last_lower.as_str())
}

/// The trailing run of word characters and dots of `s`, without invisible characters.
fn last_word(s: &str) -> String {
    word_from_rev(s.chars().rev())
}

/// Collects the word (word characters and dots, invisible characters dropped) that the
/// reversed characters `rev` start with, reading at most 2 × [`MAX_WORD`] characters.
fn word_from_rev(rev: impl Iterator<Item = char>) -> String {
    let mut word: Vec<char> = Vec::new();
    for c in rev.take(2 * MAX_WORD) {
        if is_ignorable(c) {
            continue;
        }
        if !(is_word_char(c) || c == '.') {
            break;
        }
        word.push(c);
    }
    word.iter().rev().collect()
}

/// True for a character that ends a sentence.
fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '\u{2026}' | '\u{3002}' | '\u{FF01}' | '\u{FF1F}' | '\u{203C}'
    )
}

/// True for the full-width terminal punctuation of CJK text, which needs no following space.
fn is_wide_terminal(c: char) -> bool {
    matches!(c, '\u{3002}' | '\u{FF01}' | '\u{FF1F}')
}

/// Splits the chunk `text[start..end]` (line breaks in it are plain spaces) into sentences.
fn split_chunk(
    text: &str,
    start: usize,
    end: usize,
    index: usize,
    out: &mut Vec<(usize, usize, usize)>,
) {
    let chars: Vec<(usize, char)> = text[start..end]
        .char_indices()
        .map(|(i, c)| (start + i, c))
        .collect();
    let mut seg_start = start;
    let mut i = 0;
    while i < chars.len() {
        if !is_terminal(chars[i].1) {
            i += 1;
            continue;
        }
        let run_end = skip(&chars, i, is_terminal);
        let closed = skip(&chars, run_end, is_closer);
        let next = skip(&chars, closed, is_space);
        if next >= chars.len() {
            break;
        }
        if ends_sentence(&chars, i, run_end, closed, next) {
            let cut = chars[closed].0;
            push_trimmed(text, seg_start, cut, index, out);
            seg_start = cut;
        }
        i = closed.max(i + 1);
    }
    push_trimmed(text, seg_start, end, index, out);
}

/// The first index at or after `i` whose character does not satisfy `pred`.
fn skip(chars: &[(usize, char)], mut i: usize, pred: impl Fn(char) -> bool) -> usize {
    while i < chars.len() && pred(chars[i].1) {
        i += 1;
    }
    i
}

/// Pushes `text[start..end]` trimmed, unless it is blank.
fn push_trimmed(
    text: &str,
    start: usize,
    end: usize,
    index: usize,
    out: &mut Vec<(usize, usize, usize)>,
) {
    let slice = &text[start..end];
    let trimmed_start = slice.trim_start_matches(is_space);
    let s = start + (slice.len() - trimmed_start.len());
    let e = s + trimmed_start.trim_end_matches(is_space).len();
    if e > s {
        out.push((s, e, index));
    }
}

/// Decides whether the terminal run `chars[run..run_end]`, followed by closers up to
/// `closed` and white space up to `next` (a character exists there), ends a sentence.
fn ends_sentence(
    chars: &[(usize, char)],
    run: usize,
    run_end: usize,
    closed: usize,
    next: usize,
) -> bool {
    let run_chars: Vec<char> = chars[run..run_end].iter().map(|&(_, c)| c).collect();
    if run_chars.iter().any(|&c| is_wide_terminal(c)) {
        return true;
    }
    let single_dot = run_chars == ['.'];
    if next == closed {
        return single_dot && glued(chars, run, next) && dot_ends(chars, run, closed, next);
    }
    let following = chars[next].1;
    if following.is_lowercase() || matches!(following, ',' | ';' | ':' | ')' | ']' | '}' | '%') {
        return false;
    }
    !single_dot || dot_ends(chars, run, closed, next)
}

/// True for "region.The": a lower-case letter, digit or closing quote before the dot at `dot`
/// and a capitalised word right after it at `next`.
fn glued(chars: &[(usize, char)], dot: usize, next: usize) -> bool {
    let before_ok = dot > 0 && {
        let b = chars[dot - 1].1;
        b.is_lowercase() || b.is_numeric() || (is_closer(b) && b != ')' && b != ']')
    };
    let first = chars[next].1;
    let second = chars.get(next + 1).map(|&(_, c)| c);
    before_ok
        && first.is_uppercase()
        && !second.is_some_and(|c| is_word_char(c) && !c.is_lowercase())
}

/// Decides whether the single dot at `dot` ends a sentence, given the word before it.
fn dot_ends(chars: &[(usize, char)], dot: usize, closed: usize, next: usize) -> bool {
    if closed > dot + 1 {
        return true;
    }
    let word = word_before(chars, dot);
    match abbreviation(&word) {
        Some(Abbrev::Title) => return false,
        Some(Abbrev::Numero) => return !chars[next].1.is_numeric(),
        Some(Abbrev::Final) => return true,
        None => {}
    }
    !(is_initial(&word) || is_dotted_acronym(&word))
}

/// The word (word characters and inner dots) right before index `i`.
fn word_before(chars: &[(usize, char)], i: usize) -> String {
    word_from_rev(chars[..i].iter().rev().map(|&(_, c)| c))
}
