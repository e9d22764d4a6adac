//! Folding for comparison, and the character classes and abbreviation list shared by the
//! sentence splitter and the tokenizer.
//!
//! It owns the decision of which characters are "the same" for matching (case, diacritics,
//! typographic quotes, apostrophes, dashes and spaces) and which characters are white space,
//! invisible, quotes, apostrophes or hyphens. Both [`super::sentence`] and [`super::token`]
//! ask here, so a character is classified once for the whole pipeline.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds `s` for comparison: lower case, diacritics removed (canonical decomposition minus
/// combining marks), typographic quotes to `"`, typographic apostrophes to `'`, dashes to `-`,
/// every non-line-breaking space to `' '`, `…` to `...`; zero-width characters and soft
/// hyphens are dropped. A few letters without a decomposition are spelled out in ASCII
/// (`ß` → `ss`, `ø` → `o`, `ı` → `i`, `æ` → `ae`, ...).
pub fn fold(s: &str) -> String {
    // Most tokens of English news are plain ASCII: nothing to decompose, drop or replace.
    if s.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_ignorable(c) {
            continue;
        }
        for l in c.to_lowercase() {
            push_folded(l, &mut out);
        }
    }
    out
}

/// Appends the folded form of one lower-case character.
fn push_folded(c: char, out: &mut String) {
    if let Some(s) = special_fold(c) {
        out.push_str(s);
        return;
    }
    if c.is_whitespace() && !is_line_break(c) {
        out.push(' ');
        return;
    }
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            out.push(d);
        }
    });
}

/// Replacements that canonical decomposition does not give.
fn special_fold(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2039}' | '\u{203A}' | '\u{2033}' => "\"",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' => "'",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => "-",
        '\u{2026}' => "...",
        'ß' => "ss",
        'ø' => "o",
        'ı' => "i",
        'ł' => "l",
        'đ' => "d",
        'ħ' => "h",
        'æ' => "ae",
        'œ' => "oe",
        'þ' => "th",
        _ => return None,
    })
}

/// True for characters that are invisible inside a word and ignored when folding:
/// zero-width space, non-joiner, joiner, word joiner, byte-order mark and soft hyphen.
pub(crate) fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// True for white space, including the invisible characters of [`is_ignorable`]: these never
/// start a token and are trimmed from sentence ends.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || is_ignorable(c)
}

/// True for the characters that end a line (`\n`, `\r` and the Unicode line separators).
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

/// True for a character that can be part of a word: a letter, a digit or a combining mark.
pub(crate) fn is_word_char(c: char) -> bool {
    // No ASCII character is a combining mark: skip that table lookup for ASCII.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The character of `text` that starts at byte `p`, when `p < end`. `p` must be a character
/// boundary and `end` one too (or the text length).
#[inline]
pub(crate) fn char_at(text: &str, p: usize, end: usize) -> Option<char> {
    if p >= end {
        return None;
    }
    match text.as_bytes()[p] {
        b if b.is_ascii() => Some(b as char),
        _ => text[p..end].chars().next(),
    }
}

/// The character of `text` that ends at byte `p`, when `p > start`. `p` and `start` must be
/// character boundaries.
#[inline]
pub(crate) fn char_before(text: &str, start: usize, p: usize) -> Option<char> {
    if p <= start {
        return None;
    }
    match text.as_bytes()[p - 1] {
        b if b.is_ascii() => Some(b as char),
        _ => text[start..p].chars().next_back(),
    }
}

/// True for a double quote mark (straight, curly, low-9 or guillemet) and for the single
/// guillemets; single curly quotes and `'` are [`is_apostrophe`] characters.
pub(crate) fn is_double_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{201F}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2039}'
            | '\u{203A}'
    )
}

/// True for a character that is an apostrophe inside a word and a single quote mark
/// elsewhere: `'`, `‘`, `’`, `‛`, `ʼ`.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}')
}

/// True for any quote mark, double or single.
pub(crate) fn is_quote_char(c: char) -> bool {
    is_double_quote(c) || is_apostrophe(c) || c == '\u{201A}'
}

/// True for a character that may close a sentence's final quotation or parenthesis and so
/// belongs to the sentence before it: `”` `"` `’` `'` `»` `›` `)` `]`.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '\u{201D}' | '"' | '\u{2019}' | '\'' | '\u{00BB}' | '\u{203A}' | ')' | ']'
    )
}

/// True for a hyphen that joins the parts of a word: `-`, `‐` (U+2010), `‑` (U+2011).
pub(crate) fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// How an abbreviation written with a final dot behaves at the end of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// A title or other word that is always followed by more of the sentence ("Mr.", "Gen.",
    /// "Sept.", "e.g."): its dot never ends a sentence.
    Title,
    /// "No." — an abbreviation only before a number ("No. 10").
    Numero,
    /// A word that often ends a sentence ("Inc.", "Jr.", "etc."): the dot ends the sentence
    /// only when a capitalised word follows.
    Final,
}

/// The length in bytes of the longest abbreviation of [`CAPITALISED`] and [`LOWER_CASE`].
const MAX_ABBREVIATION: usize = 6;

/// Abbreviations that are written capitalised; they match as written or in capitals.
const CAPITALISED: &[(&str, Abbrev)] = &[
    ("Mr", Abbrev::Title),
    ("Mrs", Abbrev::Title),
    ("Ms", Abbrev::Title),
    ("Messrs", Abbrev::Title),
    ("Dr", Abbrev::Title),
    ("Gen", Abbrev::Title),
    ("Gens", Abbrev::Title),
    ("Lt", Abbrev::Title),
    ("Col", Abbrev::Title),
    ("Sgt", Abbrev::Title),
    ("Capt", Abbrev::Title),
    ("Cmdr", Abbrev::Title),
    ("Maj", Abbrev::Title),
    ("Gov", Abbrev::Title),
    ("Sen", Abbrev::Title),
    ("Rep", Abbrev::Title),
    ("Rev", Abbrev::Title),
    ("Prof", Abbrev::Title),
    ("St", Abbrev::Title),
    ("Amb", Abbrev::Title),
    ("Adm", Abbrev::Title),
    ("Pres", Abbrev::Title),
    ("Brig", Abbrev::Title),
    ("Jan", Abbrev::Title),
    ("Feb", Abbrev::Title),
    ("Mar", Abbrev::Title),
    ("Apr", Abbrev::Title),
    ("Jun", Abbrev::Title),
    ("Jul", Abbrev::Title),
    ("Aug", Abbrev::Title),
    ("Sep", Abbrev::Title),
    ("Sept", Abbrev::Title),
    ("Oct", Abbrev::Title),
    ("Nov", Abbrev::Title),
    ("Dec", Abbrev::Title),
    ("No", Abbrev::Numero),
    ("Nos", Abbrev::Numero),
    ("Inc", Abbrev::Final),
    ("Corp", Abbrev::Final),
    ("Ltd", Abbrev::Final),
    ("Co", Abbrev::Final),
    ("Jr", Abbrev::Final),
    ("Sr", Abbrev::Final),
];

/// Abbreviations that are written in lower case; they match in any case.
const LOWER_CASE: &[(&str, Abbrev)] = &[
    ("vs", Abbrev::Title),
    ("v", Abbrev::Title),
    ("e.g", Abbrev::Title),
    ("i.e", Abbrev::Title),
    ("cf", Abbrev::Title),
    ("approx", Abbrev::Title),
    ("a.m", Abbrev::Title),
    ("p.m", Abbrev::Title),
    ("etc", Abbrev::Final),
];

/// The abbreviation class of `word` (written without its final dot, e.g. "Mr", "e.g"), or
/// `None` when a dot after it is an ordinary full stop.
pub(crate) fn abbreviation(word: &str) -> Option<Abbrev> {
    if word.len() > MAX_ABBREVIATION {
        return None;
    }
    // Every abbreviation is ASCII, so its `to_uppercase` is its ASCII upper case: compare
    // byte by byte instead of building that string for every entry.
    for &(abbr, class) in CAPITALISED {
        if word.len() == abbr.len()
            && (word == abbr
                || word
                    .bytes()
                    .zip(abbr.bytes())
                    .all(|(w, a)| w == a.to_ascii_uppercase()))
        {
            return Some(class);
        }
    }
    LOWER_CASE
        .iter()
        .find(|(abbr, _)| word.eq_ignore_ascii_case(abbr))
        .map(|&(_, class)| class)
}

/// True for a dotted acronym written without its final dot: single letters separated by
/// dots ("U.S", "U.N", "E.U", "a.m", "U.S.A").
pub(crate) fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.')
        && word.split('.').all(|part| {
            let mut chars = part.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
        })
}

/// True for a single capital letter, the initial of a name ("F" in "John F. Kennedy").
pub(crate) fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLD_CASES: &[(&str, &str)] = &[
        ("", ""),
        ("Hello World", "hello world"),
        ("Stéphane Dujarric", "stephane dujarric"),
        ("António Guterres", "antonio guterres"),
        ("Mevlüt Çavuşoğlu", "mevlut cavusoglu"),
        ("İlham Əliyev", "ilham əliyev"),
        ("Aydın", "aydin"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Søren Økland", "soren okland"),
        ("Łódź", "lodz"),
        (
            "“quoted” „low“ «guillemets»",
            "\"quoted\" \"low\" \"guillemets\"",
        ),
        ("Russia’s ‘view’", "russia's 'view'"),
        ("a–b—c‑d", "a-b-c-d"),
        (
            "non\u{00A0}breaking\u{2009}thin\u{3000}ideo",
            "non breaking thin ideo",
        ),
        ("Kara\u{200B}bakh\u{00AD}", "karabakh"),
        ("wait…", "wait..."),
        ("e\u{0301}", "e"),
        ("\u{0000}", "\u{0000}"),
        ("U.S.", "u.s."),
    ];

    #[test]
    fn fold_table() {
        for &(input, expected) in FOLD_CASES {
            assert_eq!(fold(input), expected, "fold({input:?})");
        }
    }

    const ABBREV_CASES: &[(&str, Option<Abbrev>)] = &[
        ("Mr", Some(Abbrev::Title)),
        ("MR", Some(Abbrev::Title)),
        ("mr", None),
        ("Gen", Some(Abbrev::Title)),
        ("Sept", Some(Abbrev::Title)),
        ("No", Some(Abbrev::Numero)),
        ("no", None),
        ("Inc", Some(Abbrev::Final)),
        ("etc", Some(Abbrev::Final)),
        ("e.g", Some(Abbrev::Title)),
        ("E.g", Some(Abbrev::Title)),
        ("region", None),
        ("", None),
    ];

    /// [`abbreviation`] as first written, building each upper-case form.
    fn abbreviation_by_allocation(word: &str) -> Option<Abbrev> {
        for &(abbr, class) in CAPITALISED {
            if word == abbr || (word.len() == abbr.len() && word == abbr.to_uppercase()) {
                return Some(class);
            }
        }
        LOWER_CASE
            .iter()
            .find(|(abbr, _)| word.eq_ignore_ascii_case(abbr))
            .map(|&(_, class)| class)
    }

    #[test]
    fn abbreviation_without_allocation_agrees() {
        let mut words: Vec<String> = Vec::new();
        for &(abbr, _) in CAPITALISED.iter().chain(LOWER_CASE) {
            words.push(abbr.to_string());
            words.push(abbr.to_uppercase());
            words.push(abbr.to_lowercase());
            words.push(format!("{abbr}x"));
            words.push(abbr[1..].to_string());
        }
        for w in [
            "",
            "ß",
            "MR",
            "mR",
            "Mr.",
            "No",
            "NO",
            "nO",
            "İnc",
            "Dr\u{200B}",
            "Ĳ",
        ] {
            words.push(w.to_string());
        }
        for w in &words {
            assert_eq!(abbreviation(w), abbreviation_by_allocation(w), "{w:?}");
        }
    }

    #[test]
    fn no_abbreviation_is_longer_than_the_maximum() {
        for &(abbr, _) in CAPITALISED.iter().chain(LOWER_CASE) {
            assert!(abbr.len() <= MAX_ABBREVIATION, "{abbr}");
        }
    }

    #[test]
    fn abbreviation_table() {
        for &(word, expected) in ABBREV_CASES {
            assert_eq!(abbreviation(word), expected, "abbreviation({word:?})");
        }
    }

    const ACRONYM_CASES: &[(&str, bool)] = &[
        ("U.S", true),
        ("U.N", true),
        ("E.U", true),
        ("a.m", true),
        ("U.S.A", true),
        ("US", false),
        ("news.com", false),
        ("3.5", false),
        ("U..S", false),
        ("", false),
    ];

    #[test]
    fn dotted_acronym_table() {
        for &(word, expected) in ACRONYM_CASES {
            assert_eq!(
                is_dotted_acronym(word),
                expected,
                "is_dotted_acronym({word:?})"
            );
        }
    }
}
