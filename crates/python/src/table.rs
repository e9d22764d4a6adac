//! The columns of `to_pandas`: the rows of the CLI's `--format csv`, built by the CLI's own
//! row builder ([`crate::rows`], compiled from `crates/cli/output/rows.rs`), turned into one
//! Python list per column. Text cells are `str` (`None` when empty), integer cells `int`
//! (`None` on rows without them); the Python side makes typed columns of them.

use crate::rows::{columns as shape_columns, for_each_row, Cell, Column, Context, Kind, Shape};
use crate::Provenance;
use demarche_core::ArticleResult;
use demarche_engine::RuleSet;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

/// The columns of the CLI's default CSV shape: one row per stance.
fn table_columns() -> Vec<Column> {
    shape_columns(Shape::Stance)
}

/// The column names, in order: the CSV header.
pub fn column_names() -> Vec<&'static str> {
    table_columns().iter().map(|c| c.name).collect()
}

/// `(names, kinds, columns)` of the table of `results` (an iterable of result dicts).
/// Each result's own `demarche` provenance is kept when it has one.
pub fn columns<'py>(
    py: Python<'py>,
    results: &Bound<'py, PyAny>,
    rules: &RuleSet,
    provenance: &Provenance,
) -> PyResult<Bound<'py, PyAny>> {
    let table = table_columns();
    let columns: Vec<Bound<'py, PyList>> = table.iter().map(|_| PyList::empty(py)).collect();
    for (i, obj) in results.try_iter()?.enumerate() {
        let obj = obj?;
        let result: ArticleResult = pythonize::depythonize(&obj)
            .map_err(|e| PyValueError::new_err(format!("result {i} is not a result: {e}")))?;
        let own: Option<(String, String)> = obj.get_item("demarche").ok().and_then(|p| {
            Some((
                p.get_item("version").ok()?.extract().ok()?,
                p.get_item("rules").ok()?.extract().ok()?,
            ))
        });
        let (version, hash) = match &own {
            Some((v, h)) => (v.as_str(), h.as_str()),
            None => (provenance.version.as_str(), provenance.rules.as_str()),
        };
        let cx = Context {
            rules: Some(rules),
            version,
            rules_hash: hash,
        };
        for_each_row(&result, &cx, |cells| -> PyResult<()> {
            for (column, cell) in columns.iter().zip(cells) {
                match cell {
                    Cell::Text(s) if !s.is_empty() => column.append(s.as_ref())?,
                    Cell::Int(n) => column.append(*n)?,
                    Cell::Text(_) | Cell::Empty => column.append(py.None())?,
                }
            }
            Ok(())
        })?;
    }
    let names = column_names();
    let kinds: Vec<&str> = table
        .iter()
        .map(|c| match c.kind {
            Kind::Text => "text",
            Kind::Integer => "integer",
        })
        .collect();
    Ok(PyTuple::new(
        py,
        [
            names.into_pyobject(py)?.into_any(),
            kinds.into_pyobject(py)?.into_any(),
            PyList::new(py, columns)?.into_any(),
        ],
    )?
    .into_any())
}
