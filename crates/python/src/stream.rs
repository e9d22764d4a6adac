//! `Pack.classify_many`: a generator of results in input order, classified on a pool of
//! threads that never touch Python.
//!
//! The thread that iterates the generator does the Python work: it reads records from the
//! input iterable into batches (64 records or 1 MiB of text, as the CLI's pipeline batches),
//! hands them to the workers, and turns their results into Python objects. The workers run the
//! engine with the GIL released, so other Python threads keep running; the iterating thread
//! releases it too while it waits for a result. Once yielded, each batch of results goes back
//! to the worker that made it, to be freed where it was allocated. At most `4 × jobs` batches
//! are out at a time, so memory stays bounded however long the input is: records are read only
//! as results are taken. Dropping the generator early stops the workers after their current
//! batch.
//!
//! A record that cannot be read gives an error result in its place ([`crate::records`]); an
//! article on which the engine panics (a bug) gives an `internal` error result, as in the CLI.
//! An exception raised by the input iterable itself is raised after the results of the records
//! before it.

use crate::convert::{self, Converter};
use crate::records::{item, line_item, Item};
use crate::Provenance;
use demarche_core::{ArticleError, ArticleResult};
use demarche_engine::RuleSet;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyString};
use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};

/// Records per batch handed to a worker.
const BATCH_RECORDS: usize = 64;
/// Bytes of text per batch handed to a worker.
const BATCH_BYTES: usize = 1 << 20;

/// Classifies one item. Should the engine panic on an article (a bug), the article gets an
/// `internal` error result instead, and the other articles go on.
pub fn process(rules: &RuleSet, item: Item) -> ArticleResult {
    match item {
        Item::Failed(result) => result,
        Item::Line(line, n) => process(rules, crate::jsonl::parse(line, n)),
        Item::Article(article, warnings) => {
            let run = std::panic::AssertUnwindSafe(|| rules.extract(&article));
            match std::panic::catch_unwind(run) {
                Ok(statements) => {
                    let mut result = ArticleResult::ok(&article, statements);
                    result.warnings = warnings;
                    result
                }
                Err(_) => {
                    let error = ArticleError {
                        kind: "internal".to_string(),
                        message: format!(
                            "{}: internal error while classifying this article; please report it",
                            article.id
                        ),
                        line: None,
                    };
                    ArticleResult::failed(article.id, error)
                }
            }
        }
    }
}

/// What the generator yields for each record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The result as dicts and lists, made by the iterating thread.
    Dict,
    /// The result's JSON Lines line (without its line end), rendered by the worker threads:
    /// byte for byte the CLI's line, and little work left for the thread that holds the GIL.
    Json,
}

/// What the records are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Texts (`str`, `bytes`) and mappings, read by the iterating thread.
    Records,
    /// JSON Lines lines (`str`, `bytes`), parsed by the workers.
    Jsonl,
}

/// A classified record, as a worker hands it back.
enum Done {
    Result(ArticleResult),
    Json(String),
}

/// Classified records, as a worker hands them back.
struct Batch {
    /// The batch's number: its place in the input.
    number: usize,
    /// The worker that made it, which also frees it.
    worker: usize,
    done: Vec<Done>,
}

/// The generator returned by `Pack.classify_many`: results in input order.
#[pyclass(module = "demarche")]
pub struct Results {
    state: Mutex<State>,
}

struct State {
    /// The input, until it is exhausted.
    records: Option<Py<PyIterator>>,
    /// Position of the next record read.
    position: usize,
    /// An exception the input raised, for after the results before it.
    raised: Option<PyErr>,
    /// Batches to the workers; `None` once the input is exhausted.
    work: Option<SyncSender<(usize, Vec<Item>)>>,
    /// Results from the workers (taken out while waiting with the GIL released).
    done: Option<Receiver<Batch>>,
    /// Batches yielded, back to the worker that made them (indexed by `Batch::worker`), to be
    /// freed there: mimalloc reuses at once what the allocating thread frees, while what
    /// another thread frees goes back to its owner later, at a cost to both. Freeing the
    /// results on this thread cost 0.2 s of CPU per 100 MB of news, 3 % of the run.
    spent: Vec<Sender<Vec<Done>>>,
    /// Batches sent and not yet received back.
    out: usize,
    /// How many batches may be sent and not yet yielded.
    max_out: usize,
    /// Number of the next batch sent, and of the next batch to yield.
    sent: usize,
    next: usize,
    /// Batches received ahead of their turn.
    pending: BTreeMap<usize, Batch>,
    /// The batch being yielded, and the position in it of the next record to yield.
    current: Batch,
    at: usize,
    input: Input,
    /// Makes the dicts of `Output::Dict`.
    convert: Converter,
}

impl Results {
    /// Starts `jobs` workers over `records`.
    pub fn start(
        records: Bound<'_, PyIterator>,
        rules: Arc<RuleSet>,
        provenance: Arc<Provenance>,
        jobs: usize,
        input: Input,
        output: Output,
    ) -> PyResult<Self> {
        let max_out = 4 * jobs;
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Vec<Item>)>(max_out);
        let (done_tx, done_rx) = mpsc::channel();
        let work_rx = Arc::new(Mutex::new(work_rx));
        let mut spent = Vec::with_capacity(jobs);
        for worker in 0..jobs {
            let (spent_tx, spent_rx) = mpsc::channel::<Vec<Done>>();
            spent.push(spent_tx);
            let (work_rx, done_tx, rules, provenance) = (
                Arc::clone(&work_rx),
                done_tx.clone(),
                Arc::clone(&rules),
                Arc::clone(&provenance),
            );
            std::thread::Builder::new()
                .name("demarche-worker".into())
                .spawn(move || loop {
                    // Frees the batches this worker made that have been yielded.
                    while spent_rx.try_recv().is_ok() {}
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok((number, items)) = next else { break };
                    let done = (items.into_iter())
                        .map(|i| {
                            let result = process(&rules, i);
                            match output {
                                Output::Dict => Done::Result(result),
                                Output::Json => Done::Json(convert::json(&result, &provenance)),
                            }
                        })
                        .collect();
                    let batch = Batch {
                        number,
                        worker,
                        done,
                    };
                    if done_tx.send(batch).is_err() {
                        break;
                    }
                })
                .map_err(|e| PyValueError::new_err(format!("cannot start a thread: {e}")))?;
        }
        let convert = Converter::new(records.py(), &provenance)?;
        Ok(Results {
            state: Mutex::new(State {
                records: Some(records.unbind()),
                position: 0,
                raised: None,
                work: Some(work_tx),
                done: Some(done_rx),
                spent,
                out: 0,
                max_out,
                sent: 0,
                next: 0,
                pending: BTreeMap::new(),
                current: Batch {
                    number: 0,
                    worker: 0,
                    done: Vec::new(),
                },
                at: 0,
                input,
                convert,
            }),
        })
    }
}

impl State {
    /// Reads one batch from the input and sends it; at the end of the input, lets the workers
    /// go.
    fn feed(&mut self, py: Python<'_>) {
        let Some(records) = &self.records else { return };
        let mut records = records.bind(py).clone();
        let mut batch = Vec::new();
        let mut bytes = 0;
        let mut ended = false;
        while batch.len() < BATCH_RECORDS && bytes < BATCH_BYTES {
            match records.next() {
                None => {
                    ended = true;
                    break;
                }
                Some(Err(e)) => {
                    self.raised = Some(e);
                    ended = true;
                    break;
                }
                Some(Ok(record)) => {
                    let it = match self.input {
                        Input::Records => Some(item(&record, self.position)),
                        Input::Jsonl => line_item(&record, self.position),
                    };
                    self.position += 1;
                    if let Some(it) = it {
                        bytes += it.text_len();
                        batch.push(it);
                    }
                }
            }
        }
        if !batch.is_empty() {
            if let Some(work) = &self.work {
                // Never blocks: at most `max_out` batches are out, the channel's capacity.
                if work.send((self.sent, batch)).is_ok() {
                    self.sent += 1;
                    self.out += 1;
                }
            }
        }
        if ended {
            self.records = None;
            self.work = None;
        }
    }

    /// Where the next result in input order is in `current`, or `None` at the end.
    fn next(&mut self, py: Python<'_>) -> PyResult<Option<usize>> {
        loop {
            let Some(done) = self.done.take() else {
                return Err(stopped());
            };
            while let Ok(batch) = done.try_recv() {
                self.pending.insert(batch.number, batch);
                self.out -= 1;
            }
            self.done = Some(done);
            // Batches not yet yielded (out, or received ahead of their turn) stay within
            // bounds: a slow batch holds back reading, not only its own results.
            while self.records.is_some() && self.sent - self.next < self.max_out {
                self.feed(py);
            }
            if self.at < self.current.done.len() {
                self.at += 1;
                return Ok(Some(self.at - 1));
            }
            if let Some(batch) = self.pending.remove(&self.next) {
                let spent = std::mem::replace(&mut self.current, batch);
                if let Some(worker) = self.spent.get(spent.worker) {
                    // A worker that has stopped leaves the batch to be freed here.
                    let _ = worker.send(spent.done);
                }
                self.at = 0;
                self.next += 1;
                continue;
            }
            if self.out == 0 {
                return match self.raised.take() {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            }
            let Some(done) = self.done.take() else {
                return Err(stopped());
            };
            let (done, got) = py.detach(move || {
                let got = done.recv();
                (done, got)
            });
            self.done = Some(done);
            let batch = got.map_err(|_| stopped())?;
            self.pending.insert(batch.number, batch);
            self.out -= 1;
        }
    }
}

fn stopped() -> PyErr {
    PyValueError::new_err("demarche: the worker threads stopped unexpectedly")
}

#[pymethods]
impl Results {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Ok(mut state) = self.state.try_lock() else {
            return Err(PyValueError::new_err("generator already executing"));
        };
        let Some(at) = state.next(py)? else {
            return Ok(None);
        };
        // Borrows the result and the converter, two fields of the state, at once.
        let state = &mut *state;
        match &state.current.done[at] {
            Done::Result(result) => state.convert.result(py, result).map(|d| Some(d.into_any())),
            Done::Json(line) => Ok(Some(PyString::new(py, line).into_any())),
        }
    }
}
