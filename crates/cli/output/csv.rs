//! `--format csv` and `--format tsv`: long format, one row per stance and actor, for pandas, R,
//! DuckDB and spreadsheets.
//!
//! Every input article gives at least one row, so that the file alone reconciles with the
//! input: a statement with `n` actors and `m` stances gives `n × m` rows (`m` rows with an empty
//! `actor` when it has no actor code); an article with no statement gives one `no-statements`
//! row; an article that could not be read gives one `error` row (its message also goes to
//! stderr). The `row_type` column says which; statement and stance columns are empty on the
//! other two. The columns and rows are built in [`rows`] (shared with the Python module);
//! they are documented in `docs/output-format.md`.
//!
//! Quoting follows RFC 4180 for both delimiters: a field that holds the delimiter, a `"`, a
//! CR or a LF is wrapped in `"` with inner `"` doubled; nothing else is quoted. CSV rows end
//! with CRLF as the RFC says, TSV rows with LF. `--excel` writes a UTF-8 byte-order mark first
//! and prefixes `'` to any cell that starts with `=`, `+`, `-`, `@`, tab or CR, so a
//! spreadsheet shows it as text instead of running it as a formula (OWASP's "CSV injection").

use super::rows::{self, Cell};
use super::{Meta, Sink};
use demarche_core::ArticleResult;
use std::io::{self, Write};

/// The header row: the names of [`rows::COLUMNS`].
pub fn header() -> impl Iterator<Item = &'static str> {
    rows::COLUMNS.iter().map(|c| c.name)
}

/// Writes delimited rows.
pub struct CsvSink<'m, W> {
    out: W,
    meta: &'m Meta<'m>,
    delimiter: u8,
    excel: bool,
    started: bool,
    row: Vec<String>,
    line: Vec<u8>,
}

impl<'m, W: Write> CsvSink<'m, W> {
    /// A sink writing rows separated by `delimiter` (`,` or tab) to `out`.
    pub fn new(out: W, meta: &'m Meta<'m>, delimiter: u8, excel: bool) -> Self {
        CsvSink {
            out,
            meta,
            delimiter,
            excel,
            started: false,
            row: Vec::with_capacity(rows::COLUMNS.len()),
            line: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            if self.excel {
                self.out.write_all("\u{feff}".as_bytes())?;
            }
            self.row = header().map(str::to_string).collect();
            self.write_row()?;
        }
        Ok(())
    }

    /// Writes `self.row` and clears it.
    fn write_row(&mut self) -> io::Result<()> {
        self.line.clear();
        for (i, cell) in self.row.iter().enumerate() {
            if i > 0 {
                self.line.push(self.delimiter);
            }
            write_field(&mut self.line, cell, self.delimiter, self.excel);
        }
        self.line.extend_from_slice(if self.delimiter == b',' {
            b"\r\n"
        } else {
            b"\n"
        });
        self.row.clear();
        self.out.write_all(&self.line)
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
                Cell::Text(s) => s,
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
        rows::for_each_row(result, &meta.row_context(), |cells| self.write_cells(cells))
    }

    fn finish(&mut self) -> io::Result<()> {
        self.start()?;
        self.out.flush()
    }
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

    fn render(results: &[ArticleResult], delimiter: u8, excel: bool) -> String {
        let meta = Meta::bare();
        let mut buf = Vec::new();
        let mut sink = CsvSink::new(&mut buf, &meta, delimiter, excel);
        for r in results {
            sink.article(None, r).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn rows_per_stance_and_actor_and_per_empty_or_failed_article() {
        let text = "The US and Russia urged calm, concern.";
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
        let st = Statement {
            span: idx.span(0, text.len()),
            text: text.into(),
            speaker: Some(Speaker {
                text: "The US and Russia".into(),
                span: idx.span(0, 17),
            }),
            actors: vec!["USA".into(), "RUS".into()],
            stances: vec![
                stance("restraint", "urged calm"),
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
        let failed = ArticleResult::failed("c", err);
        let out = render(&[ok, none, failed], b',', false);
        let rows: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(rows.len(), 1 + 4 + 1 + 1 + 1, "{out}");
        assert_eq!(rows[0], header().collect::<Vec<_>>().join(","));
        assert!(rows[1].starts_with("a,,,,stance,0,38,0,38,The US and Russia,USA,,restraint,012,,restraint.r,18,28,18,28,urged calm,"));
        assert!(rows[2].contains(",USA,,concern,"));
        assert!(rows[3].contains(",RUS,,restraint,"));
        assert_eq!(
            rows[5],
            "b,,,,no-statements,,,,,,,,,,,,,,,,,,,,0.0.0,0123456789abcdef"
        );
        assert_eq!(
            rows[6],
            "c,,,,error,,,,,,,,,,,,,,,,,,io,cannot read c,0.0.0,0123456789abcdef"
        );
        for row in &rows[1..5] {
            // the quoted sentence holds one comma
            assert_eq!(row.split(',').count(), rows::COLUMNS.len() + 1, "{row}");
        }
    }

    #[test]
    fn empty_run_has_a_header_and_excel_a_bom() {
        assert_eq!(
            render(&[], b'\t', false),
            header().collect::<Vec<_>>().join("\t") + "\n"
        );
        assert!(render(&[], b',', true).starts_with("\u{feff}article_id,"));
    }
}
