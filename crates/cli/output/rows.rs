//! The table of a run: its columns, and the rows of one article result, in each shape of
//! `--csv-shape` (see `docs/output-format.md`): one row per stance by default, per stance and
//! speaker actor (`long`), or per stance, speaker actor and target actor (`dyad`); one
//! `no-statements` row for an article without statements; one `error` row for an article that
//! could not be read.
//!
//! Shared by the `csv` / `tsv` writer ([`super::csv`]), which quotes and writes the cells, and
//! by the Python module's `to_pandas` (`crates/python` compiles this very file), which turns
//! them into typed columns: so a data frame and a CSV file of the same results have the same
//! columns, in the same order, from one definition. This file therefore depends on
//! `demarche-core` and `demarche-engine` only, never on the rest of the CLI.

use demarche_core::{ArticleResult, Span, Speaker, Stance, Statement};
use demarche_engine::RuleSet;
use std::borrow::Cow;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text; empty when absent.
    Text,
    /// A non-negative integer (an offset); empty on rows that have none.
    Integer,
}

/// One column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The header name.
    pub name: &'static str,
    /// What its cells hold.
    pub kind: Kind,
}

/// The shape of the table: what one row stands for. (The Python module builds the default
/// shape only.)
#[allow(dead_code)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// One row per stance; the speaker's and the target's actors as `;`-joined lists.
    #[default]
    Stance,
    /// One row per stance and speaker actor (`actor`, `actor_cameo`).
    Long,
    /// One row per stance, speaker actor and target actor (also `target_actor`,
    /// `target_actor_cameo`).
    Dyad,
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
    }
}

const fn int(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Integer,
    }
}

/// The columns before the statement's own, in every shape.
const ARTICLE_COLUMNS: &[Column] = &[
    text("article_id"),
    text("date"),
    text("url"),
    text("title"),
    text("row_type"),
];

/// The statement, speaker and target columns, in every shape.
const STATEMENT_COLUMNS: &[Column] = &[
    text("statement_id"),
    text("stance_id"),
    int("statement_start"),
    int("statement_end"),
    int("statement_char_start"),
    int("statement_char_end"),
    text("speaker"),
    text("actors"),
    text("cameo_actors"),
    text("target"),
    text("targets"),
    text("target_cameo_actors"),
];

/// The columns of the stance and those that close every row.
const STANCE_COLUMNS: &[Column] = &[
    text("label"),
    text("label_cameo"),
    text("label_plover"),
    text("rule"),
    int("evidence_start"),
    int("evidence_end"),
    int("evidence_char_start"),
    int("evidence_char_end"),
    text("evidence"),
    text("sentence"),
    text("error_kind"),
    text("error_message"),
    text("demarche_version"),
    text("rules_hash"),
];

/// The `long` shape's extra columns; the `dyad` shape adds [`DYAD_COLUMNS`] after them.
const LONG_COLUMNS: &[Column] = &[text("actor"), text("actor_cameo")];
const DYAD_COLUMNS: &[Column] = &[text("target_actor"), text("target_actor_cameo")];

/// The columns of `shape`, in order: the `long` shape adds `actor` and `actor_cameo` after the
/// lists, the `dyad` shape also `target_actor` and `target_actor_cameo`.
pub fn columns(shape: Shape) -> Vec<Column> {
    let extra: &[Column] = match shape {
        Shape::Stance => &[],
        Shape::Long => LONG_COLUMNS,
        Shape::Dyad => &[
            LONG_COLUMNS[0],
            LONG_COLUMNS[1],
            DYAD_COLUMNS[0],
            DYAD_COLUMNS[1],
        ],
    };
    [ARTICLE_COLUMNS, STATEMENT_COLUMNS, extra, STANCE_COLUMNS].concat()
}

/// The stable id of a statement: `ARTICLE_ID:START-END` (byte offsets of the sentence).
pub fn statement_id(article_id: &str, st: &Statement) -> String {
    format!("{article_id}:{}-{}", st.span.start, st.span.end)
}

/// The stable id of a stance: `STATEMENT_ID:LABEL`.
pub fn stance_id(statement_id: &str, stance: &Stance) -> String {
    format!("{statement_id}:{}", stance.label)
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text (possibly empty).
    Text(Cow<'a, str>),
    /// An integer.
    Int(usize),
    /// Nothing: a column that does not apply to the row, or a value that is absent.
    Empty,
}

/// What rows need besides the result: the pack's crosswalk codes and the provenance.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The rule pack, for the labels' PLOVER types and the actors' CAMEO codes.
    pub rules: Option<&'a RuleSet>,
    /// The demarche version.
    pub version: &'a str,
    /// The rule-pack hash, as 16 hex digits.
    pub rules_hash: &'a str,
}

impl<'a> Context<'a> {
    fn actor_cameo(&self, code: &str) -> Option<&'a str> {
        self.rules.and_then(|r| r.actor_cameo(code))
    }

    /// The CAMEO codes of a side: the statement's own, or else the pack's code of each actor
    /// that has one.
    fn cameo_list(&self, given: &[String], actors: &[String]) -> String {
        if !given.is_empty() {
            return given.join(";");
        }
        let codes: Vec<&str> = actors.iter().filter_map(|a| self.actor_cameo(a)).collect();
        codes.join(";")
    }
}

/// One row's speaker actor and target actor, in the `long` and `dyad` shapes.
type Pair<'a> = (Option<&'a str>, Option<&'a str>);

/// Calls `row` with the cells of every row of `result` in the default shape (one per column of
/// [`Shape::Stance`]), in order: statements in text order, then stances. Stops at the first error.
/// The Python module's entry point; the CLI uses [`for_each_row_of`] with its shape.
#[allow(dead_code)]
pub fn for_each_row<E>(
    result: &ArticleResult,
    cx: &Context<'_>,
    row: impl FnMut(&[Cell<'_>]) -> Result<(), E>,
) -> Result<(), E> {
    for_each_row_of(result, cx, Shape::Stance, row)
}

/// [`for_each_row`] in any shape: the cells follow [`columns`] of `shape`.
pub fn for_each_row_of<E>(
    result: &ArticleResult,
    cx: &Context<'_>,
    shape: Shape,
    mut row: impl FnMut(&[Cell<'_>]) -> Result<(), E>,
) -> Result<(), E> {
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(columns(shape).len());
    if result.error.is_some() || result.statements.is_empty() {
        let row_type = if result.error.is_some() {
            "error"
        } else {
            "no-statements"
        };
        article_cells(&mut cells, result, row_type);
        let empty = columns(shape).len() - ARTICLE_COLUMNS.len() - 4;
        cells.extend(std::iter::repeat(Cell::Empty).take(empty));
        closing_cells(&mut cells, result, cx);
        return row(&cells);
    }
    for st in &result.statements {
        let id = statement_id(&result.id, st);
        for stance in &st.stances {
            for pair in pairs(shape, st) {
                cells.clear();
                article_cells(&mut cells, result, "stance");
                statement_cells(&mut cells, &id, st, stance, cx);
                pair_cells(&mut cells, shape, pair, cx);
                stance_cells(&mut cells, st, stance, cx);
                closing_cells(&mut cells, result, cx);
                row(&cells)?;
            }
        }
    }
    Ok(())
}

/// The (speaker actor, target actor) pairs one stance of `st` is written for.
fn pairs(shape: Shape, st: &Statement) -> Vec<Pair<'_>> {
    fn side(codes: &[String]) -> Vec<Option<&str>> {
        if codes.is_empty() {
            vec![None]
        } else {
            codes.iter().map(|a| Some(a.as_str())).collect()
        }
    }
    match shape {
        Shape::Stance => vec![(None, None)],
        Shape::Long => side(&st.actors).into_iter().map(|a| (a, None)).collect(),
        Shape::Dyad => {
            let targets = side(&st.targets);
            side(&st.actors)
                .into_iter()
                .flat_map(|a| targets.iter().map(move |&t| (a, t)))
                .collect()
        }
    }
}

/// The statement columns, from `statement_id` to `target_cameo_actors`.
fn statement_cells<'a>(
    cells: &mut Vec<Cell<'a>>,
    id: &str,
    st: &'a Statement,
    stance: &'a Stance,
    cx: &Context<'a>,
) {
    let mention = |m: &'a Option<Speaker>| {
        m.as_ref()
            .map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(&s.text)))
    };
    let list = |s: String| Cell::Text(Cow::Owned(s));
    cells.extend([list(id.to_string()), list(stance_id(id, stance))]);
    span_cells(cells, &st.span);
    cells.extend([
        mention(&st.speaker),
        list(st.actors.join(";")),
        list(cx.cameo_list(&st.cameo_actors, &st.actors)),
        mention(&st.target),
        list(st.targets.join(";")),
        list(cx.cameo_list(&st.target_cameo_actors, &st.targets)),
    ]);
}

/// The `long` / `dyad` columns of one row.
fn pair_cells<'a>(
    cells: &mut Vec<Cell<'a>>,
    shape: Shape,
    (actor, target): Pair<'a>,
    cx: &Context<'a>,
) {
    let code = |a: Option<&'a str>| a.map_or(Cell::Empty, |a| Cell::Text(Cow::Borrowed(a)));
    let cameo = |a: Option<&'a str>| code(a.and_then(|a| cx.actor_cameo(a)));
    match shape {
        Shape::Stance => {}
        Shape::Long => cells.extend([code(actor), cameo(actor)]),
        Shape::Dyad => cells.extend([code(actor), cameo(actor), code(target), cameo(target)]),
    }
}

/// The stance columns, from `label` to `sentence`.
fn stance_cells<'a>(
    cells: &mut Vec<Cell<'a>>,
    st: &'a Statement,
    stance: &'a Stance,
    cx: &Context<'a>,
) {
    let opt = |v: Option<&'a str>| v.map_or(Cell::Empty, |s| Cell::Text(Cow::Borrowed(s)));
    let plover = cx
        .rules
        .and_then(|r| r.labels().iter().find(|l| l.name == stance.label))
        .and_then(|l| l.plover.as_deref());
    cells.extend([
        Cell::Text(Cow::Borrowed(&stance.label)),
        opt(stance.cameo.as_deref()),
        opt(plover),
        Cell::Text(Cow::Borrowed(&stance.rule)),
    ]);
    span_cells(cells, &stance.span);
    cells.extend([
        Cell::Text(Cow::Borrowed(&stance.text)),
        Cell::Text(Cow::Borrowed(&st.text)),
    ]);
}

/// The article columns that open every row.
fn article_cells<'a>(cells: &mut Vec<Cell<'a>>, result: &'a ArticleResult, row_type: &'a str) {
    let opt = |v: &'a Option<String>| v.as_deref().map_or(Cell::Empty, |s| Cell::Text(s.into()));
    cells.extend([
        Cell::Text(Cow::Borrowed(&result.id)),
        opt(&result.date),
        opt(&result.url),
        opt(&result.title),
        Cell::Text(Cow::Borrowed(row_type)),
    ]);
}

/// The error and provenance columns that close every row.
fn closing_cells<'a>(cells: &mut Vec<Cell<'a>>, result: &'a ArticleResult, cx: &Context<'a>) {
    match &result.error {
        Some(e) => cells.extend([
            Cell::Text(Cow::Borrowed(&e.kind)),
            Cell::Text(Cow::Borrowed(&e.message)),
        ]),
        None => cells.extend([Cell::Empty, Cell::Empty]),
    }
    cells.extend([
        Cell::Text(Cow::Borrowed(cx.version)),
        Cell::Text(Cow::Borrowed(cx.rules_hash)),
    ]);
}

fn span_cells(cells: &mut Vec<Cell<'_>>, span: &Span) {
    cells.extend([
        Cell::Int(span.start),
        Cell::Int(span.end),
        Cell::Int(span.char_start),
        Cell::Int(span.char_end),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_long_and_dyad_shapes_add_their_actor_columns() {
        let names = |s: Shape| columns(s).iter().map(|c| c.name).collect::<Vec<_>>();
        let stance = names(Shape::Stance);
        assert_eq!(stance.len(), 31);
        let long = names(Shape::Long);
        assert_eq!(long.len(), stance.len() + 2);
        assert_eq!(long[17..19], ["actor", "actor_cameo"]);
        let dyad = names(Shape::Dyad);
        assert_eq!(
            dyad[17..21],
            ["actor", "actor_cameo", "target_actor", "target_actor_cameo"]
        );
    }
}
