//! `--format text`: a report for a person reading today's articles.
//!
//! Per article a `== id` header, then per statement: `line:col` of the sentence, the speaker as
//! written and its actor codes (or `(no speaker)`), the labels with the rule ids that found them,
//! and the sentence with each stance's evidence marked `[[like this]]`. Articles that could not
//! be read show `error: ...`. A summary line closes the report. Line breaks inside a sentence
//! are shown as spaces; offsets are only for display here, the contract is `--format jsonl`.

use super::Sink;
use demarche_core::{ArticleResult, Statement};
use std::io::{self, Write};

/// Writes the human-readable report.
pub struct TextSink<W> {
    out: W,
    articles: usize,
    statements: usize,
    errors: usize,
}

impl<W: Write> TextSink<W> {
    /// A sink writing to `out`.
    pub fn new(out: W) -> Self {
        TextSink {
            out,
            articles: 0,
            statements: 0,
            errors: 0,
        }
    }

    fn statement(&mut self, lines: &mut LineCounter, st: &Statement) -> io::Result<()> {
        let (line, col) = lines.position(st.span.start);
        writeln!(self.out, "{line}:{col}  {}", speaker_line(st))?;
        let labels: Vec<String> = st
            .stances
            .iter()
            .map(|s| format!("{} ({})", s.label, s.rule))
            .collect();
        writeln!(self.out, "    {}", labels.join(", "))?;
        writeln!(self.out, "    > {}", one_line(&mark_evidence(st)))
    }
}

impl<W: Write> Sink for TextSink<W> {
    fn article(&mut self, text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        if self.articles > 0 {
            writeln!(self.out)?;
        }
        self.articles += 1;
        writeln!(self.out, "== {}", result.id)?;
        if let Some(title) = &result.title {
            writeln!(self.out, "   {}", one_line(title))?;
        }
        if let Some(err) = &result.error {
            self.errors += 1;
            return writeln!(self.out, "error: {}", err.message);
        }
        if result.statements.is_empty() {
            return writeln!(self.out, "(no statements)");
        }
        let mut lines = LineCounter::new(text.unwrap_or(""));
        for st in &result.statements {
            self.statements += 1;
            self.statement(&mut lines, st)?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        write_totals(&mut self.out, self.articles, self.statements, self.errors)
    }
}

/// `"The US , Russia, the EU  [USA, RUS, EU]"`, `"Blinken  [USA → CHN]"` when the statement
/// has targets, or `(no speaker)`.
fn speaker_line(st: &Statement) -> String {
    let mut out = match &st.speaker {
        Some(sp) => one_line(&sp.text),
        None => "(no speaker)".to_string(),
    };
    if !st.actors.is_empty() || !st.targets.is_empty() {
        out.push_str(&format!("  [{}]", codes(st, ", ")));
    }
    out
}

/// The speaker's actor codes joined by `sep`, then ` → ` and the target's when it has any
/// (`USA, RUS → CHN`); `-` for a side with none.
pub(crate) fn codes(st: &Statement, sep: &str) -> String {
    let side = |c: &[String]| {
        if c.is_empty() {
            "-".to_string()
        } else {
            c.join(sep)
        }
    };
    if st.targets.is_empty() {
        side(&st.actors)
    } else {
        format!("{} → {}", side(&st.actors), side(&st.targets))
    }
}

/// The sentence with the evidence of every stance wrapped in `[[ ]]`. Overlapping evidence is
/// merged into one mark; spans outside the sentence or off char boundaries are ignored.
fn mark_evidence(st: &Statement) -> String {
    let sentence = st.text.as_str();
    let mut ranges: Vec<(usize, usize)> = st
        .stances
        .iter()
        .filter_map(|s| {
            let start = s.span.start.checked_sub(st.span.start)?;
            let end = s.span.end.checked_sub(st.span.start)?;
            sentence.get(start..end).map(|_| (start, end))
        })
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut out = String::with_capacity(sentence.len() + 4 * merged.len());
    let mut pos = 0;
    for (start, end) in merged {
        out.push_str(&sentence[pos..start]);
        out.push_str("[[");
        out.push_str(&sentence[start..end]);
        out.push_str("]]");
        pos = end;
    }
    out.push_str(&sentence[pos..]);
    out
}

/// `s` with every line break shown as one space.
pub(super) fn one_line(s: &str) -> String {
    s.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

/// `1 article`, `2 articles`.
/// The closing line of the text and table reports: `N articles, M statements[, K errors]`,
/// after a blank line when anything came before; then a flush.
pub(super) fn write_totals(
    out: &mut impl Write,
    articles: usize,
    statements: usize,
    errors: usize,
) -> io::Result<()> {
    if articles > 0 {
        writeln!(out)?;
    }
    let mut summary = format!(
        "{}, {}",
        plural(articles, "article"),
        plural(statements, "statement")
    );
    if errors > 0 {
        summary.push_str(&format!(", {}", plural(errors, "error")));
    }
    writeln!(out, "{summary}")?;
    out.flush()
}

pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Turns byte offsets into 1-based `line:col` (col in chars), scanning forward only once for
/// offsets given in increasing order.
pub(super) struct LineCounter<'t> {
    text: &'t str,
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'t> LineCounter<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    pub(super) fn position(&mut self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        if byte < self.pos {
            *self = LineCounter::new(self.text);
        }
        let bytes = self.text.as_bytes();
        for (i, &b) in bytes.iter().enumerate().take(byte).skip(self.pos) {
            if b == b'\n' {
                self.line += 1;
                self.line_start = i + 1;
            }
        }
        self.pos = byte;
        let col = self
            .text
            .get(self.line_start..byte)
            .map_or(byte - self.line_start, |s| s.chars().count());
        (self.line, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::{Article, CharIndex, Speaker, Stance};

    fn statement(text: &str, sentence: &str, evidence: &[(&str, &str)]) -> Statement {
        let idx = CharIndex::new(text);
        let start = text.find(sentence).unwrap();
        let stances = evidence
            .iter()
            .map(|(label, ev)| {
                let s = start + sentence.find(ev).unwrap();
                Stance {
                    label: label.to_string(),
                    rule: format!("{label}.rule"),
                    cameo: None,
                    span: idx.span(s, s + ev.len()),
                    text: ev.to_string(),
                }
            })
            .collect();
        let sp = text.find("Dujarric").unwrap();
        Statement {
            span: idx.span(start, start + sentence.len()),
            text: sentence.to_string(),
            speaker: Some(Speaker {
                text: "Dujarric".into(),
                span: idx.span(sp, sp + 8),
            }),
            actors: vec!["UN".into()],
            cameo_actors: Vec::new(),
            target: None,
            targets: Vec::new(),
            target_cameo_actors: Vec::new(),
            stances,
        }
    }

    #[test]
    fn report_marks_evidence_and_counts() {
        let text = "Headline\n\nThe UN “urges restraint and calm,” Dujarric said.";
        let sentence = "The UN “urges restraint and calm,” Dujarric said.";
        let st = statement(
            text,
            sentence,
            &[("restraint", "restraint"), ("x", "restraint and")],
        );
        let article = Article::new("a.txt", text);
        let mut buf = Vec::new();
        let mut sink = TextSink::new(&mut buf);
        sink.article(Some(text), &ArticleResult::ok(&article, vec![st]))
            .unwrap();
        sink.finish().unwrap();
        let out = String::from_utf8(buf).unwrap();
        assert_eq!(
            out,
            "== a.txt\n3:1  Dujarric  [UN]\n    restraint (restraint.rule), x (x.rule)\n    \
             > The UN “urges [[restraint and]] calm,” Dujarric said.\n\n\
             1 article, 1 statement\n"
        );
    }

    #[test]
    fn line_counter_counts_chars() {
        let text = "é\nab é c";
        let mut lines = LineCounter::new(text);
        assert_eq!(lines.position(0), (1, 1));
        assert_eq!(lines.position(text.find('c').unwrap()), (2, 6));
        assert_eq!(lines.position(3), (2, 1));
    }

    #[test]
    fn speaker_line_shows_the_dyad_when_there_are_targets() {
        let text = "The UN urged calm, Dujarric said.";
        let mut st = statement(text, text, &[("restraint", "urged calm")]);
        assert_eq!(speaker_line(&st), "Dujarric  [UN]");
        st.targets = vec!["ARM".into(), "AZE".into()];
        assert_eq!(speaker_line(&st), "Dujarric  [UN → ARM, AZE]");
        st.actors.clear();
        assert_eq!(codes(&st, ","), "- → ARM,AZE");
    }
}
