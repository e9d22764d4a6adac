//! Tokens: how a sentence's text, and a rule phrase, become a stream of [`Token`]s, and which
//! tokens lie inside quotations.
//!
//! It owns the tokenisation rules listed in the module docs of [`super`] (words with inner
//! apostrophes and dots, hyphenated words split and `joined`, possessive `'s`, numbers, quote
//! marks, punctuation runs, invisible characters ignored) and the quote tracking of
//! [`mark_quotes`]. [`phrase_tokens`] runs the very same tokenizer, so rules and text agree.

use super::normalize::{
    abbreviation, char_at, char_before, fold, is_apostrophe, is_dotted_acronym, is_hyphen,
    is_ignorable, is_initial, is_quote_char, is_space, is_word_char, Abbrev,
};
use super::{SentenceInfo, Token, TokenKind};

/// Appends the tokens of `text[start..end]` to `out`; every span is a byte range into `text`.
/// A range that is out of bounds or not on character boundaries is narrowed to one that is.
pub fn tokenize(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let end = floor_boundary(text, end.min(text.len()));
    let start = floor_boundary(text, start.min(end));
    let mut tokenizer = Tokenizer {
        text,
        start,
        end,
        first: out.len(),
        out,
        join: false,
    };
    let mut p = start;
    while p < end {
        let next = tokenizer.step(p);
        // Every step reads at least one character; stay safe should one not.
        p = if next > p { next } else { tokenizer.after(p) };
    }
}

/// The folded forms of the tokens of a rule phrase, by the same rules as [`tokenize`]
/// ("Russia’s de-escalation" gives `russia` `'s` `de` `escalation`).
pub fn phrase_tokens(phrase: &str) -> Vec<String> {
    // A phrase that opens with a possessive ("'s aggression") has no word before it for the
    // tokenizer to attach the `'s` to: it is the `'s` token of the text all the same.
    for apostrophe in ["'s", "’s", "'S", "’S"] {
        if let Some(rest) = phrase.strip_prefix(apostrophe) {
            if !rest.chars().next().is_some_and(char::is_alphanumeric) {
                let mut out = vec!["'s".to_string()];
                out.extend(phrase_tokens(rest));
                return out;
            }
        }
    }
    let mut tokens = Vec::new();
    tokenize(phrase, 0, phrase.len(), &mut tokens);
    tokens
        .iter()
        .map(|t| t.folded(phrase).to_string())
        .collect()
}

/// The largest character boundary of `text` not after `i` (`i <= text.len()`).
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// [`ASCII_CLASS`] bit of the ASCII letters and digits.
const ALNUM: u8 = 1;
/// [`ASCII_CLASS`] bit of the ASCII digits.
const DIGIT: u8 = 2;

/// [`ASCII_CLASS`] bit of the ASCII upper-case letters.
const UPPER: u8 = 4;

/// The class bits of every byte value; 0 for the non-ASCII bytes.
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] |= ALNUM;
        }
        if c.is_ascii_digit() {
            table[b] |= DIGIT;
        }
        if c.is_ascii_uppercase() {
            table[b] |= UPPER;
        }
        b += 1;
    }
    table
};

/// The state of one [`tokenize`] call. Positions are byte offsets into `text`, always on
/// character boundaries within `start..=end`; characters are decoded where they are read,
/// with a shortcut for ASCII bytes (most of the text).
struct Tokenizer<'t, 'o> {
    /// The whole original text.
    text: &'t str,
    /// First byte of the range being tokenised.
    start: usize,
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
    /// The character starting at byte `p`, if inside the range.
    #[inline]
    fn char_at(&self, p: usize) -> Option<char> {
        char_at(self.text, p, self.end)
    }

    /// The character ending at byte `p`, if inside the range.
    #[inline]
    fn char_before(&self, p: usize) -> Option<char> {
        char_before(self.text, self.start, p)
    }

    /// The position after the character at `p` (or `p` at the end of the range).
    #[inline]
    fn after(&self, p: usize) -> usize {
        p + self.char_at(p).map_or(0, char::len_utf8)
    }

    /// Reads the token starting at byte `p`; returns the position after it.
    fn step(&mut self, p: usize) -> usize {
        let bytes = self.text.as_bytes();
        let b = bytes[p];
        if b.is_ascii_alphanumeric() {
            // The common case, without the general word loop: a run of ASCII letters and
            // digits that ends where no character could continue it (the text end, or an
            // ASCII byte other than `.` `,` `'`). [`Tokenizer::word`] gives the same token.
            let mut j = p;
            let mut all = DIGIT;
            let mut any = 0;
            for &x in &bytes[p..self.end] {
                let k = ASCII_CLASS[usize::from(x)];
                if k & ALNUM == 0 {
                    break;
                }
                all &= k;
                any |= k;
                j += 1;
            }
            let ends = match bytes[..self.end].get(j) {
                None => true,
                Some(&x) => x.is_ascii() && !matches!(x, b'.' | b',' | b'\''),
            };
            if !ends {
                return self.word(p);
            }
            let kind = if all & DIGIT != 0 {
                TokenKind::Number
            } else {
                TokenKind::Word
            };
            let folded = if any & UPPER != 0 {
                self.text[p..j].to_ascii_lowercase()
            } else {
                String::new()
            };
            self.push(p, j, folded, kind);
            // A space after the word makes no token: step over it here.
            return if j < self.end && bytes[j] == b' ' {
                j + 1
            } else {
                j
            };
        }
        if b == b' ' {
            return p + 1;
        }
        let Some(c) = self.char_at(p) else {
            return p + 1;
        };
        let n1 = p + c.len_utf8();
        if is_space(c) {
            return n1;
        }
        if is_word_char(c) {
            return self.word(p);
        }
        let attached = self.attached_to_word(p);
        if is_apostrophe(c) && attached && self.possessive_after(n1) {
            // The `s` is one byte.
            self.push(p, n1 + 1, "'s".to_string(), TokenKind::Word);
            return n1 + 1;
        }
        if is_apostrophe(c) && attached && c != '\u{2018}' {
            self.push(p, n1, "'".to_string(), TokenKind::Punct);
            return n1;
        }
        if is_quote_char(c) {
            self.push(p, n1, "\"".to_string(), TokenKind::Quote);
            return n1;
        }
        // Invisible characters around a joining hyphen ("de\u{200B}-escalate") do not
        // break the word: look past them on both sides.
        if is_hyphen(c) && attached {
            let after = self.skip_while(n1, is_ignorable);
            if self.char_at(after).is_some_and(is_word_char) {
                self.join = true;
                return n1;
            }
        }
        let j = if c.is_ascii() {
            let mut j = n1;
            while j < self.end && bytes[j] == b {
                j += 1;
            }
            j
        } else {
            self.skip_while(n1, |x| x == c)
        };
        let folded = self.fold_span(p, j);
        self.push(p, j, folded, TokenKind::Punct);
        j
    }

    /// The first position at or after `p` whose character does not satisfy `pred`.
    fn skip_while(&self, mut p: usize, pred: impl Fn(char) -> bool) -> usize {
        while let Some(c) = self.char_at(p) {
            if !pred(c) {
                break;
            }
            p += c.len_utf8();
        }
        p
    }

    /// True when the previous token of this call is a word or number ending right at `p`, or
    /// only invisible characters ([`is_ignorable`]) before it.
    fn attached_to_word(&self, p: usize) -> bool {
        if self.out.len() <= self.first {
            return false;
        }
        let mut k = p;
        while let Some(c) = self.char_before(k).filter(|&c| is_ignorable(c)) {
            k -= c.len_utf8();
        }
        self.out
            .last()
            .is_some_and(|t| t.end == k && matches!(t.kind, TokenKind::Word | TokenKind::Number))
    }

    /// True when an apostrophe ending at `p` starts a possessive `'s` ending a word.
    fn possessive_after(&self, p: usize) -> bool {
        matches!(self.char_at(p), Some('s' | 'S')) && !self.char_at(p + 1).is_some_and(is_word_char)
    }

    /// Reads the word or number starting at `p`; returns the position after it (and after
    /// one space that follows it).
    fn word(&mut self, p: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut j = p;
        let mut real = p;
        let mut numeric = true;
        // True while every character read is printable ASCII, and then `upper` tells whether
        // one is upper case: the folded form is known without reading the word again.
        let mut plain = true;
        let mut upper = false;
        loop {
            // The common case: a run of ASCII letters and digits.
            let run = j;
            let mut all = DIGIT;
            let mut any = 0;
            for &b in &bytes[j..self.end] {
                let k = ASCII_CLASS[usize::from(b)];
                if k & ALNUM == 0 {
                    break;
                }
                all &= k;
                any |= k;
                j += 1;
            }
            if j > run {
                numeric &= all & DIGIT != 0;
                upper |= any & UPPER != 0;
                real = j;
            }
            let Some(&b) = bytes[..self.end].get(j) else {
                break;
            };
            // Other ASCII characters than these three are neither invisible nor inside words.
            if b.is_ascii() && !matches!(b, b'.' | b',' | b'\'') {
                break;
            }
            let Some(c) = self.char_at(j) else {
                break;
            };
            if is_ignorable(c) {
                plain = false;
                j += c.len_utf8();
                continue;
            }
            if !self.continues_word(j, c, numeric) {
                break;
            }
            numeric &= c.is_numeric() || c == '.' || c == ',';
            plain &= c.is_ascii_graphic();
            j += c.len_utf8();
            real = j;
        }
        if real < self.end && bytes[real] == b'.' {
            let surface = &self.text[p..real];
            let keeps = if plain || surface.is_ascii() {
                self.keeps_dot(surface, real)
            } else {
                let stripped: String = surface.chars().filter(|&c| !is_ignorable(c)).collect();
                self.keeps_dot(&stripped, real)
            };
            if keeps {
                real += 1;
            }
        }
        let kind = if numeric {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        let folded = match (plain, upper) {
            (true, false) => String::new(),
            (true, true) => self.text[p..real].to_ascii_lowercase(),
            (false, _) => self.fold_span(p, real),
        };
        self.push(p, real, folded, kind);
        // A space after the word makes no token: step over it here.
        if real < self.end && bytes[real] == b' ' {
            real + 1
        } else {
            real
        }
    }

    /// True when `c` at `j` continues the current word: a word character, or a dot, comma
    /// (numbers only) or apostrophe between word characters (but not a possessive `'s`).
    fn continues_word(&self, j: usize, c: char, numeric: bool) -> bool {
        if is_word_char(c) {
            return true;
        }
        let next = j + c.len_utf8();
        let before = self.char_before(j);
        let after = self.char_at(next);
        let between = before.is_some_and(is_word_char) && after.is_some_and(is_word_char);
        match c {
            '.' => between,
            ',' => {
                numeric
                    && before.is_some_and(char::is_numeric)
                    && after.is_some_and(char::is_numeric)
            }
            _ => is_apostrophe(c) && between && !self.possessive_after(next),
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

    /// The folded form of bytes `i..j` for [`Token::fold`]: empty when it is the text itself
    /// (lower-case ASCII, the common case), so that most tokens allocate nothing.
    fn fold_span(&self, i: usize, j: usize) -> String {
        let surface = &self.text[i..j];
        let mut upper = false;
        for b in surface.bytes() {
            if !b.is_ascii_graphic() {
                let folded = fold(surface);
                return if folded.is_empty() || folded == surface {
                    String::new()
                } else {
                    folded
                };
            }
            upper |= b.is_ascii_uppercase();
        }
        // Printable ASCII: only the case can change.
        if upper {
            surface.to_ascii_lowercase()
        } else {
            String::new()
        }
    }

    /// Appends the token of bytes `i..j`.
    fn push(&mut self, i: usize, j: usize, fold: String, kind: TokenKind) {
        let joined =
            std::mem::take(&mut self.join) && matches!(kind, TokenKind::Word | TokenKind::Number);
        self.out.push(Token {
            start: i,
            end: j,
            fold,
            kind,
            in_quote: false,
            joined,
        });
    }
}

/// The kind of an open quotation, by the mark that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// `“`
    Curly,
    /// `„` (closed by `“` or `”`)
    Low,
    /// `"`
    Straight,
    /// `«` (closed by `»`)
    Guillemet,
    /// `»` (German order, closed by `«`)
    GuillemetReversed,
    /// `‘`, or a quoting `'` / `’` (closed by `’` / `'`)
    Single,
}

/// Sets `in_quote` on every token between quote marks. A quote may span sentences of one
/// paragraph; the quotes still open at the end of a paragraph are closed there. `“` `„` `«`
/// open and `”` `»` close, a straight `"` toggles; a `‘` opens and a quoting `'` / `’` closes
/// an open single quote (or opens one when a word follows it). An apostrophe inside or at the
/// end of a word ("Russia’s", "don’t", "countries’") is not a quote mark, unless a word-final
/// one closes an open single quote ("‘no’"). Quote marks themselves are not in the quote.
pub(crate) fn mark_quotes(text: &str, tokens: &mut [Token], sentences: &[SentenceInfo]) {
    let mut i = 0;
    while i < sentences.len() {
        let paragraph = sentences[i].paragraph;
        let mut j = i;
        while j + 1 < sentences.len() && sentences[j + 1].paragraph == paragraph {
            j += 1;
        }
        let end = sentences[j].tokens.end.min(tokens.len());
        let start = sentences[i].tokens.start.min(end);
        mark_paragraph(text, &mut tokens[start..end]);
        i = j + 1;
    }
}

/// [`mark_quotes`] for the tokens of one paragraph.
fn mark_paragraph(text: &str, tokens: &mut [Token]) {
    let mut stack: Vec<Open> = Vec::new();
    for k in 0..tokens.len() {
        // Words and numbers are never quote marks: only read the mark of the others.
        let kind = tokens[k].kind;
        let mark = match kind {
            TokenKind::Quote | TokenKind::Punct => mark_char(text, &tokens[k]),
            TokenKind::Word | TokenKind::Number => None,
        };
        let is_mark = match (kind, mark) {
            (TokenKind::Quote, Some(c)) => {
                quote_mark(c, &mut stack, word_follows(tokens, k));
                true
            }
            (TokenKind::Punct, Some(c))
                if is_apostrophe(c) && closes_single(text, tokens, k, &stack) =>
            {
                close(&mut stack, |o| o == Open::Single);
                tokens[k].kind = TokenKind::Quote;
                tokens[k].fold = "\"".to_string();
                true
            }
            _ => false,
        };
        tokens[k].in_quote = !is_mark && !stack.is_empty();
    }
}

/// The first character of token `t` in `text`.
fn mark_char(text: &str, t: &Token) -> Option<char> {
    text.get(t.start..t.end).and_then(|s| s.chars().next())
}

/// True when token `k + 1` is a word or number right after token `k`.
fn word_follows(tokens: &[Token], k: usize) -> bool {
    match (tokens.get(k), tokens.get(k + 1)) {
        (Some(t), Some(n)) => {
            n.start == t.end && matches!(n.kind, TokenKind::Word | TokenKind::Number)
        }
        _ => false,
    }
}

/// True when the word-final apostrophe token `k` closes an open single quote: one is open,
/// and it is not a plural possessive. "countries’ leaders" (a word ending in `s`, then a
/// word) is taken for a possessive only when another single quote mark follows before the
/// quotation can end (a double quote mark or the paragraph end), as in
/// "‘the countries’ leaders’"; otherwise ("‘peace talks’ failed") it closes the quote.
fn closes_single(text: &str, tokens: &[Token], k: usize, stack: &[Open]) -> bool {
    if !stack.contains(&Open::Single) {
        return false;
    }
    let after_s = k
        .checked_sub(1)
        .and_then(|p| tokens.get(p))
        .is_some_and(|t| t.folded(text).ends_with('s'));
    let word_next = tokens
        .get(k + 1)
        .is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number));
    if !(after_s && word_next) {
        return true;
    }
    for t in &tokens[k + 1..] {
        let Some(c) = mark_char(text, t) else {
            continue;
        };
        if !matches!(t.kind, TokenKind::Punct | TokenKind::Quote) {
            continue;
        }
        if matches!(c, '\'' | '\u{2019}') {
            return false;
        }
        if t.kind == TokenKind::Quote && is_double_closer(c) {
            return true;
        }
    }
    true
}

/// True for a double quote mark that can close a quotation: `”`, `"`, `»`, `“`.
fn is_double_closer(c: char) -> bool {
    matches!(c, '\u{201D}' | '"' | '\u{00BB}' | '\u{201C}')
}

/// Updates the open quotations for the quote mark `c`; `word_next` tells whether a word
/// follows it directly.
fn quote_mark(c: char, stack: &mut Vec<Open>, word_next: bool) {
    let double = |o: Open| matches!(o, Open::Curly | Open::Low | Open::Straight);
    match c {
        '\u{201C}' if stack.last() == Some(&Open::Low) => close(stack, |o| o == Open::Low),
        '\u{201C}' => stack.push(Open::Curly),
        '\u{201E}' | '\u{201F}' => stack.push(Open::Low),
        '\u{201D}' => close(stack, double),
        '"' if stack.contains(&Open::Straight) => close(stack, |o| o == Open::Straight),
        '"' => stack.push(Open::Straight),
        '\u{00AB}' | '\u{2039}' if stack.contains(&Open::GuillemetReversed) => {
            close(stack, |o| o == Open::GuillemetReversed)
        }
        '\u{00AB}' | '\u{2039}' => stack.push(Open::Guillemet),
        '\u{00BB}' | '\u{203A}' if stack.contains(&Open::Guillemet) => {
            close(stack, |o| o == Open::Guillemet)
        }
        '\u{00BB}' | '\u{203A}' => stack.push(Open::GuillemetReversed),
        '\u{2018}' | '\u{201A}' | '\u{201B}' => stack.push(Open::Single),
        _ if stack.contains(&Open::Single) => close(stack, |o| o == Open::Single),
        _ if word_next => stack.push(Open::Single),
        _ => {}
    }
}

/// Closes the innermost open quotation matching `which` and every quotation opened inside
/// it; does nothing when none matches.
fn close(stack: &mut Vec<Open>, which: impl Fn(Open) -> bool) {
    if let Some(pos) = stack.iter().rposition(|&o| which(o)) {
        stack.truncate(pos);
    }
}

#[cfg(test)]
mod tests {
    use super::super::Document;
    use super::*;

    /// `folded` with `+` before joined tokens and `/n` `/p` `/q` after numbers, punctuation
    /// and quote marks.
    fn describe(text: &str, t: &Token) -> String {
        let kind = match t.kind {
            TokenKind::Word => "",
            TokenKind::Number => "/n",
            TokenKind::Punct => "/p",
            TokenKind::Quote => "/q",
        };
        format!(
            "{}{}{}",
            if t.joined { "+" } else { "" },
            t.folded(text),
            kind
        )
    }

    fn tokens(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        tokenize(text, 0, text.len(), &mut out);
        out
    }

    const TOKEN_CASES: &[(&str, &[&str])] = &[
        ("", &[]),
        ("   \t\n", &[]),
        // Hyphens.
        ("de-escalate", &["de", "+escalate"]),
        ("Nagorno-Karabakh", &["nagorno", "+karabakh"]),
        ("Russia‑brokered", &["russia", "+brokered"]),
        ("COVID-19", &["covid", "+19/n"]),
        ("U.S.-led", &["u.s.", "+led"]),
        ("Lt.-Col. Smith", &["lt.", "+col.", "smith"]),
        ("a - b – c — d", &["a", "-/p", "b", "-/p", "c", "-/p", "d"]),
        ("-5", &["-/p", "5/n"]),
        ("well- known", &["well", "-/p", "known"]),
        // Invisible characters next to a joining hyphen do not break the word.
        ("de\u{200B}-escalate", &["de", "+escalate"]),
        ("de-\u{00AD}escalate", &["de", "+escalate"]),
        ("cease\u{200B}fire", &["ceasefire"]),
        // Apostrophes and possessives.
        ("Russia’s stance", &["russia", "'s", "stance"]),
        ("RUSSIA'S", &["russia", "'s"]),
        ("it’s", &["it", "'s"]),
        (
            "the countries’ leaders",
            &["the", "countries", "'/p", "leaders"],
        ),
        ("don’t O'Brien", &["don't", "o'brien"]),
        (
            "'Yes,' he said",
            &["\"/q", "yes", ",/p", "\"/q", "he", "said"],
        ),
        // Dotted abbreviations and full stops.
        ("U.S. and U.N.", &["u.s.", "and", "u.n."]),
        ("at 9 a.m. today", &["at", "9/n", "a.m.", "today"]),
        ("the region.", &["the", "region", "./p"]),
        (
            "Mr. Smith and Gen. Jones",
            &["mr.", "smith", "and", "gen.", "jones"],
        ),
        ("John F. Kennedy", &["john", "f.", "kennedy"]),
        (
            "No. 10 but said no.",
            &["no.", "10/n", "but", "said", "no", "./p"],
        ),
        ("news.com", &["news.com"]),
        ("etc...", &["etc", ".../p"]),
        // Numbers.
        (
            "3.5 percent, 1,200 troops in 2020",
            &[
                "3.5/n", "percent", ",/p", "1,200/n", "troops", "in", "2020/n",
            ],
        ),
        ("5%, $1.2bn", &["5/n", "%/p", ",/p", "$/p", "1.2bn"]),
        // Quote marks and punctuation.
        (
            "“Stop,” he said…",
            &["\"/q", "stop", ",/p", "\"/q", "he", "said", ".../p"],
        ),
        ("«Non» „Ja“", &["\"/q", "non", "\"/q", "\"/q", "ja", "\"/q"]),
        ("Wait... what?!", &["wait", ".../p", "what", "?/p", "!/p"]),
        ("!!!", &["!!!/p"]),
        ("(ceasefire)", &["(/p", "ceasefire", ")/p"]),
        ("\0", &["\0/p"]),
        // Diacritics and invisible characters.
        ("Stéphane Çavuşoğlu", &["stephane", "cavusoglu"]),
        ("Kara\u{200B}bakh", &["karabakh"]),
        ("de\u{00AD}escalate", &["deescalate"]),
        ("\u{FEFF}Hello\u{2060}", &["hello"]),
        ("e\u{0301}te\u{0301}", &["ete"]),
    ];

    #[test]
    fn token_table() {
        for &(input, expected) in TOKEN_CASES {
            let got: Vec<String> = tokens(input).iter().map(|t| describe(input, t)).collect();
            assert_eq!(got, expected, "tokenize({input:?})");
        }
    }

    const SURFACE_CASES: &[(&str, &[&str])] = &[
        ("Kara\u{200B}bakh’s", &["Kara\u{200B}bakh", "’s"]),
        ("U.S.-led", &["U.S.", "led"]),
        ("Nagorno-Karabakh", &["Nagorno", "Karabakh"]),
        ("region.”", &["region", ".", "”"]),
        ("Stéphane\u{200D} ", &["Stéphane"]),
        ("a\r\nb\rc", &["a", "b", "c"]),
        ("countries’ ", &["countries", "’"]),
        ("Øresund — ok", &["Øresund", "—", "ok"]),
    ];

    #[test]
    fn spans_map_back_to_the_original_text() {
        for &(input, expected) in SURFACE_CASES {
            let got: Vec<&str> = tokens(input)
                .iter()
                .map(|t| &input[t.start..t.end])
                .collect();
            assert_eq!(got, expected, "surfaces of {input:?}");
        }
        for &(input, _) in TOKEN_CASES.iter().chain(SURFACE_CASES) {
            for t in tokens(input) {
                let surface = &input[t.start..t.end];
                if t.kind != TokenKind::Quote {
                    assert_eq!(
                        fold(surface),
                        t.folded(input),
                        "folded of {surface:?} in {input:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn tokenize_a_sub_range_and_bad_ranges() {
        let text = "Él dijo: “sí”. Then U.S. left.";
        let mut out = Vec::new();
        tokenize(text, text.find("U.S.").unwrap_or(0), text.len(), &mut out);
        let got: Vec<&str> = out.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(got, ["U.S.", "left", "."]);
        for (start, end) in [(1, 5), (5, 1), (0, 1000), (1000, 2000), (3, 3)] {
            let mut out = Vec::new();
            tokenize(text, start, end, &mut out);
            assert!(out
                .iter()
                .all(|t| text.is_char_boundary(t.start) && text.is_char_boundary(t.end)));
        }
    }

    const PHRASE_CASES: &[(&str, &[&str])] = &[
        (
            "Russia’s de-escalation",
            &["russia", "'s", "de", "escalation"],
        ),
        ("U.S. officials", &["u.s.", "officials"]),
        ("calls for  restraint", &["calls", "for", "restraint"]),
        ("Türkiye", &["turkiye"]),
        ("", &[]),
        // A phrase may open with the possessive of a word before it.
        ("'s aggression", &["'s", "aggression"]),
        ("’s", &["'s"]),
        ("'s", &["'s"]),
    ];

    #[test]
    fn phrase_table() {
        for &(phrase, expected) in PHRASE_CASES {
            assert_eq!(phrase_tokens(phrase), expected, "phrase_tokens({phrase:?})");
        }
    }

    /// The folded forms of the tokens of `text` that are inside a quote.
    fn quoted(text: &str) -> String {
        let doc = Document::analyse(text);
        for t in doc.tokens.iter().filter(|t| t.kind == TokenKind::Quote) {
            assert!(!t.in_quote, "quote mark in quote in {text:?}");
        }
        let words: Vec<&str> = doc
            .tokens
            .iter()
            .filter(|t| t.in_quote)
            .map(|t| t.folded(text))
            .collect();
        words.join(" ")
    }

    const QUOTE_CASES: &[(&str, &str)] = &[
        ("No quotes here.", ""),
        ("He said “no” and left.", "no"),
        (
            "“We are worried. We urge calm,” he said.",
            "we are worried . we urge calm ,",
        ),
        (
            "“Open quote runs on. Still.\n\nNew paragraph here.",
            "open quote runs on . still .",
        ),
        (
            "\"Straight quotes,\" he said. \"Again.\"",
            "straight quotes , again .",
        ),
        ("Russia’s view. The countries’ leaders met. Don’t.", ""),
        ("He rejected the ‘peace plan’ idea.", "peace plan"),
        ("‘We are ready,’ he said.", "we are ready ,"),
        ("'We are ready,' he said.", "we are ready ,"),
        (
            "“He called it ‘a farce’ today,” she said.",
            "he called it a farce today ,",
        ),
        (
            "“The ‘peace talks’ failed,” he said. Fine.",
            "the peace talks failed ,",
        ),
        (
            "‘The countries’ leaders agree,’ he said.",
            "the countries ' leaders agree ,",
        ),
        ("«Nous sommes prêts», dit-il.", "nous sommes prets"),
        ("„Wir sind bereit“, sagte er.", "wir sind bereit"),
        ("»Wir sind bereit«, sagte er.", "wir sind bereit"),
        ("Stray ” closing mark here.", ""),
        (
            "He said “the region’s future.” Then left.",
            "the region 's future .",
        ),
    ];

    #[test]
    fn quote_table() {
        for &(input, expected) in QUOTE_CASES {
            assert_eq!(quoted(input), expected, "in-quote tokens of {input:?}");
        }
    }

    /// Tricky characters for the generated inputs below.
    const ALPHABET: &[&str] = &[
        "a",
        "Z",
        "é",
        "e\u{0301}",
        "1",
        ".",
        ",",
        "!",
        "?",
        "…",
        " ",
        "\n",
        "\r",
        "\r\n",
        "\t",
        "\u{A0}",
        "\u{200B}",
        "\u{00AD}",
        "\u{FEFF}",
        "'",
        "’",
        "‘",
        "“",
        "”",
        "\"",
        "«",
        "»",
        "-",
        "–",
        "(",
        ")",
        "\0",
        "U.S.",
        "Mr.",
        "s",
        "日",
        "。",
        "👍🏽",
        "\u{2028}",
        "ß",
        "İ",
    ];

    #[test]
    fn generated_inputs_keep_the_invariants() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..3000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(ALPHABET[(seed % ALPHABET.len() as u64) as usize]);
            }
            check_document(&text);
        }
    }

    /// Asserts the invariants of [`Document::analyse`] on `text`.
    fn check_document(text: &str) {
        let doc = Document::analyse(text);
        let mut next_token = 0;
        let mut last_end = 0;
        for s in &doc.sentences {
            assert_eq!(s.tokens.start, next_token, "{text:?}");
            assert!(s.start >= last_end && s.start < s.end, "{text:?}");
            next_token = s.tokens.end;
            last_end = s.end;
            for t in &doc.tokens[s.tokens.clone()] {
                assert!(
                    s.start <= t.start && t.start < t.end && t.end <= s.end,
                    "{text:?}"
                );
                assert!(text.get(t.start..t.end).is_some(), "{text:?}");
                assert!(!t.folded(text).is_empty(), "{text:?}");
            }
        }
        assert_eq!(next_token, doc.tokens.len(), "{text:?}");
    }

    #[test]
    fn long_inputs_are_linear() {
        let inputs = [
            "a.".repeat(50_000),
            "“".repeat(50_000),
            "a-".repeat(50_000),
            "x’s ".repeat(20_000),
            "\u{200B}".repeat(50_000),
            "1,".repeat(50_000),
        ];
        for input in &inputs {
            check_document(input);
        }
    }
}
