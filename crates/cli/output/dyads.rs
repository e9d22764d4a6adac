//! `classify --summary --dyads`: statements counted per speaker actor × target actor × label,
//! the edge list of a network of who addressed whom, as a table, CSV, TSV or JSON.
//!
//! A count is the number of **statements** with that speaker actor among their `actors`, that
//! target actor among their `targets` and that label among their stances; a statement by two
//! actors to two targets with one label adds one to each of four dyads. A statement with no
//! speaker actor or no target actor is counted with that side empty (`(none)` in the table, an
//! empty cell in CSV, `null` in JSON), so the counts of one label still add up to at least its
//! statements. Rows: most statements first, then by actor, target and label order; dyads with
//! an empty side last.

use super::csv::write_lines;
use super::summary::{table_line, totals, SummaryFormat};
use super::{Meta, Options, Sink};
use demarche_core::{ArticleResult, Statement};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One dyad: speaker actor, target actor, label (pack order index).
type Key = (Option<String>, Option<String>, usize);

/// Counts dyads, writes them at the end.
pub struct DyadSink<'m, W> {
    out: W,
    meta: &'m Meta<'m>,
    format: SummaryFormat,
    opts: Options,
    labels: Vec<String>,
    counts: BTreeMap<Key, usize>,
    articles: usize,
    statements: usize,
    errors: usize,
}

/// The actor codes of one side of a statement, each once; `[None]` when there are none.
fn side(codes: &[String]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    for c in codes {
        if !out.iter().any(|o| o.as_deref() == Some(c)) {
            out.push(Some(c.clone()));
        }
    }
    if out.is_empty() {
        out.push(None);
    }
    out
}

impl<'m, W: Write> DyadSink<'m, W> {
    /// A sink writing the dyad counts of the run to `out` in `format`.
    pub fn new(out: W, meta: &'m Meta<'m>, format: SummaryFormat, opts: Options) -> Self {
        DyadSink {
            out,
            meta,
            format,
            opts,
            labels: meta.labels().iter().map(|l| l.name.clone()).collect(),
            counts: BTreeMap::new(),
            articles: 0,
            statements: 0,
            errors: 0,
        }
    }

    /// The column of `label`, added at the end when the pack does not name it.
    fn label_index(&mut self, label: &str) -> usize {
        match self.labels.iter().position(|l| l == label) {
            Some(i) => i,
            None => {
                self.labels.push(label.to_string());
                self.labels.len() - 1
            }
        }
    }

    fn add(&mut self, st: &Statement) {
        self.statements += 1;
        let labels: Vec<usize> = st
            .labels()
            .into_iter()
            .map(|l| self.label_index(l))
            .collect();
        let targets = side(&st.targets);
        for actor in side(&st.actors) {
            for target in &targets {
                for &label in &labels {
                    let key = (actor.clone(), target.clone(), label);
                    *self.counts.entry(key).or_insert(0) += 1;
                }
            }
        }
    }

    /// The dyads in output order, with their counts.
    fn rows(&self) -> Vec<(&Key, usize)> {
        let mut rows: Vec<(&Key, usize)> = self.counts.iter().map(|(k, &n)| (k, n)).collect();
        rows.sort_by_key(|&((a, t, l), n)| {
            (
                a.is_none() || t.is_none(),
                std::cmp::Reverse(n),
                a.clone(),
                t.clone(),
                *l,
            )
        });
        rows
    }

    fn table(&mut self) -> io::Result<()> {
        let mut lines = vec![["actor", "target", "label", "statements"].map(String::from)];
        for ((a, t, l), n) in self.rows() {
            let none = || "(none)".to_string();
            lines.push([
                a.clone().unwrap_or_else(none),
                t.clone().unwrap_or_else(none),
                self.labels[*l].clone(),
                n.to_string(),
            ]);
        }
        let width = |col: usize| {
            lines
                .iter()
                .map(|l| l[col].chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths = [width(0), width(1), width(2), width(3)];
        for (i, line) in lines.iter().enumerate() {
            let text = format!(
                "{:w0$}  {:w1$}  {:w2$}  {:>w3$}",
                line[0],
                line[1],
                line[2],
                line[3],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3]
            );
            table_line(&mut self.out, &text, self.opts.color && i == 0)?;
        }
        totals(&mut self.out, self.articles, self.statements, self.errors)
    }

    fn delimited(&mut self, delimiter: u8) -> io::Result<()> {
        let eol: &[u8] = if delimiter == b',' { b"\r\n" } else { b"\n" };
        let header = [
            "actor",
            "actor_cameo",
            "target_actor",
            "target_actor_cameo",
            "label",
            "label_cameo",
            "statements",
            "demarche_version",
            "rules_hash",
        ];
        let mut lines = vec![header.map(String::from).to_vec()];
        let p = &self.meta.provenance;
        for ((a, t, l), n) in self.rows() {
            let cameo = |c: &Option<String>| {
                c.as_deref()
                    .and_then(|c| self.meta.actor_cameo(c))
                    .unwrap_or_default()
                    .to_string()
            };
            let label = &self.labels[*l];
            let label_cameo = self.meta.label(label).and_then(|i| i.cameo.clone());
            lines.push(vec![
                a.clone().unwrap_or_default(),
                cameo(a),
                t.clone().unwrap_or_default(),
                cameo(t),
                label.clone(),
                label_cameo.unwrap_or_default(),
                n.to_string(),
                p.version.clone(),
                p.rules.clone(),
            ]);
        }
        write_lines(&mut self.out, &lines, delimiter, eol, self.opts.excel)
    }

    fn json(&mut self) -> io::Result<()> {
        let dyads: Vec<serde_json::Value> = self
            .rows()
            .into_iter()
            .map(|((a, t, l), n)| {
                json!({"actor": a, "target": t, "label": self.labels[*l], "statements": n})
            })
            .collect();
        let value = json!({
            "demarche": &self.meta.provenance,
            "articles": self.articles,
            "statements": self.statements,
            "errors": self.errors,
            "dyads": dyads,
        });
        serde_json::to_writer_pretty(&mut self.out, &value)?;
        writeln!(self.out)
    }
}

impl<W: Write> Sink for DyadSink<'_, W> {
    fn article(&mut self, _text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        self.articles += 1;
        if result.error.is_some() {
            self.errors += 1;
        }
        for st in &result.statements {
            self.add(st);
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::{Article, CharIndex, Stance};

    fn statement(actors: &[&str], targets: &[&str], labels: &[&str]) -> Statement {
        let idx = CharIndex::new("x");
        let codes = |c: &[&str]| c.iter().map(|a| a.to_string()).collect();
        Statement {
            span: idx.span(0, 1),
            text: "x".into(),
            speaker: None,
            actors: codes(actors),
            cameo_actors: Vec::new(),
            target: None,
            targets: codes(targets),
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
    fn counts_statements_per_actor_target_and_label() {
        let meta = Meta::bare();
        let mut buf = Vec::new();
        let mut sink = DyadSink::new(
            &mut buf,
            &meta,
            SummaryFormat::Delimited(b','),
            Options::default(),
        );
        let article = ArticleResult::ok(
            &Article::new("a", "x"),
            vec![
                statement(&["USA", "EU"], &["CHN", "CHN"], &["concern", "restraint"]),
                statement(&["USA"], &["CHN"], &["concern"]),
                statement(&["RUS"], &[], &["concern"]),
            ],
        );
        sink.article(None, &article).unwrap();
        sink.finish().unwrap();
        let out = String::from_utf8(buf).unwrap();
        let rows: Vec<&str> = out.lines().map(|l| l.trim_end_matches('\r')).collect();
        let v = "0.0.0,0123456789abcdef";
        assert_eq!(
            rows[1..],
            [
                format!("USA,,CHN,,concern,,2,{v}"),
                format!("EU,,CHN,,concern,,1,{v}"),
                format!("EU,,CHN,,restraint,,1,{v}"),
                format!("USA,,CHN,,restraint,,1,{v}"),
                format!("RUS,,,,concern,,1,{v}"),
            ]
        );
    }
}
