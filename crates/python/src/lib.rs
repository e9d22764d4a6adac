//! demarche as a Python module (`demarche._demarche`, wrapped by the `demarche` package in
//! `python/demarche/`): a [`Pack`] class over the engine's [`RuleSet`].
//!
//! This crate owns the bridge only: Python records to articles ([`records`]), the streaming
//! worker pool of `classify_many` ([`stream`]), results to Python objects, written by hand
//! from the core types as their serde derives write them ([`convert`]), the explain trace as data ([`explain`]) and the columns of
//! `to_pandas` ([`table`], from the CLI's own row builder). Classification is the engine's;
//! the output contract is demarche-core's serde shape plus the CLI's `demarche` provenance
//! field, so a result here is field for field a line of `demarche classify --format jsonl`.

mod convert;
mod explain;
mod jsonl;
mod records;
#[path = "../../cli/output/rows.rs"]
mod rows;
mod stream;
mod table;

use demarche_engine::{Error, RuleSet};
use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// mimalloc for the Rust side, as in the CLI (`crates/cli/main.rs`): the workers' allocations
/// are the engine's. Memory never crosses to Python: strings are copied into Python objects.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(
    demarche,
    RuleError,
    PyValueError,
    "A rule pack that does not compile. The message lists every error as `file:line:col`, \
     rendered as `demarche check` does; `errors` holds them as dicts."
);

/// Which demarche and rule pack made a result: the `demarche` field of every result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Provenance {
    /// The demarche version.
    pub version: String,
    /// The rule-pack hash, 16 lowercase hex digits.
    pub rules: String,
}

/// A compiled rule pack: the embedded default, or a folder of `.rules` files.
#[pyclass(frozen, module = "demarche")]
pub struct Pack {
    rules: Arc<RuleSet>,
    provenance: Arc<Provenance>,
}

impl Pack {
    fn of(rules: Arc<RuleSet>) -> Self {
        let provenance = Provenance {
            version: env!("CARGO_PKG_VERSION").to_string(),
            rules: format!("{:016x}", rules.hash()),
        };
        Pack {
            rules,
            provenance: Arc::new(provenance),
        }
    }
}

/// The embedded pack, compiled once per process.
fn embedded() -> PyResult<Arc<RuleSet>> {
    static EMBEDDED: OnceLock<Arc<RuleSet>> = OnceLock::new();
    if let Some(rules) = EMBEDDED.get() {
        return Ok(Arc::clone(rules));
    }
    let rules = RuleSet::embedded().map_err(|e| rule_error(e, "embedded pack"))?;
    Ok(Arc::clone(EMBEDDED.get_or_init(|| Arc::new(rules))))
}

/// The Python exception of an engine error: [`RuleError`] with every error rendered, or
/// `OSError` for a folder that cannot be read.
fn rule_error(err: Error, what: &str) -> PyErr {
    match err {
        Error::Rules(errors) => Python::attach(|py| {
            let mut message = format!("{} error(s) in rule files of {what}\n", errors.len());
            let list = PyList::empty(py);
            for e in &errors {
                message.push('\n');
                message.push_str(&e.render());
                let d = PyDict::new(py);
                let _ = d.set_item("path", &e.path);
                let _ = d.set_item("line", e.line);
                let _ = d.set_item("col", e.col);
                let _ = d.set_item("message", &e.message);
                let _ = d.set_item("help", &e.help);
                let _ = list.append(d);
            }
            let err = RuleError::new_err(message);
            let _ = err.value(py).setattr("errors", list);
            err
        }),
        Error::Io { .. } => PyOSError::new_err(err.to_string()),
    }
}

#[pymethods]
impl Pack {
    /// The default rule pack, embedded in the module (the CLI's, byte for byte).
    #[new]
    fn new(py: Python<'_>) -> PyResult<Self> {
        let rules = py.detach(embedded)?;
        Ok(Pack::of(rules))
    }

    /// Compiles every `*.rules` file below `path`. Raises `RuleError` listing every error
    /// (`file:line:col`, as `demarche check` shows them), or `OSError`.
    #[staticmethod]
    fn from_dir(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let shown = path.display().to_string();
        let rules = py
            .detach(|| RuleSet::from_dir(&path))
            .map_err(|e| rule_error(e, &shown))?;
        Ok(Pack::of(Arc::new(rules)))
    }

    /// The rule-pack hash: 16 lowercase hex digits, as in the `demarche` field of results.
    #[getter]
    fn hash(&self) -> &str {
        &self.provenance.rules
    }

    /// The demarche version that made this module.
    #[getter]
    fn version(&self) -> &str {
        &self.provenance.version
    }

    /// The stance labels, in pack order.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.rules.labels().iter().map(|l| l.name.clone()).collect()
    }

    /// Classifies one article; returns its result as a dict (a JSON Lines line, parsed).
    #[pyo3(signature = (text, id=None, date=None, title=None, url=None))]
    fn classify<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        id: Option<&Bound<'py, PyAny>>,
        date: Option<&Bound<'py, PyAny>>,
        title: Option<&Bound<'py, PyAny>>,
        url: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let item = records::single(text, id, date, title, url)?;
        let rules = Arc::clone(&self.rules);
        let result = py.detach(move || stream::process(&rules, item));
        let dict = convert::Converter::new(py, &self.provenance)?.result(py, &result)?;
        Ok(dict.into_any())
    }

    /// Classifies an iterable of texts or dicts (with `input="jsonl"`: JSON Lines lines) on
    /// `jobs` threads (default: every core), and yields their results in input order as it
    /// goes: dicts, or with `output="json"` each result's JSON Lines line as a str.
    #[pyo3(signature = (records, jobs=None, input="records", output="dict"))]
    fn classify_many(
        &self,
        records: &Bound<'_, PyAny>,
        jobs: Option<usize>,
        input: &str,
        output: &str,
    ) -> PyResult<stream::Results> {
        let input = match input {
            "records" => stream::Input::Records,
            "jsonl" => stream::Input::Jsonl,
            other => {
                return Err(PyValueError::new_err(format!(
                    "input must be \"records\" or \"jsonl\", not {other:?}"
                )))
            }
        };
        let output = match output {
            "dict" => stream::Output::Dict,
            "json" => stream::Output::Json,
            other => {
                return Err(PyValueError::new_err(format!(
                    "output must be \"dict\" or \"json\", not {other:?}"
                )))
            }
        };
        let jobs = jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        stream::Results::start(
            records.try_iter()?,
            Arc::clone(&self.rules),
            Arc::clone(&self.provenance),
            jobs.max(1),
            input,
            output,
        )
    }

    /// How the pipeline reads `text`, sentence by sentence, as dicts (`demarche explain`).
    fn explain<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
        let rules = Arc::clone(&self.rules);
        let owned = text.to_string();
        let explanation = py.detach(move || rules.explain(&owned));
        let mut convert = convert::Converter::new(py, &self.provenance)?;
        explain::to_python(py, &explanation, &mut convert)
    }

    /// The columns of the table of `results` (see `demarche.to_pandas`): the column
    /// names, their kinds (`text` or `integer`) and one list of values per column.
    fn _table<'py>(
        &self,
        py: Python<'py>,
        results: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        table::columns(py, results, &self.rules, &self.provenance)
    }

    fn __repr__(&self) -> String {
        let (rules, guards) = self.rules.rule_count();
        format!(
            "<demarche.Pack {} labels, {rules} rules, {guards} guards, hash {}>",
            self.rules.labels().len(),
            self.provenance.rules
        )
    }
}

/// The native part of the `demarche` package.
#[pymodule]
fn _demarche(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Pack>()?;
    m.add_class::<stream::Results>()?;
    m.add("RuleError", m.py().get_type::<RuleError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("COLUMNS", table::column_names())?;
    Ok(())
}
