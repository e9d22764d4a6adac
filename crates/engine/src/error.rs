//! Errors of the engine: positioned rule-file problems, and I/O while reading a rule folder.
//!
//! The engine never prints; the CLI renders [`RuleFileError`]s (rustc style, with the source
//! line and a caret) through [`RuleFileError::render`] or its own renderer.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A lint: the pack still compiles (`--deny` turns it into a failure).
    Warning,
    /// The pack cannot be used.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A positioned problem (error) or lint (warning) in one rule file.
pub type Diagnostic = RuleFileError;

/// One problem in one rule file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFileError {
    /// The file, as given (relative to the rule folder's parent for the CLI).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in chars.
    pub col: usize,
    /// The whole source line, without its line end.
    pub line_text: String,
    /// How many chars of the line the caret underlines (at least 1).
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// A hint, such as "did you mean `restraint`?".
    pub help: Option<String>,
    /// `Error`, or `Warning` for lints.
    pub severity: Severity,
    /// The lint's name (`unused-lexicon`), for warnings; `None` for errors.
    pub code: Option<&'static str>,
}

impl RuleFileError {
    /// Builds an error at byte range `start..end` of `source`.
    pub fn at(
        path: &str,
        source: &str,
        start: usize,
        end: usize,
        message: impl Into<String>,
    ) -> Self {
        let start = start.min(source.len());
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        let col = source[line_start..start].chars().count() + 1;
        let end = end.clamp(start, line_end);
        let len = source[start..end].chars().count().max(1);
        RuleFileError {
            path: path.to_string(),
            line,
            col,
            line_text: source[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            len,
            message: message.into(),
            help: None,
            severity: Severity::Error,
            code: None,
        }
    }

    /// Makes this a warning of the lint `code`.
    pub fn warning(mut self, code: &'static str) -> Self {
        self.severity = Severity::Warning;
        self.code = Some(code);
        self
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `error` or `warning[code]`, as the heading of a rendered diagnostic.
    pub fn heading(&self) -> String {
        match self.code {
            Some(code) => format!("{}[{code}]", self.severity.as_str()),
            None => self.severity.as_str().to_string(),
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the error rustc style, without colour.
    pub fn render(&self) -> String {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        let caret_pad: String = self
            .line_text
            .chars()
            .take(self.col.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let mut out = format!(
            "{}: {}\n{pad}--> {}:{}:{}\n{pad} |\n{num} | {}\n{pad} | {caret_pad}{}\n",
            self.heading(),
            self.message,
            self.path,
            self.line,
            self.col,
            self.line_text,
            "^".repeat(self.len)
        );
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for RuleFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.col, self.message
        )
    }
}

/// The engine's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in the rule files, all of them.
    #[error("{} error(s) in rule files", .0.len())]
    Rules(Vec<RuleFileError>),
    /// A rule folder or file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
}
