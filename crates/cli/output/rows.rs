//! The long table of a run: its columns, and the rows of one article result. One row per
//! stance and actor; one `no-statements` row for an article without statements; one `error`
//! row for an article that could not be read (see `docs/output-format.md`).
//!
//! Shared by the `csv` / `tsv` writer ([`super::csv`]), which quotes and writes the cells, and
//! by the Python module's `to_pandas` (`crates/python` compiles this very file), which turns
//! them into typed columns: so a data frame and a CSV file of the same results have the same
//! columns, in the same order, from one definition. This file therefore depends on
//! `demarche-core` and `demarche-engine` only, never on the rest of the CLI.

use demarche_core::{ArticleResult, Span, Stance, Statement};
use demarche_engine::RuleSet;

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

/// The columns, in order: the header row of the CSV.
pub const COLUMNS: &[Column] = &[
    text("article_id"),
    text("date"),
    text("url"),
    text("title"),
    text("row_type"),
    int("statement_start"),
    int("statement_end"),
    int("statement_char_start"),
    int("statement_char_end"),
    text("speaker"),
    text("actor"),
    text("actor_cameo"),
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

/// One cell of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text (possibly empty).
    Text(&'a str),
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

/// Calls `row` with the cells of every row of `result` (one per entry of [`COLUMNS`]), in
/// order: statements in text order, then actors, then stances. Stops at the first error.
pub fn for_each_row<E>(
    result: &ArticleResult,
    cx: &Context<'_>,
    mut row: impl FnMut(&[Cell<'_>]) -> Result<(), E>,
) -> Result<(), E> {
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(COLUMNS.len());
    if result.error.is_some() || result.statements.is_empty() {
        let row_type = if result.error.is_some() {
            "error"
        } else {
            "no-statements"
        };
        article_cells(&mut cells, result, row_type);
        // statement (4), speaker, actor, actor_cameo, label, label codes (2), rule, evidence
        // offsets (4), evidence, sentence
        cells.extend(std::iter::repeat(Cell::Empty).take(17));
        closing_cells(&mut cells, result, cx);
        return row(&cells);
    }
    for st in &result.statements {
        let actors: Vec<Option<&str>> = if st.actors.is_empty() {
            vec![None]
        } else {
            st.actors.iter().map(|a| Some(a.as_str())).collect()
        };
        for actor in actors {
            for stance in &st.stances {
                cells.clear();
                stance_cells(&mut cells, result, st, actor, stance, cx);
                row(&cells)?;
            }
        }
    }
    Ok(())
}

/// The cells of one stance row.
fn stance_cells<'a>(
    cells: &mut Vec<Cell<'a>>,
    result: &'a ArticleResult,
    st: &'a Statement,
    actor: Option<&'a str>,
    stance: &'a Stance,
    cx: &Context<'a>,
) {
    let opt = |v: Option<&'a str>| v.map_or(Cell::Empty, Cell::Text);
    article_cells(cells, result, "stance");
    span_cells(cells, &st.span);
    let plover = cx
        .rules
        .and_then(|r| r.labels().iter().find(|l| l.name == stance.label))
        .and_then(|l| l.plover.as_deref());
    let actor_cameo = actor.and_then(|a| cx.rules.and_then(|r| r.actor_cameo(a)));
    cells.extend([
        opt(st.speaker.as_ref().map(|s| s.text.as_str())),
        opt(actor),
        opt(actor_cameo),
        Cell::Text(&stance.label),
        opt(stance.cameo.as_deref()),
        opt(plover),
        Cell::Text(&stance.rule),
    ]);
    span_cells(cells, &stance.span);
    cells.extend([Cell::Text(&stance.text), Cell::Text(&st.text)]);
    closing_cells(cells, result, cx);
}

/// The article columns that open every row.
fn article_cells<'a>(cells: &mut Vec<Cell<'a>>, result: &'a ArticleResult, row_type: &'a str) {
    let opt = |v: &'a Option<String>| v.as_deref().map_or(Cell::Empty, Cell::Text);
    cells.extend([
        Cell::Text(&result.id),
        opt(&result.date),
        opt(&result.url),
        opt(&result.title),
        Cell::Text(row_type),
    ]);
}

/// The error and provenance columns that close every row.
fn closing_cells<'a>(cells: &mut Vec<Cell<'a>>, result: &'a ArticleResult, cx: &Context<'a>) {
    match &result.error {
        Some(e) => cells.extend([Cell::Text(&e.kind), Cell::Text(&e.message)]),
        None => cells.extend([Cell::Empty, Cell::Empty]),
    }
    cells.extend([Cell::Text(cx.version), Cell::Text(cx.rules_hash)]);
}

fn span_cells(cells: &mut Vec<Cell<'_>>, span: &Span) {
    cells.extend([
        Cell::Int(span.start),
        Cell::Int(span.end),
        Cell::Int(span.char_start),
        Cell::Int(span.char_end),
    ]);
}
