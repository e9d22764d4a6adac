//! Results to Python objects, through the serde derives of demarche-core: a result is the dict
//! that `json.loads` makes of its `demarche classify --format jsonl` line, `demarche`
//! provenance field included. Fields added to the core types reach Python with no change here.

use crate::Provenance;
use demarche_core::ArticleResult;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde::Serialize;

/// An [`ArticleResult`] with its provenance, as the CLI's JSON Lines writer writes it.
#[derive(Serialize)]
struct Record<'a> {
    #[serde(flatten)]
    result: &'a ArticleResult,
    demarche: &'a Provenance,
}

/// The dict of one result.
pub fn result<'py>(
    py: Python<'py>,
    result: &ArticleResult,
    provenance: &Provenance,
) -> PyResult<Bound<'py, PyAny>> {
    let record = Record {
        result,
        demarche: provenance,
    };
    value(py, &record)
}

/// The JSON Lines line of one result, without its line end: serde_json's compact form, which
/// is what the CLI writes (its writer is tested byte for byte against serde_json).
pub fn json(result: &ArticleResult, provenance: &Provenance) -> String {
    let record = Record {
        result,
        demarche: provenance,
    };
    // Serialising plain data to a String cannot fail.
    serde_json::to_string(&record).unwrap_or_default()
}

/// Any serialisable value as Python objects (dicts, lists, str, int, None).
pub fn value<'py, T: Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, v).map_err(|e| PyValueError::new_err(e.to_string()))
}
