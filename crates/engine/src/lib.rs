//! demarche-engine: rule files to a [`RuleSet`], and a [`RuleSet`] over articles to statements.
//!
//! The engine owns the rule language (a pest grammar, parsed to a typed AST and compiled), the
//! text pipeline ([`text`]), the matcher and attribution. It never prints: every problem is
//! returned as a value, and rendering is the CLI's business.
#![deny(missing_docs)]

pub mod text;
mod error;

pub use error::{Error, RuleFileError};
pub use demarche_core as core;

use demarche_core::{Article, Statement};
use std::path::Path;

/// A compiled rule pack: labels, lexicons, stance rules, guards, actors and attribution cues.
#[derive(Debug)]
pub struct RuleSet {
    _todo: (),
}

/// A label of the pack, with its crosswalk codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelInfo {
    /// The label name (`restraint`).
    pub name: String,
    /// CAMEO event code.
    pub cameo: Option<String>,
    /// PLOVER event type.
    pub plover: Option<String>,
    /// One-line description.
    pub description: Option<String>,
}

/// The outcome of one embedded `expect` / `reject` example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleOutcome {
    /// The rule or guard id.
    pub rule: String,
    /// `true` for `expect`, `false` for `reject`.
    pub expect: bool,
    /// The example text, without `[[ ]]` markers.
    pub text: String,
    /// `None` when the example passed; otherwise what happened.
    pub failure: Option<String>,
    /// Where the example is written.
    pub path: String,
    /// 1-based line of the example.
    pub line: usize,
}

impl RuleSet {
    /// Reads and compiles every `*.rules` file below `dir`.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<RuleSet, Error> {
        let _ = dir;
        todo!()
    }

    /// Compiles rule files given as `(path, source)` pairs.
    pub fn from_sources(sources: &[(String, String)]) -> Result<RuleSet, Error> {
        let _ = sources;
        todo!()
    }

    /// The default rule pack, embedded at build time from the workspace's `rules/`.
    pub fn embedded() -> Result<RuleSet, Error> {
        todo!()
    }

    /// The labels, in pack order.
    pub fn labels(&self) -> &[LabelInfo] {
        todo!()
    }

    /// The statements of an article, in text order.
    pub fn extract(&self, article: &Article) -> Vec<Statement> {
        self.extract_str(&article.text)
    }

    /// The statements of a text, in text order.
    pub fn extract_str(&self, text: &str) -> Vec<Statement> {
        let _ = text;
        todo!()
    }

    /// Runs every embedded `expect` / `reject` example of every rule and guard.
    pub fn run_examples(&self) -> Vec<ExampleOutcome> {
        todo!()
    }
}
