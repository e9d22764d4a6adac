//! Whole-tool tests of the `demarche` binary: exit codes, stdout and stderr of each subcommand,
//! as insta-cmd snapshots in `tests/snapshots/cli_*.snap`, plus plain asserts where behaviour
//! matters more than wording (offsets of the output contract, one output line per input
//! article, input order, a closed pipe).
//!
//! Commands that need a temp folder run *inside* it with relative paths, so that no temp path
//! reaches a snapshot; the provenance (rule-pack hash, version) is filtered out.

#[macro_use]
mod common;

use common::{check_offsets, demarche, parse_jsonl, run, Output, TempDir};
use std::io::Write;
use std::process::Stdio;

/// The seed article, relative to the workspace root.
const SEED: &str = "tests/corpus/karabakh-restraint.txt";

/// JSON Lines with a malformed line and a record without `text` between two good records.
const MIXED_JSONL: &str = concat!(
    r#"{"id": "good-1", "title": "Calls for calm", "text": "The UN urged both sides to exercise restraint, Dujarric said."}"#,
    "\n",
    r#"{"id": "broken", "text": "unterminated"#,
    "\n\n",
    r#"{"id": 42, "title": "no text here"}"#,
    "\n",
    r#"{"id": "good-2", "url": "https://example.org/a", "text": "Russia expressed concern about the clashes."}"#,
    "\n",
);

#[test]
fn classify_seed_text() {
    snapshot!(
        "cli_classify_seed_text",
        demarche().args(["classify", SEED])
    );
}

#[test]
fn classify_seed_json() {
    snapshot!(
        "cli_classify_seed_json",
        demarche().args(["classify", "--format", "json", SEED])
    );
}

#[test]
fn classify_seed_jsonl() {
    snapshot!(
        "cli_classify_seed_jsonl",
        demarche().args(["classify", "--format", "jsonl", SEED])
    );
}

#[test]
fn classify_stdin_text() {
    let text = "Stéphane Dujarric said the UN “urges the sides to exercise restraint.”\n";
    snapshot!(
        "cli_classify_stdin_text",
        demarche().arg("classify").pass_stdin(text)
    );
}

#[test]
fn classify_jsonl_with_bad_records() {
    let mut cmd = demarche();
    cmd.args(["classify", "--format", "jsonl", "-"]);
    snapshot!(
        "cli_classify_jsonl_with_bad_records",
        cmd.pass_stdin(MIXED_JSONL)
    );
}

#[test]
fn bad_records_keep_their_line_and_exit_2() {
    let output = run(
        demarche().args(["classify", "--format", "jsonl"]),
        MIXED_JSONL,
    );
    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    let results = parse_jsonl(&output.stdout);
    let records_in = MIXED_JSONL.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(results.len(), records_in);
    let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["good-1", "<stdin>:2", "42", "good-2"]);
    let kinds: Vec<Option<(&str, Option<usize>)>> = results
        .iter()
        .map(|r| r.error.as_ref().map(|e| (e.kind.as_str(), e.line)))
        .collect();
    assert_eq!(
        kinds,
        [
            None,
            Some(("json", Some(2))),
            Some(("missing-field", Some(4))),
            None
        ]
    );
    assert_eq!(results[0].title.as_deref(), Some("Calls for calm"));
    assert_eq!(results[3].url.as_deref(), Some("https://example.org/a"));
}

#[test]
fn folders_are_walked_in_order_without_hidden_files() {
    let tmp = TempDir::new("walk");
    tmp.write("in/b/c.txt", "The EU expressed concern.");
    tmp.write("in/a.txt", "Nothing to see.");
    tmp.write("in/.hidden.txt", "The UN urged restraint.");
    tmp.write(
        "in/d.jsonl",
        "{\"id\": \"r1\", \"text\": \"x\"}\n{\"id\": \"r2\", \"text\": \"y\"}\n",
    );
    let output = run(
        tmp.demarche()
            .args(["classify", "--format", "jsonl", "in", "missing.txt"]),
        "",
    );
    assert_eq!(output.code, Some(2), "stderr: {}", output.stderr);
    let results = parse_jsonl(&output.stdout);
    let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["in/a.txt", "in/b/c.txt", "r1", "r2", "missing.txt"]);
    assert_eq!(
        results[4].error.as_ref().map(|e| e.kind.as_str()),
        Some("io")
    );
    assert!(
        output.stderr.contains("missing.txt"),
        "stderr: {}",
        output.stderr
    );
}

#[test]
fn jsonl_offsets_slice_the_article_text() {
    let seed = std::fs::read_to_string(common::workspace().join(SEED)).unwrap();
    let output = run(demarche().args(["classify", "--format", "jsonl", SEED]), "");
    assert_eq!(output.code, Some(0), "stderr: {}", output.stderr);
    let results = parse_jsonl(&output.stdout);
    assert_eq!(results.len(), 1);
    assert!(
        !results[0].statements.is_empty(),
        "the seed article has statements"
    );
    check_offsets(&seed, &results[0]);

    // The same through JSON Lines input, with more non-ASCII text before the statements.
    let text = format!("Çavuşoğlu — «Ankara» … {seed}");
    let record = serde_json::json!({ "id": "a", "text": text }).to_string();
    let output = run(
        demarche().args(["classify", "--format", "jsonl"]),
        record.as_str(),
    );
    let results = parse_jsonl(&output.stdout);
    assert!(!results[0].statements.is_empty());
    check_offsets(&text, &results[0]);
}

/// A two-rule pack whose `restraint.exercise-restraint` fails one `expect` and one `reject`.
const MINI_PACK_RULES: &str = r#"
rule restraint.exercise-restraint {
  label restraint
  match exercise restraint
  expect "Both sides must [[exercise restraint]]."
  expect "They urged [[calm]]."
  reject "Both sides exercise restraint daily."
}

rule restraint.urge-calm {
  label restraint
  match urged calm
  expect "They [[urged calm]] on Monday."
  reject "Calm returned to the city."
}
"#;

const LABELS: &str = "label restraint cameo \"0256\" plover \"REQUEST\" \"Appeal for restraint\"\n";

#[test]
fn rules_flag_replaces_the_embedded_pack() {
    let tmp = TempDir::new("mini-pack");
    tmp.write("pack/labels.rules", LABELS);
    tmp.write("pack/stances/restraint.rules", MINI_PACK_RULES);
    let mut cmd = tmp.demarche();
    cmd.args(["classify", "--rules", "pack"]);
    let text = "Both sides must exercise restraint, the UN said. They urged calm.";
    snapshot!("cli_classify_with_rules_flag", cmd.pass_stdin(text));
    snapshot!("cli_test_failures", tmp.demarche().args(["test", "pack"]));
}

#[test]
fn broken_rules_are_reported_with_positions() {
    let tmp = TempDir::new("broken-rules");
    tmp.write("broken/labels.rules", LABELS);
    tmp.write(
        "broken/stances/restraint.rules",
        "rule restraint.exercise-restraint {\n  label restrain\n  match exercise @NOPE\n  \
         expect \"Both sides must [[exercise restraint]].\"\n}\n",
    );
    tmp.write("article.txt", "The UN urged restraint.");
    // Not through stdin: the command exits before reading it, and insta-cmd's writer panics.
    let mut cmd = tmp.demarche();
    cmd.args(["classify", "--rules", "broken", "article.txt"]);
    snapshot!("cli_classify_broken_rules", cmd);
}

#[test]
fn check_reports_syntax_errors_of_every_file() {
    let tmp = TempDir::new("syntax-rules");
    tmp.write(
        "syntax/a.rules",
        "label restraint \"x\"\nrule restraint.unclosed {\n  label restraint\n  match ( exercise\n}\n",
    );
    tmp.write("syntax/b.rules", "lexicon calm = calm\n");
    snapshot!(
        "cli_check_syntax_errors",
        tmp.demarche().args(["check", "syntax"])
    );
}

/// Not a snapshot: the counts change with every rule added to the pack.
#[test]
fn check_embedded_pack_has_no_error() {
    let output = run(demarche().args(["check", "--allow", "warnings"]), "");
    assert_eq!(output.code, Some(0), "stdout: {}", output.stdout);
    let last = output.stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("ok: 11 labels, "), "{}", output.stdout);
    assert!(!output.stdout.contains("error"), "{}", output.stdout);
}

/// The shipped pack under its own default lints: a handful of warnings at most (each right,
/// and reported for a rule edit), not the ~1,100 of the opt-in lints, which are counted on
/// their own lines instead. See: issue 16.
#[test]
fn check_embedded_pack_is_quiet_by_default_and_counts_opt_in_lints() {
    let output = run(demarche().arg("check"), "");
    assert_eq!(output.code, Some(0), "stdout: {}", output.stdout);
    let shown = output.stdout.matches("\nwarning[").count()
        + usize::from(output.stdout.starts_with("warning["));
    assert_eq!(
        shown, 0,
        "the shipped pack is clean under its default lints:\n{}",
        output.stdout
    );
    let denied = run(demarche().args(["check", "--deny", "warnings"]), "");
    assert_eq!(denied.code, Some(0), "stdout: {}", denied.stdout);
    let opt_in = output
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("unexercised-alternative "))
        .expect("a line counting unexercised-alternative");
    assert!(opt_in.ends_with("not shown: opt-in, `--warn unexercised-alternative` lists them"));
    let pedantic = run(demarche().args(["check", "--warn", "pedantic"]), "");
    assert!(
        pedantic
            .stdout
            .matches("warning[unexercised-alternative]")
            .count()
            > 100
    );
}

/// Not a snapshot: the per-rule table changes with every rule added to the pack.
#[test]
fn test_embedded_pack_passes() {
    let output = run(demarche().arg("test"), "");
    assert_eq!(output.code, Some(0), "stdout: {}", output.stdout);
    let last = output.stdout.lines().last().unwrap_or_default();
    let (passed, failed) = last.split_once(" passed, ").expect(last);
    assert!(passed.parse::<usize>().unwrap() > 0, "{last}");
    assert_eq!(failed, "0 failed");
    assert_eq!(output.stderr, "");
}

#[test]
fn usage_error_exits_2() {
    snapshot!(
        "cli_usage_error",
        demarche().args(["classify", "--format", "xml"])
    );
}

#[test]
fn closed_stdout_exits_0_quietly() {
    let record =
        r#"{"id": "a", "text": "The UN urged both sides to exercise restraint, Dujarric said."}"#;
    let input = format!("{record}\n").repeat(5000);
    let mut child = demarche()
        .args(["classify", "--format", "jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as `| head -0` would
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(input.as_bytes()); // the child may stop reading early
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

/// A small pack that compiles with one case of each lint (tests/fixtures/lint-pack).
const LINT_PACK: &str = "tests/fixtures/lint-pack";

#[test]
fn check_reports_each_lint_and_exits_0() {
    snapshot!("cli_check_lints", demarche().args(["check", LINT_PACK]));
    snapshot!(
        "cli_check_lints_pedantic",
        demarche().args(["check", LINT_PACK, "--warn", "pedantic"])
    );
}

#[test]
fn check_deny_warnings_exits_1_and_allow_silences() {
    snapshot!(
        "cli_check_lints_github_denied",
        demarche().args(["check", LINT_PACK, "--format", "github", "--deny", "warnings"])
    );
    snapshot!(
        "cli_check_lints_json_allowed",
        demarche().args([
            "check",
            LINT_PACK,
            "--format",
            "json",
            "--allow",
            "unexercised-alternative",
            "--allow",
            "shadowed-rule",
            "--deny",
            "duplicate-id",
        ])
    );
}

#[test]
fn check_broken_pack_reports_every_diagnostic_at_once() {
    let cmd = || {
        let mut cmd = demarche();
        cmd.args(["check", "tests/fixtures/broken-pack"]);
        cmd
    };
    let output = run(&mut cmd(), "");
    let headings: std::collections::BTreeSet<&str> = output
        .stdout
        .lines()
        .filter(|l| l.starts_with("error") || l.starts_with("warning"))
        .filter_map(|l| {
            l.split_once(": ")
                .map(|(_, msg)| msg.split('`').next().unwrap_or(msg))
        })
        .collect();
    assert!(headings.len() >= 5, "{headings:?}");
    snapshot!("cli_check_broken_pack", cmd());
}

#[test]
fn test_reports_speakers_todos_and_filters() {
    snapshot!("cli_test_lint_pack", demarche().args(["test", LINT_PACK]));
    snapshot!(
        "cli_test_filter",
        demarche().args(["test", LINT_PACK, "--filter", "ceasefire.*"])
    );
}

#[test]
fn eval_scores_gold_against_a_baseline() {
    snapshot!(
        "cli_eval_baseline",
        demarche().args([
            "eval",
            "--rules",
            LINT_PACK,
            "tests/fixtures/eval/gold.jsonl",
            "--baseline",
            "tests/fixtures/eval/baseline-pack",
        ])
    );
}

#[test]
fn eval_fail_under_and_bad_gold_records() {
    let eval_under = |threshold: &str| {
        let gold = "tests/fixtures/eval/gold.jsonl";
        let args = [
            "eval",
            "--rules",
            LINT_PACK,
            gold,
            "--fail-under",
            threshold,
        ];
        run(demarche().args(args), "")
    };
    let fails = eval_under("0.81");
    assert_eq!(fails.code, Some(1));
    assert!(
        fails
            .stderr
            .contains("micro F1 0.800 is under --fail-under 0.81"),
        "{}",
        fails.stderr
    );
    let passes = eval_under("0.8");
    assert_eq!(passes.code, Some(0));
    snapshot!(
        "cli_eval_bad_gold",
        demarche().args([
            "eval",
            "--rules",
            LINT_PACK,
            "--errors",
            "0",
            "tests/fixtures/eval/bad.gold.jsonl",
        ])
    );
}

#[test]
fn eval_json_matches_the_human_numbers() {
    let output = run(
        demarche()
            .args(["eval", "--format", "json", "--rules", LINT_PACK])
            .arg("tests/fixtures/eval/gold.jsonl"),
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&output.stdout).expect("json");
    assert_eq!(
        v["micro"]["f1"].as_f64().map(|f| (f * 1000.0).round()),
        Some(800.0)
    );
    assert_eq!(v["labels"]["restraint"]["fn"], 1);
    assert_eq!(v["mistakes"][0]["kind"], "FP");
    assert_eq!(v["rules"]["restraint.urge-calm"]["tp"], 0);
}

/// `--fail-under-actors`, `--fail-under-attributed` and `--fail-under-targets` on small gold
/// files: `actors.gold.jsonl` scores actor strict 0.400 (2 of 5) and attributed recall 0.500
/// (3 of 6); `targets.gold.jsonl` target strict 0.400 (the engine names no target yet, right
/// only where gold has none). Each measure under its threshold is named, and exits 1.
#[test]
fn eval_gates_actors_attribution_and_targets() {
    let actors = "tests/fixtures/eval/actors.gold.jsonl";
    let targets = "tests/fixtures/eval/targets.gold.jsonl";
    let no_targets = "tests/fixtures/eval/gold.jsonl";
    // (gold, flags, exit code, lines on stderr)
    let cases: &[(&str, &[&str], i32, &[&str])] = &[
        (
            actors,
            &["--fail-under-actors", "0.41"],
            1,
            &["error: actor strict 0.400 is under --fail-under-actors 0.41"],
        ),
        (actors, &["--fail-under-actors", "0.4"], 0, &[]),
        (
            actors,
            &["--fail-under-attributed", "0.51"],
            1,
            &["error: attributed recall 0.500 is under --fail-under-attributed 0.51"],
        ),
        (actors, &["--fail-under-attributed", "0.5"], 0, &[]),
        (
            actors,
            &[
                "--fail-under",
                "0.9",
                "--fail-under-actors",
                "0.97",
                "--fail-under-attributed",
                "0.95",
            ],
            1,
            &[
                "error: actor strict 0.400 is under --fail-under-actors 0.97",
                "error: attributed recall 0.500 is under --fail-under-attributed 0.95",
            ],
        ),
        (
            targets,
            &["--fail-under-targets", "0.41"],
            1,
            &["error: target strict 0.400 is under --fail-under-targets 0.41"],
        ),
        (targets, &["--fail-under-targets", "0.4"], 0, &[]),
        (
            no_targets,
            &["--fail-under-targets", "0.9"],
            0,
            &["note: --fail-under-targets 0.9 ignored: the gold has no targets"],
        ),
    ];
    for (gold, flags, code, lines) in cases {
        let out = run(
            demarche()
                .args(["eval", "--rules", LINT_PACK, "--errors", "0", gold])
                .args(*flags),
            "",
        );
        assert_eq!(out.code, Some(*code), "{gold} {flags:?}: {}", out.stderr);
        let errors = out.stderr.lines().filter(|l| l.starts_with("error:"));
        assert_eq!(
            errors.count(),
            lines.iter().filter(|l| l.starts_with("error:")).count(),
            "{gold} {flags:?}: {}",
            out.stderr
        );
        for line in *lines {
            assert!(
                out.stderr.lines().any(|l| l == *line),
                "{gold} {flags:?}: no {line:?} in {}",
                out.stderr
            );
        }
    }
}

#[test]
fn eval_scores_and_lists_targets() {
    let gold = "tests/fixtures/eval/targets.gold.jsonl";
    let actors = "tests/fixtures/eval/actors.gold.jsonl";
    snapshot!(
        "cli_eval_targets",
        demarche().args(["eval", "--rules", LINT_PACK, gold, actors])
    );
    let output = run(
        demarche().args(["eval", "--format", "json", "--rules", LINT_PACK, gold]),
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&output.stdout).expect("json");
    assert_eq!(v["target_statements"], 5);
    assert_eq!(v["target_gold_statements"], 6);
    assert_eq!(v["target_strict"].as_f64(), Some(0.4));
    assert_eq!(v["target_named"].as_f64(), Some(0.0));
    let kinds: Vec<&str> = (v["mistakes"].as_array().into_iter().flatten())
        .filter_map(|m| m["kind"].as_str())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "TARGET").count(),
        3,
        "{kinds:?}"
    );
    let files = run(
        demarche().args([
            "eval", "--format", "json", "--rules", LINT_PACK, gold, actors,
        ]),
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&files.stdout).expect("json");
    assert_eq!(v["files"][0]["file"], gold);
    assert_eq!(v["files"][0]["target_strict"].as_f64(), Some(0.4));
    assert_eq!(v["files"][1]["file"], actors);
    assert_eq!(v["files"][1]["actor_strict"].as_f64(), Some(0.4));
    assert!(v["files"][1]["target_strict"].is_null());
    assert_eq!(v["target_statements"], 5);
    let none = run(
        demarche()
            .args(["eval", "--format", "json", "--rules", LINT_PACK])
            .arg("tests/fixtures/eval/gold.jsonl"),
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&none.stdout).expect("json");
    assert!(v["target_strict"].is_null() && v["target_named"].is_null());
    assert_eq!(v["target_statements"], 0);
    assert_eq!(v["attributed_recall"].as_f64(), Some(0.8));
}

#[test]
fn explain_a_sentence_and_a_file_line() {
    snapshot!(
        "cli_explain_sentence",
        demarche().args([
            "explain",
            "--rules",
            LINT_PACK,
            "Russia urged both sides to exercise utmost restraint, but did not keep calm.",
        ])
    );
    snapshot!(
        "cli_explain_file_line",
        demarche().args([
            "explain",
            "--rules",
            LINT_PACK,
            "--file",
            "tests/fixtures/eval/article.txt",
            "--line",
            "3",
        ])
    );
    snapshot!(
        "cli_explain_missing_line",
        demarche().args([
            "explain",
            "--rules",
            LINT_PACK,
            "--file",
            "tests/fixtures/eval/article.txt",
            "--line",
            "9",
        ])
    );
}

/// `explain` puts the result (speaker, target, stances) before the trace, and lists the rules
/// that did not match only with `--verbose`. See: issue 16.
#[test]
fn explain_shows_the_result_first_and_every_rule_with_verbose() {
    let sentence = "Russia urged both sides to exercise restraint.";
    let plain = run(demarche().args(["explain", sentence]), "");
    assert_eq!(plain.code, Some(0), "{}", plain.stderr);
    let at = |text: &str, what: &str| text.find(what).unwrap_or_else(|| panic!("{what}: {text}"));
    let out = &plain.stdout;
    assert!(at(out, "result:") < at(out, "  speaker: \"Russia\" -> RUS"));
    assert!(at(out, "  target: ") < at(out, "tokens:"));
    assert!(at(out, "(restraint.appeal-for-restraint)") < at(out, "tokens:"));
    assert!(out.contains("(--verbose lists them)"));
    assert!(!out.contains("no match; got"));
    let verbose = run(demarche().args(["explain", "--verbose", sentence]), "");
    assert!(verbose.stdout.contains("no match; got"));
    assert!(verbose.stdout.lines().count() > plain.stdout.lines().count() + 20);
    snapshot!(
        "cli_explain_sentence_verbose",
        demarche().args([
            "explain",
            "--verbose",
            "--rules",
            LINT_PACK,
            "Russia urged both sides to exercise utmost restraint, but did not keep calm.",
        ])
    );
}

#[test]
fn classify_coverage_lists_rules_and_candidates() {
    snapshot!(
        "cli_classify_coverage",
        demarche().args([
            "classify",
            "--coverage",
            "--format",
            "jsonl",
            "--rules",
            LINT_PACK,
            "tests/fixtures/eval/article.txt",
        ])
    );
}

/// Many records, some bad, as JSON Lines: the same output whatever the number of threads.
#[test]
fn jobs_keep_input_order_and_results() {
    let mut input = String::new();
    for i in 0..300 {
        if i % 37 == 5 {
            input.push_str("{\"id\": \"broken\n");
        } else {
            input.push_str(&format!(
                "{{\"id\": \"a{i}\", \"text\": \"Story {i}. The UN urged both sides to exercise restraint, Dujarric said. Nothing else happened in {i}.\"}}\n"
            ));
        }
    }
    let outputs: Vec<Output> = ["1", "2", "3"]
        .iter()
        .map(|j| {
            run(
                demarche().args(["classify", "--format", "jsonl", "--jobs", j]),
                input.as_str(),
            )
        })
        .collect();
    assert_eq!(outputs[0].stdout.lines().count(), 300);
    for out in &outputs {
        assert_eq!(out.code, Some(2), "{}", out.stderr);
        assert_eq!(out.stdout, outputs[0].stdout);
    }
    let ids: Vec<String> = parse_jsonl(&outputs[1].stdout)
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids[0], "a0");
    assert_eq!(ids[299], "a299");
}

/// The first results of a stream are written before the stream ends, with one thread or more.
#[test]
fn stdin_streams_results_before_it_closes() {
    use std::io::{BufRead, BufReader};
    for jobs in ["1", "2"] {
        let mut child = demarche()
            .args(["classify", "--format", "jsonl", "--jobs", jobs])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(b"{\"id\": \"first\", \"text\": \"Russia expressed concern.\"}\n")
            .unwrap();
        stdin.flush().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            lines.count()
        });
        // stdin is still open: the first result must come without it closing.
        let first = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("no result while stdin is open")
            .expect("a line")
            .unwrap();
        assert!(first.starts_with("{\"id\":\"first\""), "{first}");
        stdin
            .write_all(b"{\"id\": \"second\", \"text\": \"Nothing.\"}\n")
            .unwrap();
        drop(stdin);
        assert_eq!(reader.join().unwrap(), 1);
        assert_eq!(child.wait().unwrap().code(), Some(0));
    }
}

/// `*.gz` files are read through gzip, with the format of the name without `.gz`.
#[test]
fn gzip_files_are_read_transparently() {
    let tmp = TempDir::new("gzip");
    let jsonl = "{\"id\": \"z1\", \"text\": \"The UN urged both sides to exercise restraint.\"}\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(jsonl.as_bytes()).unwrap();
    tmp.write("news.jsonl.gz", gz.finish().unwrap());
    tmp.write("plain.jsonl", jsonl);
    let out = run(
        tmp.demarche().args([
            "classify",
            "--format",
            "jsonl",
            "news.jsonl.gz",
            "plain.jsonl",
        ]),
        "",
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let results = parse_jsonl(&out.stdout);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].statements, results[1].statements);
    assert_eq!(results[0].statements[0].labels(), ["restraint"]);
    let broken = run(
        tmp.demarche()
            .args(["classify", "--format", "jsonl", "plain.jsonl.gz"]),
        "",
    );
    assert_eq!(broken.code, Some(2));
}

/// An empty input says so on stderr, and still exits 0; an empty text file too. A record with
/// no text field names `--text-field`. See: issue 16.
#[test]
fn empty_input_warns_and_missing_text_names_the_flag() {
    let tmp = TempDir::new("empty-input");
    tmp.write("empty.jsonl", "");
    tmp.write("empty.txt", "");
    let empty = run(
        tmp.demarche()
            .args(["classify", "--format", "jsonl", "empty.jsonl"]),
        "",
    );
    assert_eq!(empty.code, Some(0));
    assert_eq!(empty.stdout, "");
    assert_eq!(
        empty.stderr,
        "warning: the input is empty: no article was read\n"
    );
    for (args, name) in [(&["empty.txt"][..], "empty.txt"), (&[][..], "<stdin>")] {
        let file = run(tmp.demarche().arg("classify").args(args), "");
        assert_eq!(file.code, Some(0));
        let want = format!("warning: 1 of 1 article(s) have an empty text (first: {name})\n");
        assert_eq!(file.stderr, want);
    }
    let missing = run(
        demarche().args(["classify", "--format", "jsonl"]),
        "{\"id\": 1, \"body\": \"The UN urged restraint.\"}\n",
    );
    assert_eq!(missing.code, Some(2));
    assert!(
        missing.stderr.contains("`--text-field FIELD`"),
        "{}",
        missing.stderr
    );
}
