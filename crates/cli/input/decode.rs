//! Article bytes to text, and reading with a size cap.
//!
//! It owns what happens to odd bytes (see `docs/reliability.md`): a UTF-8 byte-order mark is
//! removed; a UTF-16 file with its byte-order mark is decoded (with a warning); invalid UTF-8
//! is replaced by U+FFFD (with a warning, and every offset then counts in the decoded text); a
//! NUL byte makes the input binary, which is an error. Reading never holds more than the
//! `--max-article-bytes` cap (plus one read buffer) of one article or record in memory.

use demarche_core::{ArticleError, ArticleWarning};
use std::io::{self, BufRead, Read};

/// Text decoded from an article's bytes, and what was odd about them.
pub type Decoded = (String, Vec<ArticleWarning>);

/// Decodes the bytes of a text article named `name` (used in messages).
pub fn decode(mut bytes: Vec<u8>, name: &str) -> Result<Decoded, ArticleError> {
    let mut warnings = Vec::new();
    let text = if let Some((text, which)) = decode_utf16(&bytes) {
        warnings.push(warning(
            "utf16",
            format!("{name}: decoded from {which}; offsets count in the UTF-8 text"),
        ));
        text
    } else {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        if let Some(at) = memchr_nul(&bytes) {
            return Err(binary(name, at, None));
        }
        lossy(bytes, name, &mut warnings)
    };
    if let Some(at) = text.find('\0') {
        return Err(binary(name, at, None));
    }
    Ok((text, warnings))
}

/// `bytes` as UTF-8, invalid sequences replaced by U+FFFD with a `utf8` warning.
pub fn lossy(bytes: Vec<u8>, name: &str, warnings: &mut Vec<ArticleWarning>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let count = text.matches('\u{FFFD}').count();
            warnings.push(warning(
                "utf8",
                format!(
                    "{name}: invalid UTF-8 from byte {at} on, replaced by U+FFFD \
                     ({count} replacement(s)); offsets count in the decoded text"
                ),
            ));
            text
        }
    }
}

/// The text of a UTF-16 input that starts with a byte-order mark, and its encoding's name.
fn decode_utf16(bytes: &[u8]) -> Option<(String, &'static str)> {
    let (rest, le, which) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true, "UTF-16LE"),
        [0xFE, 0xFF, rest @ ..] => (rest, false, "UTF-16BE"),
        _ => return None,
    };
    let units = rest.chunks(2).map(|c| match (c, le) {
        ([a, b], true) => u16::from_le_bytes([*a, *b]),
        ([a, b], false) => u16::from_be_bytes([*a, *b]),
        _ => 0xFFFD, // an odd trailing byte
    });
    let text = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some((text, which))
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// The error of an input holding a NUL: binary data, not an article.
pub fn binary(name: &str, at: usize, line: Option<usize>) -> ArticleError {
    ArticleError {
        kind: "binary".to_string(),
        message: format!("{name}: binary data (a NUL at byte {at}), not classified"),
        line,
    }
}

/// The error of an article or record over the `--max-article-bytes` cap.
pub fn too_large(name: &str, size: Size, cap: usize, line: Option<usize>) -> ArticleError {
    let size = match size {
        Size::Exactly(n) => format!("{n} bytes"),
        Size::MoreThan(n) => format!("more than {n} bytes"),
    };
    ArticleError {
        kind: "too-large".to_string(),
        message: format!(
            "{name}: {size}, over the limit of {cap} bytes (raise it with --max-article-bytes)"
        ),
        line,
    }
}

fn warning(kind: &str, message: String) -> ArticleWarning {
    ArticleWarning {
        kind: kind.to_string(),
        message,
    }
}

/// How large an input turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// This many bytes.
    Exactly(u64),
    /// More than this many bytes (reading stopped there).
    MoreThan(u64),
}

/// Reads all of `reader` if it holds at most `cap` bytes; otherwise stops after `cap + 1`
/// bytes and returns how far it got, so that an endless input (`/dev/zero`) cannot exhaust
/// memory.
pub fn read_capped(reader: impl Read, cap: usize) -> io::Result<Result<Vec<u8>, Size>> {
    let mut bytes = Vec::new();
    let limit = (cap as u64).saturating_add(1);
    reader.take(limit).read_to_end(&mut bytes)?;
    if bytes.len() > cap {
        return Ok(Err(Size::MoreThan(cap as u64)));
    }
    Ok(Ok(bytes))
}

/// Reads one line (up to and including `\n`, or to the end of input) into `buf`, keeping at
/// most `cap + 1` bytes of it; the rest of a longer line is read and dropped. Returns the
/// line's full length, `None` at the end of input. A length over `cap` means the line was cut.
pub fn read_line_capped(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total = 0u64;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if chunk.is_empty() {
            return Ok((total > 0).then_some(total));
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        let room = (cap + 1).saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..take.min(room)]);
        total += take as u64;
        reader.consume(take);
        if done {
            return Ok(Some(total));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, decoded text or error kind, warning kinds)
    type Case = (
        &'static [u8],
        Result<&'static str, &'static str>,
        &'static [&'static str],
    );

    const DECODE_CASES: &[Case] = &[
        (b"", Ok(""), &[]),
        (b"plain", Ok("plain"), &[]),
        (b"\xEF\xBB\xBFwith BOM", Ok("with BOM"), &[]),
        (b"a\xFFb", Ok("a\u{FFFD}b"), &["utf8"]),
        (b"\xEF\xBB\xBFa\xC3", Ok("a\u{FFFD}"), &["utf8"]),
        (
            b"caf\xC3\xA9 \xE6\x97\xA5 \xF0\x9F\x91\x8D",
            Ok("café 日 👍"),
            &[],
        ),
        (b"line\r\nlone\rcr", Ok("line\r\nlone\rcr"), &[]),
        (b"\x89PNG\r\n\x1a\n\x00\x00", Err("binary"), &[]),
        (b"text\x00more", Err("binary"), &[]),
        (b"\xFF\xFEh\x00i\x00", Ok("hi"), &["utf16"]),
        (b"\xFE\xFF\x00h\x00i", Ok("hi"), &["utf16"]),
        (b"\xFF\xFE\x00\x00", Err("binary"), &[]),
        (b"\xFF\xFEh\x00i", Ok("h\u{FFFD}"), &["utf16"]),
    ];

    #[test]
    fn decode_table() {
        for (input, want, warns) in DECODE_CASES {
            let got = decode(input.to_vec(), "in.txt");
            match (&got, want) {
                (Ok((text, w)), Ok(want)) => {
                    assert_eq!(text, want, "{input:?}");
                    let kinds: Vec<&str> = w.iter().map(|w| w.kind.as_str()).collect();
                    assert_eq!(kinds, *warns, "{input:?}");
                }
                (Err(e), Err(kind)) => assert_eq!(e.kind, *kind, "{input:?}"),
                _ => panic!("{input:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn messages_name_the_input_and_the_position() {
        let (_, w) = decode(b"ok\xFFok\xFE".to_vec(), "a.txt").unwrap();
        assert_eq!(
            w[0].message,
            "a.txt: invalid UTF-8 from byte 2 on, replaced by U+FFFD (2 replacement(s)); \
             offsets count in the decoded text"
        );
        let e = decode(b"ab\0".to_vec(), "b.bin").unwrap_err();
        assert_eq!(
            e.message,
            "b.bin: binary data (a NUL at byte 2), not classified"
        );
    }

    #[test]
    fn read_capped_stops_after_the_cap() {
        let cases: &[(&[u8], usize, Result<usize, Size>)] = &[
            (b"", 0, Ok(0)),
            (b"abc", 3, Ok(3)),
            (b"abcd", 3, Err(Size::MoreThan(3))),
            (b"a", 0, Err(Size::MoreThan(0))),
        ];
        for (input, cap, want) in cases {
            let got = read_capped(*input, *cap).unwrap().map(|b| b.len());
            assert_eq!(got, *want, "{input:?} cap {cap}");
        }
        let endless = io::repeat(b'x');
        assert_eq!(
            read_capped(endless, 1000).unwrap().map(|b| b.len()),
            Err(Size::MoreThan(1000))
        );
    }

    #[test]
    fn read_line_capped_keeps_lengths_and_cuts_long_lines() {
        // A small BufReader capacity makes lines span several buffers.
        let input = b"short\n0123456789abcdef\n\nlast without newline";
        let mut reader = io::BufReader::with_capacity(4, &input[..]);
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(n) = read_line_capped(&mut reader, &mut buf, 8).unwrap() {
            got.push((n, String::from_utf8(buf.clone()).unwrap()));
        }
        assert_eq!(
            got,
            [
                (6, "short\n".to_string()),
                (17, "012345678".to_string()),
                (1, "\n".to_string()),
                (20, "last wit".to_string() + "h"),
            ]
        );
    }
}
