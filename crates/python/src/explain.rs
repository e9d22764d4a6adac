//! The explain trace as data: [`demarche_engine::Explanation`] as a list of dicts, one per
//! sentence, with the fields the CLI's `demarche explain` prints (tokens, rules touched and
//! how far each got, guards, stances, attribution). The statement of a sentence is the same
//! dict as in a result.

use crate::convert::Converter;
use demarche_engine::{Explanation, RuleTrace, SentenceTrace};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// `explanation` as a list of sentence dicts.
pub fn to_python<'py>(
    py: Python<'py>,
    e: &Explanation,
    convert: &mut Converter,
) -> PyResult<Bound<'py, PyAny>> {
    let list = PyList::empty(py);
    for s in &e.sentences {
        list.append(sentence(py, s, convert)?)?;
    }
    Ok(list.into_any())
}

fn sentence<'py>(
    py: Python<'py>,
    s: &SentenceTrace,
    convert: &mut Converter,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("text", &s.text)?;
    d.set_item("start", s.start)?;
    let tokens = PyList::empty(py);
    for t in &s.tokens {
        let td = PyDict::new(py);
        td.set_item("surface", &t.surface)?;
        td.set_item("folded", &t.folded)?;
        td.set_item("lemma", &t.lemma)?;
        td.set_item("in_quote", t.in_quote)?;
        tokens.append(td)?;
    }
    d.set_item("tokens", tokens)?;
    d.set_item("skipped", s.skipped)?;
    let rules = PyList::empty(py);
    for r in &s.rules {
        rules.append(rule(py, r)?)?;
    }
    d.set_item("rules", rules)?;
    match &s.statement {
        Some(st) => d.set_item("statement", convert.statement(py, st)?)?,
        None => d.set_item("statement", py.None())?,
    }
    let a = &s.attribution;
    let ad = PyDict::new(py);
    let mentions = PyList::empty(py);
    for m in &a.mentions {
        let md = PyDict::new(py);
        md.set_item("text", &m.text)?;
        md.set_item("kind", &m.kind)?;
        md.set_item("actor", &m.actor)?;
        mentions.append(md)?;
    }
    ad.set_item("mentions", mentions)?;
    ad.set_item("cue", &a.cue)?;
    ad.set_item("how", &a.how)?;
    ad.set_item("speaker", &a.speaker)?;
    ad.set_item("actors", &a.actors)?;
    d.set_item("attribution", ad)?;
    Ok(d)
}

fn rule<'py>(py: Python<'py>, r: &RuleTrace) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &r.id)?;
    d.set_item("guard", r.guard)?;
    d.set_item("labels", &r.labels)?;
    let matches = PyList::empty(py);
    for m in &r.matches {
        let md = PyDict::new(py);
        md.set_item("text", &m.text)?;
        md.set_item("blocked_by", &m.blocked_by)?;
        matches.append(md)?;
    }
    d.set_item("matches", matches)?;
    match &r.progress {
        Some(p) => {
            let pd = PyDict::new(py);
            pd.set_item("matched", p.matched)?;
            pd.set_item("of", p.of)?;
            pd.set_item("text", &p.text)?;
            pd.set_item("next", &p.next)?;
            d.set_item("progress", pd)?;
        }
        None => d.set_item("progress", py.None())?,
    }
    Ok(d)
}
