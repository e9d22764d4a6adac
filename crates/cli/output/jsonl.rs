//! `--format jsonl`: the JSON Lines output contract.
//!
//! Exactly one line per input article, in input order, each the serde serialisation of
//! [`ArticleResult`] (fields documented in `docs/output-format.md` and in `demarche-core`).
//! Failed articles keep their line, with `statements: []` and an `error` object.
//!
//! Provenance goes in every line, as one more field after `error`:
//! `"demarche":{"version":"0.1.0","rules":"<16 hex digits>"}`. A per-record field rather than a
//! header line, because a header line would break every reader that expects one article per
//! line (score.py, `pd.read_json(lines=True)`, DuckDB); readers that do not know the field
//! ignore it, and files concatenated from several runs stay self-describing.

use super::{Meta, Provenance, Render, Sink};
use demarche_core::{ArticleError, ArticleResult, Span, Speaker, Stance, Statement};
use serde::Serialize;
use std::io::{self, Write};

/// An [`ArticleResult`] with the run's provenance, as written by `json` and `jsonl`.
#[derive(Serialize)]
pub struct Record<'a> {
    /// The contract fields, in their order.
    #[serde(flatten)]
    pub result: &'a ArticleResult,
    /// Which demarche and rule pack made this record.
    pub demarche: &'a Provenance,
}

/// Writes one JSON object per article, one per line.
///
/// Each line is the [`Record`] of the article, built in a buffer and written at once: the
/// result is written by [`write_result`], byte for byte what serde_json makes of it, and the
/// provenance, the same on every line, is appended as text.
pub struct JsonlSink<W> {
    out: W,
    /// `,"demarche":{...}}` and the line end.
    tail: Vec<u8>,
    buf: Vec<u8>,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W, meta: &Meta<'_>) -> Self {
        let provenance = serde_json::to_string(&meta.provenance).unwrap_or_default();
        JsonlSink {
            out,
            tail: format!(",\"demarche\":{provenance}}}\n").into_bytes(),
            buf: Vec::new(),
        }
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn article(&mut self, _text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        self.buf.clear();
        render(&self.tail, result, &mut self.buf);
        self.out.write_all(&self.buf)
    }

    fn render(&self) -> Option<Box<Render>> {
        let tail = self.tail.clone();
        Some(Box::new(move |result, out| render(&tail, result, out)))
    }

    fn rendered(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Appends the line of `result`: the object is left open by [`write_result`] and closed by
/// `tail`, the provenance field and the line end.
fn render(tail: &[u8], result: &ArticleResult, out: &mut Vec<u8>) {
    write_result(out, result);
    out.extend_from_slice(tail);
}

/// Writes `r` as serde_json's compact serialisation of it, without the closing brace.
///
/// The fields and their order are those of the serde derives in `demarche-core` (flattened
/// spans in place, `skip_serializing_if` fields left out); the tests compare both writers.
/// Going through serde costs a map serialiser per flattened span.
fn write_result(out: &mut Vec<u8>, r: &ArticleResult) {
    out.extend_from_slice(b"{\"id\":");
    string(out, &r.id);
    for (key, value) in [
        (&b",\"title\":"[..], &r.title),
        (b",\"date\":", &r.date),
        (b",\"url\":", &r.url),
    ] {
        if let Some(value) = value {
            out.extend_from_slice(key);
            string(out, value);
        }
    }
    out.extend_from_slice(b",\"statements\":");
    list(out, &r.statements, statement);
    out.extend_from_slice(b",\"error\":");
    match &r.error {
        None => out.extend_from_slice(b"null"),
        Some(e) => error(out, e),
    }
    if !r.warnings.is_empty() {
        out.extend_from_slice(b",\"warnings\":");
        list(out, &r.warnings, |out, w| {
            out.extend_from_slice(b"{\"kind\":");
            string(out, &w.kind);
            out.extend_from_slice(b",\"message\":");
            string(out, &w.message);
            out.push(b'}');
        });
    }
}

/// Writes `items` as a JSON array, each with `item`.
fn list<T>(out: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, x);
    }
    out.push(b']');
}

fn statement(out: &mut Vec<u8>, st: &Statement) {
    out.push(b'{');
    span(out, &st.span);
    out.extend_from_slice(b",\"text\":");
    string(out, &st.text);
    out.extend_from_slice(b",\"speaker\":");
    match &st.speaker {
        None => out.extend_from_slice(b"null"),
        Some(sp) => speaker(out, sp),
    }
    out.extend_from_slice(b",\"actors\":");
    list(out, &st.actors, |out, a| string(out, a));
    out.extend_from_slice(b",\"cameo_actors\":");
    list(out, &st.cameo_actors, |out, a| string(out, a));
    out.extend_from_slice(b",\"target\":");
    match &st.target {
        None => out.extend_from_slice(b"null"),
        Some(t) => speaker(out, t),
    }
    out.extend_from_slice(b",\"targets\":");
    list(out, &st.targets, |out, a| string(out, a));
    out.extend_from_slice(b",\"target_cameo_actors\":");
    list(out, &st.target_cameo_actors, |out, a| string(out, a));
    out.extend_from_slice(b",\"stances\":");
    list(out, &st.stances, stance);
    out.push(b'}');
}

fn speaker(out: &mut Vec<u8>, sp: &Speaker) {
    out.extend_from_slice(b"{\"text\":");
    string(out, &sp.text);
    out.push(b',');
    span(out, &sp.span);
    out.push(b'}');
}

fn stance(out: &mut Vec<u8>, s: &Stance) {
    out.extend_from_slice(b"{\"label\":");
    string(out, &s.label);
    out.extend_from_slice(b",\"rule\":");
    string(out, &s.rule);
    out.extend_from_slice(b",\"cameo\":");
    match &s.cameo {
        None => out.extend_from_slice(b"null"),
        Some(c) => string(out, c),
    }
    out.push(b',');
    span(out, &s.span);
    out.extend_from_slice(b",\"text\":");
    string(out, &s.text);
    out.push(b'}');
}

fn error(out: &mut Vec<u8>, e: &ArticleError) {
    out.extend_from_slice(b"{\"kind\":");
    string(out, &e.kind);
    out.extend_from_slice(b",\"message\":");
    string(out, &e.message);
    if let Some(line) = e.line {
        out.extend_from_slice(b",\"line\":");
        number(out, line);
    }
    out.push(b'}');
}

/// The four fields of a flattened [`Span`], without braces.
fn span(out: &mut Vec<u8>, s: &Span) {
    out.extend_from_slice(b"\"start\":");
    number(out, s.start);
    out.extend_from_slice(b",\"end\":");
    number(out, s.end);
    out.extend_from_slice(b",\"char_start\":");
    number(out, s.char_start);
    out.extend_from_slice(b",\"char_end\":");
    number(out, s.char_end);
}

/// "00" to "99", for writing numbers two digits at a time.
const PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// `n` in decimal, as serde_json writes it.
fn number(out: &mut Vec<u8>, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n as u64;
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        i -= 2;
        digits[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        digits[i] = b'0' + n as u8;
    }
    out.extend_from_slice(&digits[i..]);
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, control characters as
/// `\b \t \n \f \r` or `\u00xx` (lower-case hex), everything else as is. Bytes are read
/// sixteen, then eight at a time, to find the next one to escape.
fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut control = *b"\\u0000";
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 16) {
            let (a, b) = chunk.split_at(8);
            let a = special(u64::from_le_bytes(a.try_into().unwrap_or_default()));
            let b = special(u64::from_le_bytes(b.try_into().unwrap_or_default()));
            if a | b == 0 {
                i += 16;
                continue;
            }
            // The lowest flagged byte is one to escape (see `special`).
            i += if a != 0 {
                a.trailing_zeros() / 8
            } else {
                8 + b.trailing_zeros() / 8
            } as usize;
        } else if let Some(chunk) = bytes.get(i..i + 8) {
            let a = special(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
            if a == 0 {
                i += 8;
                continue;
            }
            i += (a.trailing_zeros() / 8) as usize;
        }
        let b = bytes[i];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0C => b"\\f",
            b'\r' => b"\\r",
            0x00..=0x1F => {
                control[4] = HEX[(b >> 4) as usize];
                control[5] = HEX[(b & 0xF) as usize];
                &control
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The high bit of each byte of `w` (little-endian) set when that byte is below 0x20, a
/// quote or a backslash; bytes after such a byte may be flagged too, never bytes before it,
/// so the lowest flag is exact. (`x - ONES & !x & HIGH` flags the zero bytes of `x` that way,
/// and `w - n * ONES & !w & HIGH` the bytes below `n` <= 0x80.)
fn special(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    (w.wrapping_sub(0x20 * ONES) & !w & HIGH)
        | zero(w ^ (u64::from(b'"') * ONES))
        | zero(w ^ (u64::from(b'\\') * ONES))
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::Article;

    /// Results covering every field, present and absent, and strings with every escape.
    fn results() -> Vec<ArticleResult> {
        let odd: String =
            (0u8..0x80).map(char::from).collect::<String>() + "\u{7f}é停火\u{2028}\u{FFFD}\"\\/";
        let span = |n: usize| demarche_core::Span {
            start: n,
            end: n * 10 + 3,
            char_start: n / 2,
            char_end: usize::MAX - n,
        };
        let stance = |cameo: Option<&str>, text: &str| demarche_core::Stance {
            label: "restraint".into(),
            rule: "restraint.x".into(),
            cameo: cameo.map(String::from),
            span: span(7),
            text: text.into(),
        };
        let statement = |speaker: bool, actors: &[&str], stances| Statement {
            span: span(0),
            text: odd.clone(),
            speaker: speaker.then(|| Speaker {
                text: "the \"UN\"".into(),
                span: span(12345),
            }),
            actors: actors.iter().map(|a| a.to_string()).collect(),
            cameo_actors: actors.iter().map(|a| format!("{a}GOV")).collect(),
            target: speaker.then(|| Speaker {
                text: "both \"sides\"\n".into(),
                span: span(99),
            }),
            targets: actors.iter().rev().map(|a| a.to_string()).collect(),
            target_cameo_actors: actors.iter().map(|a| format!("{a}MIL")).collect(),
            stances,
        };
        let mut full = ArticleResult::ok(
            &Article {
                id: odd.clone(),
                text: String::new(),
                title: Some("T\n".into()),
                date: Some("2024-01-01".into()),
                url: Some("http://x/\u{1}".into()),
            },
            vec![
                statement(true, &["USA", "RUS"], vec![stance(Some("0256"), "a\tb")]),
                statement(false, &[], vec![stance(None, ""), stance(Some(""), &odd)]),
                statement(true, &["EU"], vec![]),
            ],
        );
        full.warnings = vec![
            demarche_core::ArticleWarning {
                kind: "utf8".into(),
                message: odd.clone(),
            },
            demarche_core::ArticleWarning {
                kind: "duplicate-id".into(),
                message: "m".into(),
            },
        ];
        let mut dated = ArticleResult::ok(&Article::new("d", "t"), vec![]);
        dated.date = Some("2025".into());
        let mut failed = ArticleResult::failed(
            "b",
            ArticleError {
                kind: "json".into(),
                message: odd.clone(),
                line: Some(0),
            },
        );
        failed.title = Some("kept".into());
        // Each escape at each offset of an eight-byte run, and bytes around the thresholds.
        let mut shifted = Vec::new();
        for c in [
            '"', '\\', '\n', '\u{1f}', '\u{0}', ' ', '!', '#', '[', ']', 'é',
        ] {
            for k in 0..35 {
                let text = format!("{}{c}{}", "x".repeat(k), "y".repeat(34 - k));
                shifted.push(ArticleResult::ok(&Article::new(text, "t"), vec![]));
                let two = format!("{}{c}{c}{}\"", "x".repeat(k % 9), "y".repeat(k));
                shifted.push(ArticleResult::ok(&Article::new(two, "t"), vec![]));
            }
        }
        shifted.extend([
            full,
            dated,
            failed,
            ArticleResult::failed(
                "",
                ArticleError {
                    kind: "io".into(),
                    message: "m".into(),
                    line: None,
                },
            ),
            ArticleResult::ok(&Article::new("a", "t"), vec![statement(false, &[], vec![])]),
        ]);
        shifted
    }

    #[test]
    fn written_as_serde_json_writes_it() {
        for r in results() {
            let mut ours = Vec::new();
            write_result(&mut ours, &r);
            ours.push(b'}');
            let serde = serde_json::to_vec(&r).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(serde).unwrap()
            );
        }
    }

    #[test]
    fn numbers_in_decimal() {
        let mut ns: Vec<usize> = (0..1000).chain([usize::MAX, usize::MAX - 1]).collect();
        for k in 1..20 {
            let p = 10usize.pow(k);
            ns.extend([p - 1, p, p + 1, p.saturating_mul(3).saturating_add(7)]);
        }
        for n in ns {
            let mut out = Vec::new();
            number(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn one_line_per_article() {
        let mut buf = Vec::new();
        let meta = Meta::bare();
        let mut sink = JsonlSink::new(&mut buf, &meta);
        sink.article(
            Some("t"),
            &ArticleResult::ok(&Article::new("a", "t"), vec![]),
        )
        .unwrap();
        let err = ArticleError {
            kind: "io".into(),
            message: "m".into(),
            line: None,
        };
        sink.article(None, &ArticleResult::failed("b", err))
            .unwrap();
        sink.finish().unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "{\"id\":\"a\",\"statements\":[],\"error\":null,\"demarche\":{\"version\":\"0.0.0\",\"rules\":\"0123456789abcdef\"}}\n\
             {\"id\":\"b\",\"statements\":[],\"error\":{\"kind\":\"io\",\"message\":\"m\"},\"demarche\":{\"version\":\"0.0.0\",\"rules\":\"0123456789abcdef\"}}\n"
        );
    }

    /// A record rendered ahead (on a worker thread) is the line `article` writes.
    #[test]
    fn rendered_records_are_the_lines_article_writes() {
        let meta = Meta::bare();
        let (mut direct, mut ahead) = (Vec::new(), Vec::new());
        let mut sink = JsonlSink::new(&mut direct, &meta);
        let render = sink.render().expect("jsonl renders ahead");
        for r in results() {
            sink.article(None, &r).unwrap();
            render(&r, &mut ahead);
        }
        sink.finish().unwrap();
        assert!(!ahead.is_empty());
        assert_eq!(String::from_utf8(direct), String::from_utf8(ahead));
    }
}
