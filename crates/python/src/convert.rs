//! Results to Python objects: a result is the dict that `json.loads` makes of its `demarche
//! classify --format jsonl` line, `demarche` provenance field included, and a result's JSON
//! Lines line for `output="json"`.
//!
//! The dicts are written by hand from demarche-core's types, field for field as their serde
//! derives write them (the CLI's writer, `crates/cli/output/jsonl.rs`, does the same for JSON).
//! Going through serde (`pythonize`) made a key string per field of every record and grew
//! every dict key by key: on dense news text the thread that holds the GIL spent as long on
//! the dicts as a worker on the engine. Here the keys are interned strings made once, each
//! dict of a statement, stance or mention is a copy of a template that has its keys already
//! (no rehashing as it grows), and the codes that recur in every result (labels, rule ids,
//! actor codes) are made once per converter. Every core type is taken apart without `..`,
//! so a field added to demarche-core does not compile until it is written here too; the
//! tests (`tests/test_convert.py`) compare every dict with the parsed JSON line.

use crate::Provenance;
use demarche_core::{
    ArticleError, ArticleResult, ArticleWarning, Span, Speaker, Stance, Statement,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::{intern, IntoPyObjectExt};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Makes result dicts; one per `classify_many` call (or per `classify`), holding what every
/// result shares.
pub struct Converter {
    /// `{"start": None, ..., "stances": None}`: the keys of a statement, in order.
    statement: Py<PyDict>,
    /// The keys of a stance, in order.
    stance: Py<PyDict>,
    /// A stance of each rule with its `label`, `rule` and `cameo` filled in (the label and
    /// CAMEO code it had when first seen: a stance with others gets a dict of its own).
    rules: FxHashMap<String, Rule>,
    /// The keys of a speaker or target mention, in order.
    mention: Py<PyDict>,
    /// `{"version": ..., "rules": ...}`, copied into every result.
    demarche: Py<PyDict>,
    /// Labels, rule ids, CAMEO codes and actor codes: few, and in every result.
    codes: FxHashMap<String, Py<PyString>>,
}

/// The stance template of one rule.
struct Rule {
    label: String,
    cameo: Option<String>,
    template: Py<PyDict>,
}

impl Converter {
    /// A converter for results of `provenance`.
    pub fn new(py: Python<'_>, provenance: &Provenance) -> PyResult<Self> {
        let span = [
            intern!(py, "start"),
            intern!(py, "end"),
            intern!(py, "char_start"),
            intern!(py, "char_end"),
        ];
        let statement = template(
            py,
            span.iter().copied().chain([
                intern!(py, "text"),
                intern!(py, "speaker"),
                intern!(py, "actors"),
                intern!(py, "cameo_actors"),
                intern!(py, "target"),
                intern!(py, "targets"),
                intern!(py, "target_cameo_actors"),
                intern!(py, "stances"),
            ]),
        )?;
        let stance = template(
            py,
            [
                intern!(py, "label"),
                intern!(py, "rule"),
                intern!(py, "cameo"),
            ]
            .into_iter()
            .chain(span.iter().copied())
            .chain([intern!(py, "text")]),
        )?;
        let mention = template(py, [intern!(py, "text")].into_iter().chain(span))?;
        let Provenance { version, rules } = provenance;
        let demarche = PyDict::new(py);
        demarche.set_item(intern!(py, "version"), version)?;
        demarche.set_item(intern!(py, "rules"), rules)?;
        Ok(Converter {
            statement: statement.unbind(),
            stance: stance.unbind(),
            mention: mention.unbind(),
            demarche: demarche.unbind(),
            rules: FxHashMap::default(),
            codes: FxHashMap::default(),
        })
    }

    /// The dict of one result, with its `demarche` provenance.
    pub fn result<'py>(
        &mut self,
        py: Python<'py>,
        result: &ArticleResult,
    ) -> PyResult<Bound<'py, PyDict>> {
        let ArticleResult {
            id,
            title,
            date,
            url,
            statements,
            error,
            warnings,
        } = result;
        let d = PyDict::new(py);
        d.set_item(intern!(py, "id"), id)?;
        for (key, value) in [
            (intern!(py, "title"), title),
            (intern!(py, "date"), date),
            (intern!(py, "url"), url),
        ] {
            if let Some(value) = value {
                d.set_item(key, value)?;
            }
        }
        let statements = (statements.iter())
            .map(|st| self.statement(py, st))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item(intern!(py, "statements"), PyList::new(py, statements)?)?;
        let error = match error {
            Some(e) => self::error(py, e)?.into_any(),
            None => py.None().into_bound(py),
        };
        d.set_item(intern!(py, "error"), error)?;
        if !warnings.is_empty() {
            let warnings = (warnings.iter())
                .map(|w| warning(py, w))
                .collect::<PyResult<Vec<_>>>()?;
            d.set_item(intern!(py, "warnings"), PyList::new(py, warnings)?)?;
        }
        d.set_item(intern!(py, "demarche"), self.demarche.bind(py).copy()?)?;
        Ok(d)
    }

    /// The dict of one statement, as in a result's `statements`.
    pub fn statement<'py>(
        &mut self,
        py: Python<'py>,
        st: &Statement,
    ) -> PyResult<Bound<'py, PyDict>> {
        let Statement {
            span,
            text,
            speaker,
            actors,
            cameo_actors,
            target,
            targets,
            target_cameo_actors,
            stances,
        } = st;
        let d = self.statement.bind(py).copy()?;
        set_span(py, &d, span)?;
        d.set_item(intern!(py, "text"), text)?;
        // The template's `speaker` and `target` are `None` already.
        if let Some(speaker) = speaker {
            d.set_item(intern!(py, "speaker"), self.mention(py, speaker)?)?;
        }
        d.set_item(intern!(py, "actors"), self.codes(py, actors)?)?;
        d.set_item(intern!(py, "cameo_actors"), self.codes(py, cameo_actors)?)?;
        if let Some(target) = target {
            d.set_item(intern!(py, "target"), self.mention(py, target)?)?;
        }
        d.set_item(intern!(py, "targets"), self.codes(py, targets)?)?;
        let target_cameo = self.codes(py, target_cameo_actors)?;
        d.set_item(intern!(py, "target_cameo_actors"), target_cameo)?;
        let stances = (stances.iter())
            .map(|s| self.stance(py, s))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item(intern!(py, "stances"), PyList::new(py, stances)?)?;
        Ok(d)
    }

    fn stance<'py>(&mut self, py: Python<'py>, s: &Stance) -> PyResult<Bound<'py, PyDict>> {
        let Stance {
            label,
            rule,
            cameo,
            span,
            text,
        } = s;
        let d = match self.rules.get(rule) {
            Some(r) if r.label == *label && r.cameo == *cameo => r.template.bind(py).copy()?,
            Some(_) => self.stance_template(py, label, rule, cameo.as_deref())?,
            None => {
                let template = self.stance_template(py, label, rule, cameo.as_deref())?;
                let copy = template.copy()?;
                let rule_template = Rule {
                    label: label.clone(),
                    cameo: cameo.clone(),
                    template: template.unbind(),
                };
                self.rules.insert(rule.clone(), rule_template);
                copy
            }
        };
        set_span(py, &d, span)?;
        d.set_item(intern!(py, "text"), text)?;
        Ok(d)
    }

    /// A stance dict with its `label`, `rule` and `cameo`.
    fn stance_template<'py>(
        &mut self,
        py: Python<'py>,
        label: &str,
        rule: &str,
        cameo: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let d = self.stance.bind(py).copy()?;
        d.set_item(intern!(py, "label"), self.code(py, label))?;
        d.set_item(intern!(py, "rule"), self.code(py, rule))?;
        match cameo {
            Some(c) => d.set_item(intern!(py, "cameo"), self.code(py, c))?,
            None => d.set_item(intern!(py, "cameo"), py.None())?,
        }
        Ok(d)
    }

    /// A speaker or target mention.
    fn mention<'py>(&self, py: Python<'py>, m: &Speaker) -> PyResult<Bound<'py, PyDict>> {
        let Speaker { text, span } = m;
        let d = self.mention.bind(py).copy()?;
        d.set_item(intern!(py, "text"), text)?;
        set_span(py, &d, span)?;
        Ok(d)
    }

    /// A list of codes.
    fn codes<'py>(&mut self, py: Python<'py>, codes: &[String]) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, codes.iter().map(|c| self.code(py, c)))
    }

    /// The str of a code, made once.
    fn code<'py>(&mut self, py: Python<'py>, code: &str) -> Bound<'py, PyString> {
        if let Some(s) = self.codes.get(code) {
            return s.bind(py).clone();
        }
        let s = PyString::new(py, code);
        self.codes.insert(code.to_string(), s.clone().unbind());
        s
    }
}

/// A dict with `keys`, in order, each `None`: copied, it keeps its size and key order.
fn template<'py, 'k>(
    py: Python<'py>,
    keys: impl IntoIterator<Item = &'k Bound<'py, PyString>>,
) -> PyResult<Bound<'py, PyDict>>
where
    'py: 'k,
{
    let d = PyDict::new(py);
    for key in keys {
        d.set_item(key, py.None())?;
    }
    Ok(d)
}

/// The four fields of a flattened [`Span`]. For ASCII text a char offset is its byte offset:
/// the same int object serves both.
fn set_span(py: Python<'_>, d: &Bound<'_, PyDict>, span: &Span) -> PyResult<()> {
    let Span {
        start,
        end,
        char_start,
        char_end,
    } = *span;
    let start_int = start.into_bound_py_any(py)?;
    let end_int = end.into_bound_py_any(py)?;
    let char_start = int_or(py, char_start, start, &start_int)?;
    let char_end = int_or(py, char_end, end, &end_int)?;
    d.set_item(intern!(py, "start"), start_int)?;
    d.set_item(intern!(py, "end"), end_int)?;
    d.set_item(intern!(py, "char_start"), char_start)?;
    d.set_item(intern!(py, "char_end"), char_end)
}

/// The int of `n`: `int` itself when `n` is `same`, the number `int` holds.
fn int_or<'py>(
    py: Python<'py>,
    n: usize,
    same: usize,
    int: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    if n == same {
        Ok(int.clone())
    } else {
        n.into_bound_py_any(py)
    }
}

fn error<'py>(py: Python<'py>, e: &ArticleError) -> PyResult<Bound<'py, PyDict>> {
    let ArticleError {
        kind,
        message,
        line,
    } = e;
    let d = PyDict::new(py);
    d.set_item(intern!(py, "kind"), kind)?;
    d.set_item(intern!(py, "message"), message)?;
    if let Some(line) = line {
        d.set_item(intern!(py, "line"), line)?;
    }
    Ok(d)
}

fn warning<'py>(py: Python<'py>, w: &ArticleWarning) -> PyResult<Bound<'py, PyDict>> {
    let ArticleWarning { kind, message } = w;
    let d = PyDict::new(py);
    d.set_item(intern!(py, "kind"), kind)?;
    d.set_item(intern!(py, "message"), message)?;
    Ok(d)
}

/// An [`ArticleResult`] with its provenance, as the CLI's JSON Lines writer writes it.
#[derive(Serialize)]
struct Record<'a> {
    #[serde(flatten)]
    result: &'a ArticleResult,
    demarche: &'a Provenance,
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
