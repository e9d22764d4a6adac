//! Paragraphs and sentences: where an article's text is cut into sentence spans.
//!
//! It owns three decisions:
//! - **lines and paragraphs**: `\n`, `\r\n` and a lone `\r` end a line; a line holding only
//!   white space separates paragraphs;
//! - **line breaks inside a paragraph**: a paragraph is *hard-wrapped prose* when it has at
//!   least three lines and every line but the last is at least [`WRAP_WIDTH`] characters long
//!   (or, once one such paragraph is seen, when it has two lines and the first is that long).
//!   In wrapped prose a line break is just a space. Otherwise a line break ends a sentence
//!   when the line ends with terminal punctuation (but not with a title such as "Mr." or an
//!   initial), or when the line is headline-like: no final punctuation, not ending with a
//!   function word, and the next line starts with a capital, a digit or a quote mark;
//! - **sentence ends** inside a line: `.` `!` `?` `…` (closing quotes and brackets that follow
//!   belong to the sentence that ends) followed by white space and a word that is not lower
//!   case; not after titles, initials, dotted acronyms ("U.S." is a sentence end only at the
//!   end of a paragraph or line), and a glued "region.The" is split.

#[cfg(doc)]
use super::normalize::is_line_break;
use super::normalize::{
    abbreviation, char_at, char_before, is_closer, is_dotted_acronym, is_ignorable, is_initial,
    is_quote_char, is_space, is_word_char, Abbrev,
};

/// Lines of at least this many characters (trimmed) count as long for wrap detection.
const WRAP_WIDTH: usize = 55;

/// The longest word (in characters) read back from a full stop to look for an abbreviation.
const MAX_WORD: usize = 40;

/// Words that do not end a headline: a line ending with one continues on the next line.
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "and", "or", "but", "to", "in", "on", "at", "by", "for", "with",
    "from", "into", "that", "as", "is", "are", "was", "were", "his", "her", "its", "their",
];

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

/// Byte spans of the lines of `text`, without their line ends. The line breaks of
/// [`is_line_break`] are found byte by byte: `\n` `\r` VT FF, and U+0085 (C2 85), U+2028 and
/// U+2029 (E2 80 A8/A9).
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Jump to the next byte that may start a line break.
        match find_class(bytes, i, bytes.len(), LINE) {
            Some(k) => i = k,
            None => break,
        }
        let len = match bytes[i] {
            b'\n' | 0x0B | 0x0C => 1,
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => 2,
            b'\r' => 1,
            0xC2 if bytes.get(i + 1) == Some(&0x85) => 2,
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                3
            }
            _ => {
                i += 1;
                continue;
            }
        };
        lines.push((start, i));
        i += len;
        start = i;
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

/// [`BYTE_CLASS`] bit of the bytes that may start an [`is_line_break`] character: `\n` `\r`
/// VT FF, and the lead bytes of U+0085 (C2) and of U+2028, U+2029 (E2).
const LINE: u8 = 1;
/// [`BYTE_CLASS`] bit of the bytes that may start an [`is_terminal`] character: `.` `!` `?`,
/// and the lead bytes of `…` `‼` (E2), `。` (E3), `！` `？` (EF).
const TERMINAL: u8 = 2;

/// The class bits of every byte value, for scanning without decoding.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'\n' as usize] = LINE;
    table[b'\r' as usize] = LINE;
    table[0x0B] = LINE;
    table[0x0C] = LINE;
    table[0xC2] = LINE;
    table[0xE2] = LINE | TERMINAL;
    table[b'.' as usize] = TERMINAL;
    table[b'!' as usize] = TERMINAL;
    table[b'?' as usize] = TERMINAL;
    table[0xE3] = TERMINAL;
    table[0xEF] = TERMINAL;
    table
};

/// The first position in `from..to` whose byte has the bit `class` ([`LINE`] or
/// [`TERMINAL`]) in [`BYTE_CLASS`]. Eight bytes are tested at once: a word with a non-ASCII
/// byte, or one that may hold a byte of the class, is looked at byte by byte; for ASCII, the
/// word tests below find every byte of the class (and sometimes more).
fn find_class(bytes: &[u8], from: usize, to: usize, class: u8) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES * 0x80;
    // Some byte of `x` is zero / below `n` (`n <= 0x80`), when no byte has its high bit.
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let has_less = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let in_class = |b: &u8| BYTE_CLASS[usize::from(*b)] & class != 0;
    let mut i = from;
    while i + 8 <= to {
        let block = &bytes[i..i + 8];
        let mut word = [0u8; 8];
        word.copy_from_slice(block);
        let x = u64::from_le_bytes(word);
        let maybe = x & HIGH != 0
            || if class == LINE {
                // `\n` `\r` VT FF are the ASCII bytes of the class, all below 0x0E.
                has_less(x, 0x0E) != 0
            } else {
                (has_zero(x ^ (ONES * u64::from(b'.')))
                    | has_zero(x ^ (ONES * u64::from(b'!')))
                    | has_zero(x ^ (ONES * u64::from(b'?'))))
                    != 0
            };
        if maybe {
            if let Some(k) = block.iter().position(in_class) {
                return Some(i + k);
            }
        }
        i += 8;
    }
    bytes[i..to].iter().position(in_class).map(|k| i + k)
}

/// Splits the chunk `text[start..end]` (line breaks in it are plain spaces) into sentences.
/// Positions are byte offsets; the scan for terminal punctuation goes byte by byte and only
/// decodes a character where one may start.
fn split_chunk(
    text: &str,
    start: usize,
    end: usize,
    index: usize,
    out: &mut Vec<(usize, usize, usize)>,
) {
    let chunk = Chunk { text, start, end };
    let bytes = text.as_bytes();
    let mut seg_start = start;
    let mut i = start;
    while i < end {
        // Continuation bytes never equal these lead bytes, so `i` lands on a boundary.
        match find_class(bytes, i, end, TERMINAL) {
            Some(k) => i = k,
            None => break,
        }
        let Some(c) = chunk.char_at(i) else {
            break;
        };
        if !is_terminal(c) {
            i += c.len_utf8();
            continue;
        }
        let run_end = chunk.skip(i, is_terminal);
        let closed = chunk.skip(run_end, is_closer);
        let next = chunk.skip(closed, is_space);
        if next >= end {
            break;
        }
        if chunk.ends_sentence(i, run_end, closed, next) {
            push_trimmed(text, seg_start, closed, index, out);
            seg_start = closed;
        }
        i = closed;
    }
    push_trimmed(text, seg_start, end, index, out);
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

/// The chunk `text[start..end]` being split; positions are byte offsets into `text` on
/// character boundaries within `start..=end`.
struct Chunk<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

impl Chunk<'_> {
    /// The character starting at `p`, if inside the chunk.
    fn char_at(&self, p: usize) -> Option<char> {
        char_at(self.text, p, self.end)
    }

    /// The character ending at `p`, if inside the chunk.
    fn char_before(&self, p: usize) -> Option<char> {
        char_before(self.text, self.start, p)
    }

    /// The first position at or after `p` whose character does not satisfy `pred`.
    fn skip(&self, mut p: usize, pred: impl Fn(char) -> bool) -> usize {
        while let Some(c) = self.char_at(p) {
            if !pred(c) {
                break;
            }
            p += c.len_utf8();
        }
        p
    }

    /// Decides whether the terminal run `run..run_end`, followed by closers up to `closed`
    /// and white space up to `next` (a character exists there), ends a sentence.
    fn ends_sentence(&self, run: usize, run_end: usize, closed: usize, next: usize) -> bool {
        let run_text = &self.text[run..run_end];
        if run_text.chars().any(is_wide_terminal) {
            return true;
        }
        let single_dot = run_text == ".";
        if next == closed {
            return single_dot && self.glued(run, next) && self.dot_ends(run, closed, next);
        }
        let Some(following) = self.char_at(next) else {
            return false;
        };
        if following.is_lowercase() || matches!(following, ',' | ';' | ':' | ')' | ']' | '}' | '%')
        {
            return false;
        }
        !single_dot || self.dot_ends(run, closed, next)
    }

    /// True for "region.The": a lower-case letter, digit or closing quote before the dot at
    /// `dot` and a capitalised word right after it at `next`.
    fn glued(&self, dot: usize, next: usize) -> bool {
        let before_ok = self.char_before(dot).is_some_and(|b| {
            b.is_lowercase() || b.is_numeric() || (is_closer(b) && b != ')' && b != ']')
        });
        let Some(first) = self.char_at(next) else {
            return false;
        };
        let second = self.char_at(next + first.len_utf8());
        before_ok
            && first.is_uppercase()
            && !second.is_some_and(|c| is_word_char(c) && !c.is_lowercase())
    }

    /// Decides whether the single dot at `dot` ends a sentence, given the word before it.
    fn dot_ends(&self, dot: usize, closed: usize, next: usize) -> bool {
        // The dot is one byte.
        if closed > dot + 1 {
            return true;
        }
        let word = word_from_rev(self.text[self.start..dot].chars().rev());
        match abbreviation(&word) {
            Some(Abbrev::Title) => return false,
            Some(Abbrev::Numero) => return !self.char_at(next).is_some_and(char::is_numeric),
            Some(Abbrev::Final) => return true,
            None => {}
        }
        !(is_initial(&word) || is_dotted_acronym(&word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences of `text` as (text, paragraph) pairs.
    fn sentences(text: &str) -> Vec<(&str, usize)> {
        split_sentences(text)
            .into_iter()
            .map(|(s, e, p)| (&text[s..e], p))
            .collect()
    }

    const WRAPPED: &str = "The foreign ministers of both countries met on Thursday in\n\
        Moscow and agreed that the talks would continue next week in\n\
        Geneva, officials said. Nothing else was announced.";

    const CASES: &[(&str, &[(&str, usize)])] = &[
        ("", &[]),
        ("  \n\n \t \r\n", &[]),
        ("One sentence", &[("One sentence", 0)]),
        ("  Padded.  ", &[("Padded.", 0)]),
        // Abbreviations and titles.
        ("Mr. Smith met Gen. Jones. They talked.", &[("Mr. Smith met Gen. Jones.", 0), ("They talked.", 0)]),
        ("Mrs. Ng, Dr. Ruiz and Lt. Col. Aziz came. Prof. Lee did not.", &[("Mrs. Ng, Dr. Ruiz and Lt. Col. Aziz came.", 0), ("Prof. Lee did not.", 0)]),
        ("Lt.-Col. Smith spoke. Then Brig. Gen. Holt.", &[("Lt.-Col. Smith spoke.", 0), ("Then Brig. Gen. Holt.", 0)]),
        ("It happened on Sept. 11 in New York. Nobody forgot.", &[("It happened on Sept. 11 in New York.", 0), ("Nobody forgot.", 0)]),
        ("Talks began Jan. 5 and ended Dec. 2. Good.", &[("Talks began Jan. 5 and ended Dec. 2.", 0), ("Good.", 0)]),
        ("No. 10 Downing Street said so.", &[("No. 10 Downing Street said so.", 0)]),
        ("Apple Inc. said it would. Acme Corp. agreed.", &[("Apple Inc. said it would.", 0), ("Acme Corp. agreed.", 0)]),
        ("Tanks, guns, etc. were sent. More came.", &[("Tanks, guns, etc. were sent.", 0), ("More came.", 0)]),
        ("Some states, e.g. France, agreed. Others did not.", &[("Some states, e.g. France, agreed.", 0), ("Others did not.", 0)]),
        ("It starts at 9 a.m. Moscow time. Fine.", &[("It starts at 9 a.m. Moscow time.", 0), ("Fine.", 0)]),
        // Dotted acronyms.
        ("The U.S. and the U.N. agreed. Talks follow.", &[("The U.S. and the U.N. agreed.", 0), ("Talks follow.", 0)]),
        ("The U.S. Embassy said so. The U.K. Foreign Office too.", &[("The U.S. Embassy said so.", 0), ("The U.K. Foreign Office too.", 0)]),
        ("Officials met in the U.S.", &[("Officials met in the U.S.", 0)]),
        ("The E.U. position is clear.", &[("The E.U. position is clear.", 0)]),
        ("Talks in the U.S.\nThe next day, more talks.", &[("Talks in the U.S.", 0), ("The next day, more talks.", 0)]),
        // Initials, decimals, ellipses.
        ("John F. Kennedy and T. S. Eliot met. Later.", &[("John F. Kennedy and T. S. Eliot met.", 0), ("Later.", 0)]),
        ("Growth was 3.5 percent. Inflation fell to 2.1.", &[("Growth was 3.5 percent.", 0), ("Inflation fell to 2.1.", 0)]),
        ("He paused... and went on. Then stopped.", &[("He paused... and went on.", 0), ("Then stopped.", 0)]),
        ("He waited… Nobody came.", &[("He waited…", 0), ("Nobody came.", 0)]),
        // Question and exclamation marks.
        ("Why? Because! Done.", &[("Why?", 0), ("Because!", 0), ("Done.", 0)]),
        ("“Why?” he asked. “Now!” she said.", &[("“Why?” he asked.", 0), ("“Now!” she said.", 0)]),
        // Quotes: closing marks belong to the sentence that ends; quotes span sentences.
        ("He said it was “a threat to the region.” The ministry agreed.", &[("He said it was “a threat to the region.”", 0), ("The ministry agreed.", 0)]),
        ("“We are worried. We urge calm,” he said.", &[("“We are worried.", 0), ("We urge calm,” he said.", 0)]),
        ("He said \"no.\" Then left.", &[("He said \"no.\"", 0), ("Then left.", 0)]),
        ("(See the annex.) The text follows.", &[("(See the annex.)", 0), ("The text follows.", 0)]),
        // Glued sentences.
        ("clashes in the region.The ministry said", &[("clashes in the region.", 0), ("The ministry said", 0)]),
        ("“It is over.”The talks ended.", &[("“It is over.”", 0), ("The talks ended.", 0)]),
        ("Visit news.com today. Or bbc.co.uk.", &[("Visit news.com today.", 0), ("Or bbc.co.uk.", 0)]),
        ("The U.S.Army came.", &[("The U.S.Army came.", 0)]),
        // Headline lines without a full stop.
        ("Powers call for restraint\nThe talks resumed. Both sides came.", &[("Powers call for restraint", 0), ("The talks resumed.", 0), ("Both sides came.", 0)]),
        ("Headline\n“Quoted lead,” he said.", &[("Headline", 0), ("“Quoted lead,” he said.", 0)]),
        ("Casualties\n3 dead", &[("Casualties", 0), ("3 dead", 0)]),
        ("A short line\nthat goes on.", &[("A short line\nthat goes on.", 0)]),
        ("Talks with the\nUnited States went well.", &[("Talks with the\nUnited States went well.", 0)]),
        ("He said:\n“We are ready.”", &[("He said:\n“We are ready.”", 0)]),
        ("He met Mr.\nSmith today.", &[("He met Mr.\nSmith today.", 0)]),
        ("Line one.\nLine two!", &[("Line one.", 0), ("Line two!", 0)]),
        // Hard-wrapped prose: a line break is a space.
        (WRAPPED, &[("The foreign ministers of both countries met on Thursday in\nMoscow and agreed that the talks would continue next week in\nGeneva, officials said.", 0), ("Nothing else was announced.", 0)]),
        // Paragraphs and line ends.
        ("First para.\n\nSecond para.\n \n\n\tThird.", &[("First para.", 0), ("Second para.", 1), ("Third.", 2)]),
        ("\n\nLate start.", &[("Late start.", 0)]),
        ("Line one.\r\nLine two.\r\n\r\nPara two.\rStill two.", &[("Line one.", 0), ("Line two.", 0), ("Para two.", 1), ("Still two.", 1)]),
        ("Old Mac.\r\rNew para.", &[("Old Mac.", 0), ("New para.", 1)]),
        // Odd input.
        ("?!?", &[("?!?", 0)]),
        ("...\n\n...", &[("...", 0), ("...", 1)]),
        ("a\0b. C\0", &[("a\0b.", 0), ("C\0", 0)]),
        ("\u{FEFF}Hello. World.\u{200B}", &[("Hello.", 0), ("World.", 0)]),
        ("日本語です。テストです！", &[("日本語です。", 0), ("テストです！", 0)]),
        ("Ça va. Été chaud.", &[("Ça va.", 0), ("Été chaud.", 0)]),
    ];

    #[test]
    fn find_class_finds_the_first_byte_of_the_class() {
        let mut seed: u64 = 0x1234_5678_9ABC_DEF1;
        let interesting = [
            b'.', b'!', b'?', b'\n', b'\r', 0x0B, 0x0C, 0x0E, 0x09, 0, b'a', b' ', b'-', b'/',
            b'>', 0x7F, 0x80, 0xC2, 0xE2, 0xE3, 0xEF, 0xFF, 0x85,
        ];
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|k| {
                    let r = seed.rotate_left(k as u32 * 5);
                    if r.is_multiple_of(3) {
                        interesting[(r / 3 % interesting.len() as u64) as usize]
                    } else {
                        b'a' + (r % 26) as u8
                    }
                })
                .collect();
            for class in [LINE, TERMINAL] {
                for from in 0..=len.min(9) {
                    for to in [len, len.saturating_sub(3).max(from)] {
                        let naive =
                            (from..to).find(|&k| BYTE_CLASS[usize::from(bytes[k])] & class != 0);
                        assert_eq!(
                            find_class(&bytes, from, to, class),
                            naive,
                            "{bytes:?} {from} {to}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn byte_classes_cover_the_characters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let lead = usize::from(c.encode_utf8(&mut buf).as_bytes()[0]);
            if super::super::normalize::is_line_break(c) {
                assert!(BYTE_CLASS[lead] & LINE != 0, "{c:?}");
            }
            if is_terminal(c) {
                assert!(BYTE_CLASS[lead] & TERMINAL != 0, "{c:?}");
            }
        }
    }

    #[test]
    fn sentence_table() {
        for &(input, expected) in CASES {
            assert_eq!(sentences(input), expected, "split_sentences({input:?})");
        }
    }

    const LINE_CASES: &[(&str, &str, bool)] = &[
        ("Major powers call for restraint in Karabakh", "A+ A-", true),
        ("A+ A-", "The US said", true),
        ("It ended.", "Then", true),
        ("It ended.”", "Then", true),
        ("It ended", "then", false),
        ("He said,", "Then", false),
        ("Talks with the", "United States", false),
        ("Mr.", "Smith", false),
        ("John F.", "Kennedy", false),
        ("In the U.S.", "Talks", true),
        ("Headline", "“Quote”", true),
        ("Headline", "", false),
        ("”", "Next", true),
    ];

    #[test]
    fn hard_break_table() {
        for &(prev, next, expected) in LINE_CASES {
            assert_eq!(
                hard_break(prev, next),
                expected,
                "hard_break({prev:?}, {next:?})"
            );
        }
    }

    #[test]
    fn spans_are_trimmed_and_cover_all_text() {
        for &(input, _) in CASES {
            let spans = split_sentences(input);
            let mut last = 0;
            for &(s, e, _) in &spans {
                assert!(
                    s >= last && s < e && input.is_char_boundary(s) && input.is_char_boundary(e)
                );
                assert!(
                    input[last..s].chars().all(is_space),
                    "gap before {s} in {input:?}"
                );
                assert_eq!(trim(&input[s..e]), &input[s..e]);
                last = e;
            }
            assert!(
                input[last..].chars().all(is_space),
                "uncovered tail in {input:?}"
            );
        }
    }

    #[test]
    fn long_inputs_are_linear() {
        let inputs = [
            "a.".repeat(50_000),
            "U.S. ".repeat(20_000),
            "Mr. ".repeat(20_000),
            "\u{200B}".repeat(50_000) + ". A",
            "x\n".repeat(50_000),
            ".".repeat(100_000),
        ];
        for input in &inputs {
            let spans = split_sentences(input);
            assert!(!spans.is_empty());
        }
    }

    /// The seed article, as the integration tests see it.
    const SEED: &str = include_str!("../../../../tests/corpus/karabakh-restraint.txt");

    /// (paragraph, start, end) of every sentence of [`SEED`].
    const SEED_SENTENCES: &[(usize, &str, &str)] = &[
        (
            0,
            "Major powers call for restraint in Karabakh",
            "Major powers call for restraint in Karabakh",
        ),
        (
            1,
            "Major powers call for restraint in Karabakh",
            "Major powers call for restraint in Karabakh",
        ),
        (1, "A+ A-", "A+ A-"),
        (
            1,
            "The US , Russia, the EU and many other powers",
            "left three dead and many injured.",
        ),
        (
            2,
            "World powers called for restraint,",
            "Nagorno-Karabakh, civilnet reported.",
        ),
        (
            3,
            "Stéphane Dujarric, the spokesperson",
            "around the Nagorno-Karabakh region.”",
        ),
        (
            4,
            "The UN “urges the sides",
            "through dialogue,” Dujarric added.",
        ),
        (
            5,
            "Russia, which brokered the 2020 ceasefire",
            "according to a Foreign Ministry statement.",
        ),
        (
            6,
            "“Russian peacekeepers are making every effort",
            "including the country’s top leadership.”",
        ),
        (
            7,
            "Kremlin spokesperson Dmitry Peskov said",
            "tripartite (ceasefire) agreement.”",
        ),
        (
            8,
            "Peskov also told the TASS news agency",
            "respecting the ceasefire.",
        ),
        (
            9,
            "The US State Department spokesperson Ned Price",
            "avoid further escalation.”",
        ),
        (
            10,
            "The State Department’s statement stressed",
            "the Russia-brokered ceasefire.",
        ),
        (
            11,
            "On Thursday, Secretary of State Antony Blinken",
            "to help resolve the Karabakh conflict.",
        ),
        (
            12,
            "Meanwhile, Javier Colomina,",
            "return to the negotiating table.”",
        ),
        (
            13,
            "The European Union, which has forged",
            "immediate cessation of the hostilities.”",
        ),
        (
            14,
            "It is “essential to de-escalate,",
            "continue its engagement” in the region.",
        ),
    ];

    #[test]
    fn seed_article_sentences() {
        let doc = super::super::Document::analyse(SEED);
        assert_eq!(doc.sentences.len(), SEED_SENTENCES.len());
        for (info, &(paragraph, start, end)) in doc.sentences.iter().zip(SEED_SENTENCES) {
            let sentence = &SEED[info.start..info.end];
            assert_eq!(info.paragraph, paragraph, "paragraph of {sentence:?}");
            assert!(
                sentence.starts_with(start) && sentence.ends_with(end),
                "{sentence:?}"
            );
        }
        assert!(SEED[doc.sentences[8].start..doc.sentences[8].end]
            .contains("the statement said, adding that “active work"));
    }
}
