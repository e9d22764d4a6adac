//! The classify pipeline: input items in, results out in input order, on one thread or on
//! several.
//!
//! With `jobs > 1`, one thread reads items ([`crate::input`]) into batches, `jobs` worker
//! threads extract statements from whole batches, and the calling thread puts the batches back
//! in input order and hands each result to `emit` (which writes it). When the sink renders
//! records by itself (`jsonl`), the workers render them too, and the calling thread only
//! writes bytes: formatting stays on the core whose cache holds the statements. A batch is handed over
//! when it holds 64 articles or 1 MiB of text, or at once when a worker is idle, so that a
//! stream (stdin) gets its first results before it ends; from stdin every article is its own
//! batch. At most `4 × jobs` batches are read ahead of the one being written, so memory stays
//! bounded however long the input is, and a slow article cannot make the others pile up.
//! `idle` is called whenever no result is ready, so the caller can flush its output. When
//! `emit` fails (a closed stdout, `--strict`), every thread stops.

use crate::input::{for_each_item, InputOptions, Item};
use crate::output::Render;
use demarche_core::{Article, ArticleError, ArticleResult, ArticleWarning};
use demarche_engine::{Candidate, RuleSet};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// Articles per batch handed to a worker.
const BATCH_ARTICLES: usize = 64;
/// Bytes of article text per batch handed to a worker.
const BATCH_BYTES: usize = 1 << 20;

/// One input item, classified.
#[derive(Debug)]
pub enum Done {
    /// A read article, its result, and (with coverage) its rule candidates.
    Article {
        /// The article.
        article: Article,
        /// Its output record.
        result: ArticleResult,
        /// Sentences with a cued, coded speaker but no stance.
        candidates: Vec<Candidate>,
    },
    /// A read article whose record the worker rendered already ([`Run::render`]): the
    /// record's bytes, its warnings and the article's text length.
    Rendered {
        /// What the sink writes for the article.
        bytes: Vec<u8>,
        /// The result's warnings (reported on stderr at the end).
        warnings: Vec<ArticleWarning>,
        /// Bytes of article text (for the progress line).
        text_len: usize,
    },
    /// An input that could not be read: its error record.
    Failed(ArticleResult),
}

/// Classifies one item. Should the engine panic on an article (a bug), the article gets an
/// `internal` error record instead: the other articles, and the order, are kept.
fn process(rules: &RuleSet, item: Item, coverage: bool, render: Option<&Render>) -> Done {
    let id = match &item {
        Item::Article(article, _) => article.id.clone(),
        Item::Failed(result) => result.id.clone(),
    };
    let run = std::panic::AssertUnwindSafe(|| classify(rules, item, coverage, render));
    std::panic::catch_unwind(run).unwrap_or_else(|_| {
        let error = ArticleError {
            kind: "internal".to_string(),
            message: format!(
                "{id}: internal error while classifying this article; please report it"
            ),
            line: None,
        };
        Done::Failed(ArticleResult::failed(id, error))
    })
}

/// Classifies one item (see [`process`]).
fn classify(rules: &RuleSet, item: Item, coverage: bool, render: Option<&Render>) -> Done {
    match item {
        Item::Article(article, warnings) => {
            let (statements, candidates) = if coverage {
                rules.extract_with_candidates(&article)
            } else {
                (rules.extract(&article), Vec::new())
            };
            let mut result = ArticleResult::ok(&article, statements);
            result.warnings = warnings;
            if let (Some(render), false) = (render, coverage) {
                // Rendered in a buffer kept per thread, then copied out at its exact size:
                // one allocation per record, none while it grows.
                thread_local! {
                    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
                }
                let bytes = SCRATCH.with(|scratch| {
                    let mut scratch = scratch.borrow_mut();
                    scratch.clear();
                    render(&result, &mut scratch);
                    scratch.to_vec()
                });
                return Done::Rendered {
                    bytes,
                    warnings: result.warnings,
                    text_len: article.text.len(),
                };
            }
            Done::Article {
                article,
                result,
                candidates,
            }
        }
        Item::Failed(result) => Done::Failed(result),
    }
}

/// The other side of a channel has gone: the run is stopping.
#[derive(Debug)]
struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the pipeline stopped")
    }
}

impl std::error::Error for Closed {}

/// What to read and how to classify it.
pub struct Run<'a> {
    /// Files and folders (stdin when empty).
    pub paths: &'a [PathBuf],
    /// Input format, limits and field mapping.
    pub input: &'a InputOptions,
    /// The rule pack.
    pub rules: &'a RuleSet,
    /// Also find rule candidates (`--coverage`).
    pub coverage: bool,
    /// Worker threads; 1 runs everything on the calling thread.
    pub jobs: usize,
    /// The sink's renderer, when it has one ([`crate::output::Sink::render`]): articles are
    /// then rendered where they are classified (a worker thread, with its data in cache),
    /// and handed over as bytes; not with `coverage`, which needs the statements.
    pub render: Option<&'a Render>,
}

impl Run<'_> {
    /// True when an input is stdin, which may be a stream.
    fn streams(&self) -> bool {
        self.paths.is_empty() || self.paths.iter().any(|p| p.as_os_str() == "-")
    }

    /// Calls `emit` with every classified item, in input order, and `idle` when no result is
    /// ready. Stops at the first error of `emit` or of the input walk, and returns it.
    pub fn each(
        &self,
        emit: &mut dyn FnMut(Done) -> anyhow::Result<()>,
        idle: &mut dyn FnMut() -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if self.jobs <= 1 {
            let streams = self.streams();
            return for_each_item(self.paths, self.input, &mut |item| {
                emit(process(self.rules, item, self.coverage, self.render))?;
                if streams {
                    idle()?;
                }
                Ok(())
            });
        }
        std::thread::scope(|scope| self.parallel(scope, emit, idle))
    }

    fn parallel<'s>(
        &'s self,
        scope: &'s std::thread::Scope<'s, '_>,
        emit: &mut dyn FnMut(Done) -> anyhow::Result<()>,
        idle: &mut dyn FnMut() -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let jobs = self.jobs;
        let batch_articles = if self.streams() { 1 } else { BATCH_ARTICLES };
        // Workers waiting for a batch.
        let waiting = Arc::new(AtomicUsize::new(0));
        let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Vec<Item>)>(jobs);
        let work_rx = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = mpsc::sync_channel::<(usize, Vec<Done>)>(jobs);
        // A permit per batch read ahead of the one being written.
        let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(4 * jobs);
        for _ in 0..4 * jobs {
            let _ = permit_tx.send(());
        }
        for _ in 0..jobs {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            let waiting = Arc::clone(&waiting);
            let (rules, coverage, render) = (self.rules, self.coverage, self.render);
            scope.spawn(move || loop {
                waiting.fetch_add(1, Ordering::SeqCst);
                let next = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => break,
                };
                waiting.fetch_sub(1, Ordering::SeqCst);
                let Ok((n, items)) = next else { break };
                let out = items
                    .into_iter()
                    .map(|item| process(rules, item, coverage, render))
                    .collect();
                if done_tx.send((n, out)).is_err() {
                    break;
                }
            });
        }
        drop((done_tx, work_rx));
        let reader = scope.spawn(move || -> anyhow::Result<()> {
            let mut batch: Vec<Item> = Vec::new();
            let mut bytes = 0;
            let mut n = 0;
            let mut send = |batch: Vec<Item>| -> anyhow::Result<()> {
                permit_rx.recv().map_err(|_| Closed)?;
                work_tx.send((n, batch)).map_err(|_| Closed)?;
                n += 1;
                Ok(())
            };
            for_each_item(self.paths, self.input, &mut |item| {
                bytes += match &item {
                    Item::Article(a, _) => a.text.len(),
                    Item::Failed(_) => 0,
                };
                batch.push(item);
                let full = batch.len() >= batch_articles || bytes >= BATCH_BYTES;
                if full || waiting.load(Ordering::SeqCst) > 0 {
                    bytes = 0;
                    send(std::mem::take(&mut batch))?;
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                send(batch)?;
            }
            Ok(())
        });
        let mut pending: BTreeMap<usize, Vec<Done>> = BTreeMap::new();
        let mut next = 0;
        let mut emitted: anyhow::Result<()> = Ok(());
        'receive: loop {
            let (n, out) = match done_rx.try_recv() {
                Ok(batch) => batch,
                Err(mpsc::TryRecvError::Empty) => {
                    if let Err(err) = idle() {
                        emitted = Err(err);
                        break 'receive;
                    }
                    match done_rx.recv() {
                        Ok(batch) => batch,
                        Err(_) => break 'receive,
                    }
                }
                Err(mpsc::TryRecvError::Disconnected) => break 'receive,
            };
            pending.insert(n, out);
            while let Some(out) = pending.remove(&next) {
                for done in out {
                    if let Err(err) = emit(done) {
                        emitted = Err(err);
                        break 'receive;
                    }
                }
                next += 1;
                let _ = permit_tx.send(());
            }
        }
        // Stopping early: the workers' sends and the reader's permits now fail, so they end.
        drop((done_rx, permit_tx));
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the input reader panicked")));
        emitted?;
        match read {
            Err(err) if err.is::<Closed>() => Ok(()),
            other => other,
        }
    }
}
