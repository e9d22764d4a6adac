//! `classify --summary`: an actors × labels count of a run, as a table, CSV, TSV or JSON; and
//! the [`Counts`] behind it, which the HTML report's matrix shares.
//!
//! A cell counts the statements that have that actor among their actors and that label among
//! their stances. A statement with several actors counts once in each actor's row, so a label's
//! column can add up to more than its statement count; the totals ([`Counts::label_total`],
//! [`Row::statements`]) count statements, each once. Statements with no actor code (generic,
//! unknown or no speaker) are counted in a row with no actor (`(no actor)` in the table, an
//! empty `actor` in CSV, `null` in JSON), shown last.

use super::csv::write_lines;
use super::text::plural;
use super::{Meta, Options, Provenance, Sink};
use demarche_core::ArticleResult;
use demarche_engine::LabelInfo;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

/// One actor's row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The actor code; `None` for statements with no actor.
    pub actor: Option<String>,
    /// Statements with this actor and each label, in [`Counts::labels`] order.
    pub cells: Vec<usize>,
    /// Statements with this actor.
    pub statements: usize,
}

/// Counts of a run: articles, statements, errors, and the actors × labels matrix.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    labels: Vec<String>,
    label_index: HashMap<String, usize>,
    label_totals: Vec<usize>,
    rows: BTreeMap<Option<String>, (Vec<usize>, usize)>,
    /// Articles seen, failed ones included.
    pub articles: usize,
    /// Statements seen.
    pub statements: usize,
    /// Stances seen.
    pub stances: usize,
    /// Articles that could not be read.
    pub errors: usize,
}

impl Counts {
    /// Counts with the pack's labels as columns, in pack order.
    pub fn new(labels: &[LabelInfo]) -> Self {
        let mut counts = Counts::default();
        for l in labels {
            counts.column(&l.name);
        }
        counts
    }

    /// The column of `label`, added at the end if the pack did not name it.
    fn column(&mut self, label: &str) -> usize {
        if let Some(&i) = self.label_index.get(label) {
            return i;
        }
        self.labels.push(label.to_string());
        self.label_totals.push(0);
        for (cells, _) in self.rows.values_mut() {
            cells.push(0);
        }
        self.label_index
            .insert(label.to_string(), self.labels.len() - 1);
        self.labels.len() - 1
    }

    /// Adds one article's result.
    pub fn add(&mut self, result: &ArticleResult) {
        self.articles += 1;
        if result.error.is_some() {
            self.errors += 1;
        }
        for st in &result.statements {
            self.statements += 1;
            self.stances += st.stances.len();
            let columns: Vec<usize> = st.labels().into_iter().map(|l| self.column(l)).collect();
            for &c in &columns {
                self.label_totals[c] += 1;
            }
            let actors: Vec<Option<String>> = if st.actors.is_empty() {
                vec![None]
            } else {
                let mut unique: Vec<Option<String>> = Vec::new();
                for a in &st.actors {
                    if !unique.iter().any(|u| u.as_deref() == Some(a)) {
                        unique.push(Some(a.clone()));
                    }
                }
                unique
            };
            let width = self.labels.len();
            for actor in actors {
                let (cells, total) = self.rows.entry(actor).or_insert((vec![0; width], 0));
                *total += 1;
                for &c in &columns {
                    cells[c] += 1;
                }
            }
        }
    }

    /// The labels (columns), pack order first.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Statements with label column `i`.
    pub fn label_total(&self, i: usize) -> usize {
        self.label_totals[i]
    }

    /// The rows: most statements first, then by actor code; the row with no actor last.
    pub fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<Row> = self
            .rows
            .iter()
            .map(|(actor, (cells, statements))| Row {
                actor: actor.clone(),
                cells: cells.clone(),
                statements: *statements,
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.actor.is_none(), std::cmp::Reverse(a.statements), &a.actor).cmp(&(
                b.actor.is_none(),
                std::cmp::Reverse(b.statements),
                &b.actor,
            ))
        });
        rows
    }
}

/// How `--summary` writes the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    /// An aligned table, labels that occur only.
    Table,
    /// CSV (`,`) or TSV (tab): one row per actor, one column per label of the pack.
    Delimited(u8),
    /// One JSON object.
    Json,
}

/// The `--summary --format json` object, fields in this order.
#[derive(Serialize)]
struct SummaryJson<'a> {
    demarche: &'a Provenance,
    articles: usize,
    statements: usize,
    stances: usize,
    errors: usize,
    labels: &'a [String],
    label_statements: BTreeMap<&'a str, usize>,
    actors: Vec<serde_json::Value>,
}

/// Counts every article, writes the matrix at the end.
pub struct SummarySink<'m, W> {
    out: W,
    meta: &'m Meta<'m>,
    format: SummaryFormat,
    opts: Options,
    counts: Counts,
}

impl<'m, W: Write> SummarySink<'m, W> {
    /// A sink writing the summary of the run to `out` in `format`.
    pub fn new(out: W, meta: &'m Meta<'m>, format: SummaryFormat, opts: Options) -> Self {
        SummarySink {
            out,
            meta,
            format,
            opts,
            counts: Counts::new(meta.labels()),
        }
    }

    fn table(&mut self) -> io::Result<()> {
        let c = &self.counts;
        let shown: Vec<usize> = (0..c.labels.len())
            .filter(|&i| c.label_total(i) > 0)
            .collect();
        let mut lines: Vec<Vec<String>> = Vec::new();
        let mut header = vec!["actor".to_string()];
        header.extend(shown.iter().map(|&i| c.labels[i].clone()));
        header.push("statements".into());
        lines.push(header);
        for row in c.rows() {
            let mut line = vec![row.actor.unwrap_or_else(|| "(no actor)".into())];
            line.extend(shown.iter().map(|&i| row.cells[i].to_string()));
            line.push(row.statements.to_string());
            lines.push(line);
        }
        let mut total = vec!["all".to_string()];
        total.extend(shown.iter().map(|&i| c.label_total(i).to_string()));
        total.push(c.statements.to_string());
        lines.push(total);
        let widths: Vec<usize> = (0..lines[0].len())
            .map(|col| {
                lines
                    .iter()
                    .map(|l| l[col].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let last = lines.len() - 1;
        for (n, line) in lines.iter().enumerate() {
            let mut text = String::new();
            for (col, cell) in line.iter().enumerate() {
                let pad = " ".repeat(widths[col] - cell.chars().count());
                if col == 0 {
                    text.push_str(&format!("{cell}{pad}"));
                } else {
                    text.push_str(&format!("  {pad}{cell}"));
                }
            }
            let bold = self.opts.color && (n == 0 || n == last);
            table_line(&mut self.out, &text, bold)?;
        }
        totals(&mut self.out, c.articles, c.statements, c.errors)
    }

    fn delimited(&mut self, delimiter: u8) -> io::Result<()> {
        let c = &self.counts;
        let eol: &[u8] = if delimiter == b',' { b"\r\n" } else { b"\n" };
        let mut header = vec!["actor".to_string(), "actor_cameo".into()];
        header.extend(c.labels.iter().cloned());
        header.extend([
            "statements".into(),
            "demarche_version".into(),
            "rules_hash".into(),
        ]);
        let mut lines = vec![header];
        for row in c.rows() {
            let actor = row.actor.unwrap_or_default();
            let cameo = self
                .meta
                .actor_cameo(&actor)
                .unwrap_or_default()
                .to_string();
            let mut line = vec![actor, cameo];
            line.extend(row.cells.iter().map(usize::to_string));
            line.push(row.statements.to_string());
            let p = &self.meta.provenance;
            line.extend([p.version.clone(), p.rules.clone()]);
            lines.push(line);
        }
        write_lines(&mut self.out, &lines, delimiter, eol, self.opts.excel)
    }

    fn json(&mut self) -> io::Result<()> {
        let c = &self.counts;
        let rows: Vec<serde_json::Value> = c
            .rows()
            .into_iter()
            .map(|row| {
                let counts: BTreeMap<&str, usize> = c
                    .labels
                    .iter()
                    .map(String::as_str)
                    .zip(row.cells.iter().copied())
                    .collect();
                let cameo = row.actor.as_deref().and_then(|a| self.meta.actor_cameo(a));
                json!({"actor": row.actor, "actor_cameo": cameo,
                       "statements": row.statements, "counts": counts})
            })
            .collect();
        let label_totals: BTreeMap<&str, usize> = c
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), c.label_total(i)))
            .collect();
        let value = SummaryJson {
            demarche: &self.meta.provenance,
            articles: c.articles,
            statements: c.statements,
            stances: c.stances,
            errors: c.errors,
            labels: &c.labels,
            label_statements: label_totals,
            actors: rows,
        };
        serde_json::to_writer_pretty(&mut self.out, &value)?;
        writeln!(self.out)
    }
}

impl<W: Write> Sink for SummarySink<'_, W> {
    fn article(&mut self, _text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        self.counts.add(result);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        match self.format {
            SummaryFormat::Table => self.table()?,
            SummaryFormat::Delimited(d) => self.delimited(d)?,
            SummaryFormat::Json => self.json()?,
        }
        self.out.flush()
    }
}

/// Writes one line of a summary table, bold when `bold` (headers and totals on a terminal).
pub fn table_line(out: &mut impl Write, text: &str, bold: bool) -> io::Result<()> {
    if bold {
        writeln!(out, "\x1b[1m{text}\x1b[0m")
    } else {
        writeln!(out, "{text}")
    }
}

/// The closing line of a summary table: how many articles, statements and errors it counts.
pub fn totals(
    out: &mut impl Write,
    articles: usize,
    statements: usize,
    errors: usize,
) -> io::Result<()> {
    writeln!(
        out,
        "\n{}, {}, {}",
        plural(articles, "article"),
        plural(statements, "statement"),
        plural(errors, "error")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::{Article, CharIndex, Stance, Statement};

    fn statement(actors: &[&str], labels: &[&str]) -> Statement {
        let idx = CharIndex::new("x");
        Statement {
            span: idx.span(0, 1),
            text: "x".into(),
            speaker: None,
            actors: actors.iter().map(|a| a.to_string()).collect(),
            cameo_actors: Vec::new(),
            target: None,
            targets: Vec::new(),
            target_cameo_actors: Vec::new(),
            stances: labels
                .iter()
                .map(|l| Stance {
                    label: l.to_string(),
                    rule: format!("{l}.r"),
                    cameo: None,
                    span: idx.span(0, 1),
                    text: "x".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn cells_count_statements_per_actor_and_label() {
        let mut c = Counts::default();
        let a = Article::new("a", "x");
        c.add(&ArticleResult::ok(
            &a,
            vec![
                statement(&["USA", "RUS"], &["concern", "negotiation"]),
                statement(&["RUS"], &["concern"]),
                statement(&[], &["restraint"]),
            ],
        ));
        assert_eq!(c.labels(), ["concern", "negotiation", "restraint"]);
        let rows = c.rows();
        let got: Vec<(Option<&str>, &[usize], usize)> = rows
            .iter()
            .map(|r| (r.actor.as_deref(), r.cells.as_slice(), r.statements))
            .collect();
        assert_eq!(
            got,
            [
                (Some("RUS"), &[2, 1, 0][..], 2),
                (Some("USA"), &[1, 1, 0][..], 1),
                (None, &[0, 0, 1][..], 1)
            ]
        );
        assert_eq!(
            (0..3).map(|i| c.label_total(i)).collect::<Vec<_>>(),
            [2, 1, 1]
        );
        assert_eq!((c.articles, c.statements, c.stances), (1, 3, 4));
    }
}
