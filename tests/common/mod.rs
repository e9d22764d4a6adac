//! What the whole-tool tests share: running the binary, temp folders, feeding stdin, and
//! snapshots with the provenance (rule-pack hash, version) filtered out.
#![allow(dead_code, unused_macros)] // each test crate uses its own part of this module

use demarche_core::{ArticleResult, Span};
use insta_cmd::get_cargo_bin;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `assert_cmd_snapshot!` into `tests/snapshots/`, named without the module prefix, with the
/// provenance filtered out ([`provenance_filters`]).
macro_rules! snapshot {
    ($name:literal, $cmd:expr) => {
        insta::with_settings!(
            {
                snapshot_path => "snapshots",
                prepend_module_to_snapshot => false,
                filters => $crate::common::provenance_filters(),
            },
            { insta_cmd::assert_cmd_snapshot!($name, $cmd) }
        )
    };
}

/// The embedded pack's hash and demarche's version become `[RULES-HASH]` and `[VERSION]` in
/// snapshots, so that editing a rule or releasing does not change every output snapshot.
pub fn provenance_filters() -> Vec<(&'static str, &'static str)> {
    static PATTERNS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (hash, version) = PATTERNS.get_or_init(|| {
        let rules = demarche_engine::RuleSet::embedded().expect("embedded pack");
        let version = env!("CARGO_PKG_VERSION").replace('.', r"\.");
        (format!("{:016x}", rules.hash()), format!(r"\b{version}\b"))
    });
    vec![
        (hash.as_str(), "[RULES-HASH]"),
        (version.as_str(), "[VERSION]"),
    ]
}

/// The workspace root.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `demarche` run from the workspace root.
pub fn demarche() -> Command {
    let mut cmd = Command::new(get_cargo_bin("demarche"));
    cmd.current_dir(workspace());
    cmd
}

/// A fresh folder under the system temp folder, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `demarche-PID-NAME` under the temp folder, empty.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("demarche-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// Writes `contents` to `rel`, making its folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    /// The path of `rel` in this folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// `demarche` run inside this folder.
    pub fn demarche(&self) -> Command {
        let mut cmd = Command::new(get_cargo_bin("demarche"));
        cmd.current_dir(&self.0);
        cmd
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The exit code, stdout and stderr of a finished command.
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` with `stdin` written to it from another thread (the command may stop reading
/// early), and waits for it.
pub fn run(cmd: &mut Command, stdin: impl Into<Vec<u8>>) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.into();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Output {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// The JSON Lines records of a run's stdout.
pub fn parse_jsonl(stdout: &str) -> Vec<ArticleResult> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// Every span of the result slices `text` to its `text` field, and its char offsets count the
/// chars before it; stance evidence lies inside its statement.
pub fn check_offsets(text: &str, result: &ArticleResult) {
    for st in &result.statements {
        check_span(text, &st.span, &st.text);
        for stance in &st.stances {
            check_span(text, &stance.span, &stance.text);
            assert!(
                st.span.start <= stance.span.start && stance.span.end <= st.span.end,
                "evidence {:?} outside its statement {:?}",
                stance.text,
                st.text
            );
        }
        if let Some(speaker) = &st.speaker {
            check_span(text, &speaker.span, &speaker.text);
        }
    }
}

/// `span` slices `text` to `expected`, and its char offsets count the chars before it.
pub fn check_span(text: &str, span: &Span, expected: &str) {
    let slice = text.get(span.start..span.end);
    assert_eq!(slice, Some(expected), "bytes {}..{}", span.start, span.end);
    assert_eq!(
        text[..span.start].chars().count(),
        span.char_start,
        "char_start of {expected:?}"
    );
    assert_eq!(
        text[..span.end].chars().count(),
        span.char_end,
        "char_end of {expected:?}"
    );
}
