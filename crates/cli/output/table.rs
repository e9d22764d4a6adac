//! `--format table`: an aligned table for a terminal, one row per stance.
//!
//! Per article a `== id` line, then a table with the columns `at` (1-based `line:col` of the
//! sentence, col in characters), `speaker`, `actors`, `label`, `rule` and `evidence`. A
//! statement's own columns are written on its first row only. Long speakers and evidence are
//! cut to a fixed width with `…`; widths count characters, so wide (CJK) text may misalign. With
//! colour (a terminal and no `NO_COLOR`, or `--color always`), headers are bold, actors cyan,
//! each label has its own colour and rule ids are dim. Like `text`, the layout is for people
//! and may change.

use super::text::{codes, one_line, write_totals, LineCounter};
use super::Sink;
use demarche_core::ArticleResult;
use std::io::{self, Write};

const HEADER: [&str; 6] = ["at", "speaker", "actors", "label", "rule", "evidence"];
/// The widest a column may grow, in characters; the last column is not padded.
const MAX_WIDTH: [usize; 6] = [9, 32, 20, 14, 44, 60];
/// ANSI colours for labels, by order of first appearance.
const LABEL_COLOURS: [&str; 6] = ["33", "32", "35", "34", "31", "36"];

/// Writes aligned tables.
pub struct TableSink<W> {
    out: W,
    color: bool,
    labels: Vec<String>,
    articles: usize,
    statements: usize,
    errors: usize,
}

impl<W: Write> TableSink<W> {
    /// A sink writing to `out`, with ANSI colours when `color`.
    pub fn new(out: W, color: bool) -> Self {
        TableSink {
            out,
            color,
            labels: Vec::new(),
            articles: 0,
            statements: 0,
            errors: 0,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn label_colour(&mut self, label: &str) -> &'static str {
        let i = match self.labels.iter().position(|l| l == label) {
            Some(i) => i,
            None => {
                self.labels.push(label.to_string());
                self.labels.len() - 1
            }
        };
        LABEL_COLOURS[i % LABEL_COLOURS.len()]
    }

    /// Writes rows with padding computed before colouring.
    fn write_rows(&mut self, rows: &[[String; 6]]) -> io::Result<()> {
        let mut widths = [0usize; 6];
        for row in rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for (n, row) in rows.iter().enumerate() {
            let mut line = String::new();
            for (col, cell) in row.iter().enumerate() {
                let styled = if n == 0 {
                    self.paint("1", cell)
                } else {
                    match col {
                        2 => self.paint("36", cell),
                        3 => {
                            let code = self.label_colour(cell);
                            self.paint(code, cell)
                        }
                        4 => self.paint("2", cell),
                        _ => cell.clone(),
                    }
                };
                line.push_str(&styled);
                if col + 1 < row.len() {
                    let pad = widths[col] - cell.chars().count() + 2;
                    line.push_str(&" ".repeat(pad));
                }
            }
            writeln!(self.out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

impl<W: Write> Sink for TableSink<W> {
    fn article(&mut self, text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        if self.articles > 0 {
            writeln!(self.out)?;
        }
        self.articles += 1;
        let head = format!("== {}", one_line(&result.id));
        writeln!(self.out, "{}", self.paint("1", &head))?;
        if let Some(title) = &result.title {
            writeln!(self.out, "   {}", one_line(title))?;
        }
        if let Some(err) = &result.error {
            self.errors += 1;
            let msg = format!("error: {}", err.message);
            return writeln!(self.out, "{}", self.paint("31", &msg));
        }
        if result.statements.is_empty() {
            return writeln!(self.out, "(no statements)");
        }
        let mut lines = LineCounter::new(text.unwrap_or(""));
        let mut rows = vec![HEADER.map(String::from)];
        for st in &result.statements {
            self.statements += 1;
            let (line, col) = lines.position(st.span.start);
            let speaker = st
                .speaker
                .as_ref()
                .map_or("-".to_string(), |s| one_line(&s.text));
            let actors = codes(st, ",");
            for (i, stance) in st.stances.iter().enumerate() {
                let own = |s: String| if i == 0 { s } else { String::new() };
                rows.push([
                    own(format!("{line}:{col}")),
                    own(speaker.clone()),
                    own(actors.clone()),
                    stance.label.clone(),
                    stance.rule.clone(),
                    one_line(&stance.text),
                ]);
            }
        }
        for row in rows.iter_mut().skip(1) {
            for (cell, max) in row.iter_mut().zip(MAX_WIDTH) {
                *cell = cut(cell, max);
            }
        }
        self.write_rows(&rows)
    }

    fn finish(&mut self) -> io::Result<()> {
        write_totals(&mut self.out, self.articles, self.statements, self.errors)
    }
}

/// `s` cut to `max` characters, the last one `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_counts_chars() {
        assert_eq!(cut("Stéphane", 8), "Stéphane");
        assert_eq!(cut("Stéphane Dujarric", 8), "Stéphan…");
    }
}
