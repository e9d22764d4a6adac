//! `--format csv` and `--format tsv`: one row per stance (or, with `--csv-shape`, per stance and
//! speaker actor, or per stance, speaker actor and target actor), for pandas, R, DuckDB and
//! spreadsheets.
//!
//! Every input article gives at least one row, so that the file alone reconciles with the
//! input. The default shape, [`CsvShape::Stance`], gives one row per stance, with the speaker's
//! and the target's actor codes as `;`-joined lists, so that `count(*)` counts stances. The
//! `long` shape repeats a stance once per speaker actor (one `actor` per row), and the `dyad`
//! shape once per speaker actor × target actor (one `actor` and one `target_actor` per row),
//! for network analysis; a side with no actor code gives one row with an empty cell, so every
//! stance appears at least once in every shape. An article with no statement gives one
//! `no-statements` row; an article that could not be read gives one `error` row (its message
//! also goes to stderr). The `row_type` column says which; statement and stance columns are
//! empty on the other two. Columns and rows are built in [`rows`] (shared with the Python
//! module's `to_pandas`) and documented in `docs/output-format.md`.
//!
//! `statement_id` (`ARTICLE_ID:START-END`, byte offsets of the sentence) and `stance_id`
//! (`STATEMENT_ID:LABEL`; a statement has at most one stance per label) depend only on the
//! article id and text, so they are the same from run to run and from shape to shape: count
//! distinct `stance_id` in the long and dyad shapes.
//!
//! Quoting follows RFC 4180 for both delimiters: a field that holds the delimiter, a `"`, a
//! CR or a LF is wrapped in `"` with inner `"` doubled; nothing else is quoted. CSV rows end
//! with CRLF as the RFC says, TSV rows with LF. `--excel` writes a UTF-8 byte-order mark first
//! and prefixes `'` to any cell that starts with `=`, `+`, `-`, `@`, tab or CR, so a
//! spreadsheet shows it as text instead of running it as a formula (OWASP's "CSV injection").

use super::rows::{self, Cell, Shape};
use super::{Meta, Sink};
use crate::args::CsvShape;
use demarche_core::ArticleResult;
use std::io::{self, Write};

pub use rows::statement_id;

/// The shape of the table for a `--csv-shape` value.
fn shape(s: CsvShape) -> Shape {
    match s {
        CsvShape::Stance => Shape::Stance,
        CsvShape::Long => Shape::Long,
        CsvShape::Dyad => Shape::Dyad,
    }
}

/// The header row of `shape`: the `long` shape adds `actor` and `actor_cameo` after the
/// lists, the `dyad` shape also `target_actor` and `target_actor_cameo`.
pub fn columns(s: CsvShape) -> Vec<&'static str> {
    rows::columns(shape(s)).iter().map(|c| c.name).collect()
}

/// Writes delimited rows.
pub struct CsvSink<'m, W> {
    out: W,
    meta: &'m Meta<'m>,
    delimiter: u8,
    excel: bool,
    shape: CsvShape,
    started: bool,
    line: Vec<u8>,
}

impl<'m, W: Write> CsvSink<'m, W> {
    /// A sink writing rows of `shape` separated by `delimiter` (`,` or tab) to `out`.
    pub fn new(out: W, meta: &'m Meta<'m>, delimiter: u8, excel: bool, shape: CsvShape) -> Self {
        CsvSink {
            out,
            meta,
            delimiter,
            excel,
            shape,
            started: false,
            line: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            if self.excel {
                self.out.write_all("\u{feff}".as_bytes())?;
            }
            let header: Vec<Cell<'_>> = columns(self.shape)
                .into_iter()
                .map(|c| Cell::Text(c.into()))
                .collect();
            self.write_cells(&header)?;
        }
        Ok(())
    }

    /// Writes one row of cells.
    fn write_cells(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        self.line.clear();
        let mut number;
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.line.push(self.delimiter);
            }
            let value = match cell {
                Cell::Text(s) => s.as_ref(),
                Cell::Int(n) => {
                    number = n.to_string();
                    number.as_str()
                }
                Cell::Empty => "",
            };
            write_field(&mut self.line, value, self.delimiter, self.excel);
        }
        self.line.extend_from_slice(if self.delimiter == b',' {
            b"\r\n"
        } else {
            b"\n"
        });
        self.out.write_all(&self.line)
    }
}

impl<W: Write> Sink for CsvSink<'_, W> {
    fn article(&mut self, _text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        self.start()?;
        let meta = self.meta;
        let s = shape(self.shape);
        rows::for_each_row_of(result, &meta.row_context(), s, |cells| {
            self.write_cells(cells)
        })
    }

    fn finish(&mut self) -> io::Result<()> {
        self.start()?;
        self.out.flush()
    }
}

/// Writes `lines` of cells, each field quoted by [`write_field`] and each line ended by `eol`,
/// after a UTF-8 byte-order mark when `excel`: the summary tables' CSV.
pub fn write_lines(
    out: &mut impl Write,
    lines: &[Vec<String>],
    delimiter: u8,
    eol: &[u8],
    excel: bool,
) -> io::Result<()> {
    if excel {
        out.write_all("\u{feff}".as_bytes())?;
    }
    for line in lines {
        let mut buf = Vec::new();
        for (i, cell) in line.iter().enumerate() {
            if i > 0 {
                buf.push(delimiter);
            }
            write_field(&mut buf, cell, delimiter, excel);
        }
        buf.extend_from_slice(eol);
        out.write_all(&buf)?;
    }
    Ok(())
}

/// Appends one field to `line`: RFC 4180 quoting for `delimiter`, and with `excel` a `'`
/// before a leading `=`, `+`, `-`, `@`, tab or CR.
pub fn write_field(line: &mut Vec<u8>, value: &str, delimiter: u8, excel: bool) {
    let neutralise = excel && value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value
        .bytes()
        .any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r');
    if quote {
        line.push(b'"');
    }
    if neutralise {
        line.push(b'\'');
    }
    for b in value.bytes() {
        if b == b'"' {
            line.push(b'"');
        }
        line.push(b);
    }
    if quote {
        line.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::{Article, ArticleError, CharIndex, Speaker, Stance, Statement};

    fn field(value: &str, delimiter: u8, excel: bool) -> String {
        let mut line = Vec::new();
        write_field(&mut line, value, delimiter, excel);
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn rfc4180_quoting() {
        let cases: &[(&str, &str)] = &[
            ("plain", "plain"),
            ("", ""),
            ("a,b", "\"a,b\""),
            ("say \"no\"", "\"say \"\"no\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\r", "\"cr\r\""),
            ("tab\there", "tab\there"),
            (" spaced ", " spaced "),
            ("“curly”", "“curly”"),
            ("=1+1", "=1+1"),
        ];
        for (value, want) in cases {
            assert_eq!(field(value, b',', false), *want, "{value:?}");
        }
        assert_eq!(field("tab\there", b'\t', false), "\"tab\there\"");
        assert_eq!(field("a,b", b'\t', false), "a,b");
    }

    #[test]
    fn excel_neutralises_formulas() {
        let cases: &[(&str, &str)] = &[
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=x", "'\t=x"),
            ("=a,b", "\"'=a,b\""),
            ("=\"x\"", "\"'=\"\"x\"\"\""),
            ("a=b", "a=b"),
            ("UN", "UN"),
        ];
        for (value, want) in cases {
            assert_eq!(field(value, b',', true), *want, "{value:?}");
        }
    }

    fn render_shape(
        results: &[ArticleResult],
        delimiter: u8,
        excel: bool,
        shape: CsvShape,
    ) -> String {
        let meta = Meta::bare();
        let mut buf = Vec::new();
        let mut sink = CsvSink::new(&mut buf, &meta, delimiter, excel, shape);
        for r in results {
            sink.article(None, r).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    fn render(results: &[ArticleResult], delimiter: u8, excel: bool) -> String {
        render_shape(results, delimiter, excel, CsvShape::Stance)
    }

    /// Three articles: one whose statement has two speaker actors, two target actors and two
    /// stances; one with no statement; one that failed.
    fn sample() -> Vec<ArticleResult> {
        let text = "The US and Russia urged China and India to show calm, concern.";
        let idx = CharIndex::new(text);
        let stance = |label: &str, ev: &str| {
            let s = text.find(ev).unwrap();
            Stance {
                label: label.into(),
                rule: format!("{label}.r"),
                cameo: Some("012".into()),
                span: idx.span(s, s + ev.len()),
                text: ev.into(),
            }
        };
        let mention = |m: &str| {
            let s = text.find(m).unwrap();
            Speaker {
                text: m.into(),
                span: idx.span(s, s + m.len()),
            }
        };
        let st = Statement {
            span: idx.span(0, text.len()),
            text: text.into(),
            speaker: Some(mention("The US and Russia")),
            actors: vec!["USA".into(), "RUS".into()],
            cameo_actors: Vec::new(),
            target: Some(mention("China and India")),
            targets: vec!["CHN".into(), "IND".into()],
            target_cameo_actors: vec!["CHNGOV".into(), "INDGOV".into()],
            stances: vec![
                stance("restraint", "show calm"),
                stance("concern", "concern"),
            ],
        };
        let ok = ArticleResult::ok(&Article::new("a", text), vec![st]);
        let none = ArticleResult::ok(&Article::new("b", "x"), vec![]);
        let err = ArticleError {
            kind: "io".into(),
            message: "cannot read c".into(),
            line: None,
        };
        vec![ok, none, ArticleResult::failed("c", err)]
    }

    fn rows(out: &str) -> Vec<&str> {
        out.split("\r\n").filter(|r| !r.is_empty()).collect()
    }

    #[test]
    fn one_row_per_stance_with_lists_and_stable_ids() {
        let out = render(&sample(), b',', false);
        let rows = rows(&out);
        assert_eq!(rows.len(), 1 + 2 + 1 + 1, "{out}");
        assert_eq!(rows[0], columns(CsvShape::Stance).join(","));
        assert!(rows[1].starts_with("a,,,,stance,a:0-62,a:0-62:restraint,0,62,0,62,The US and Russia,USA;RUS,,China and India,CHN;IND,CHNGOV;INDGOV,restraint,012,,restraint.r,"), "{}", rows[1]);
        assert!(rows[2].contains(",a:0-62:concern,"));
        let width = columns(CsvShape::Stance).len();
        assert_eq!(
            rows[3],
            format!(
                "b,,,,no-statements{},0.0.0,0123456789abcdef",
                ",".repeat(width - 7)
            )
        );
        assert_eq!(
            rows[4],
            format!(
                "c,,,,error{}io,cannot read c,0.0.0,0123456789abcdef",
                ",".repeat(width - 8)
            )
        );
        for row in &rows[1..3] {
            // the quoted sentence holds one comma
            assert_eq!(row.split(',').count(), width + 1, "{row}");
        }
    }

    #[test]
    fn long_and_dyad_shapes_repeat_a_stance_per_actor_and_pair() {
        let long = render_shape(&sample(), b',', false, CsvShape::Long);
        let rows_long = rows(&long);
        assert_eq!(rows_long.len(), 1 + 2 * 2 + 2, "{long}");
        assert!(rows_long[1].contains(",CHN;IND,CHNGOV;INDGOV,USA,,restraint,"));
        assert!(rows_long[2].contains(",RUS,,restraint,"));
        let dyad = render_shape(&sample(), b',', false, CsvShape::Dyad);
        let rows_dyad = rows(&dyad);
        assert_eq!(rows_dyad.len(), 1 + 2 * 2 * 2 + 2, "{dyad}");
        assert!(rows_dyad[1].contains(",USA,,CHN,,restraint,"));
        assert!(rows_dyad[2].contains(",USA,,IND,,restraint,"));
        assert!(rows_dyad[3].contains(",RUS,,CHN,,restraint,"));
        for (out, shape) in [(&long, CsvShape::Long), (&dyad, CsvShape::Dyad)] {
            let width = columns(shape).len();
            for row in rows(out).iter().skip(1) {
                let commas = row.matches(',').count() - usize::from(row.contains('"'));
                assert_eq!(commas, width - 1, "{row}");
            }
        }
    }

    #[test]
    fn empty_run_has_a_header_and_excel_a_bom() {
        assert_eq!(
            render(&[], b'\t', false),
            columns(CsvShape::Stance).join("\t") + "\n"
        );
        assert!(render(&[], b',', true).starts_with("\u{feff}article_id,"));
    }
}
