//! Bad input, hostile input, no data lost: whole-tool tests of `demarche classify` on broken,
//! odd and huge inputs (issue 7), and on other record shapes (`--text-field`, CSV; issue 6).
//!
//! The guarantees checked here are listed in `docs/reliability.md`: every input unit gives
//! exactly one output record, in order; a bad one gives an error record and the exit code 2
//! after everything else is done; offsets always slice the (decoded) article text. Commands
//! that need files run inside a temp folder with relative paths, so no temp path reaches a
//! snapshot.

#[macro_use]
mod common;

use common::{check_offsets, parse_jsonl, run, Output, TempDir};
use demarche_core::ArticleResult;
use insta_cmd::get_cargo_bin;
use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

/// A sentence the embedded pack finds a `restraint` stance in.
const RESTRAINT: &str = "The UN urged both sides to exercise restraint, Dujarric said.";

/// `demarche classify --format jsonl ARGS...` run from the workspace root.
fn classify(args: &[&str]) -> Command {
    classify_at(common::workspace(), args)
}

/// `demarche classify --format jsonl ARGS...` run inside `tmp`.
fn classify_in(tmp: &TempDir, args: &[&str]) -> Command {
    classify_at(&tmp.0, args)
}

fn classify_at(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(get_cargo_bin("demarche"));
    cmd.current_dir(dir)
        .args(["classify", "--format", "jsonl"])
        .args(args);
    cmd
}

/// The JSON Lines records of a run's stdout.
fn records(out: &Output) -> Vec<ArticleResult> {
    parse_jsonl(&out.stdout)
}

/// `(id, error kind)` of every result.
fn kinds(results: &[ArticleResult]) -> Vec<(String, Option<String>)> {
    results
        .iter()
        .map(|r| (r.id.clone(), r.error.as_ref().map(|e| e.kind.clone())))
        .collect()
}

fn labels(result: &ArticleResult) -> Vec<String> {
    result
        .statements
        .iter()
        .flat_map(|s| s.stances.iter().map(|x| x.label.clone()))
        .collect()
}

/// Text articles with odd bytes: each is classified, and its offsets slice the text as
/// decoded; only the binary one fails.
#[test]
fn odd_text_files_are_decoded_and_offsets_hold() {
    // (file, bytes, the text offsets count in, warning kinds)
    let cases: Vec<(&str, Vec<u8>, String, Vec<&str>)> = vec![
        (
            "bom.txt",
            [b"\xEF\xBB\xBF".as_slice(), RESTRAINT.as_bytes()].concat(),
            RESTRAINT.to_string(),
            vec![],
        ),
        (
            "crlf.txt",
            format!("Headline\r\n\r\nIntro line.\r\n{RESTRAINT}\r\n").into_bytes(),
            format!("Headline\r\n\r\nIntro line.\r\n{RESTRAINT}\r\n"),
            vec![],
        ),
        (
            "lone-cr.txt",
            format!("Headline\r\rIntro line.\r{RESTRAINT}\r").into_bytes(),
            format!("Headline\r\rIntro line.\r{RESTRAINT}\r"),
            vec![],
        ),
        (
            "latin1.txt",
            [b"Caf\xE9 \xAB menu \xBB. ".as_slice(), RESTRAINT.as_bytes()].concat(),
            format!("Caf\u{FFFD} \u{FFFD} menu \u{FFFD}. {RESTRAINT}"),
            vec!["utf8"],
        ),
        (
            "scripts.txt",
            format!(
                "قال المتحدث إن الأمم المتحدة تدعو إلى ضبط النفس. 联合国呼吁各方保持克制。 👍🏽🇺🇳 {RESTRAINT} שלום."
            )
            .into_bytes(),
            format!(
                "قال المتحدث إن الأمم المتحدة تدعو إلى ضبط النفس. 联合国呼吁各方保持克制。 👍🏽🇺🇳 {RESTRAINT} שלום."
            ),
            vec![],
        ),
    ];
    let tmp = TempDir::new("odd-text");
    for (file, bytes, _, _) in &cases {
        tmp.write(file, bytes);
    }
    let files: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let out = run(&mut classify_in(&tmp, &files), "");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let results = records(&out);
    assert_eq!(results.len(), cases.len());
    for ((file, _, text, warns), result) in cases.iter().zip(&results) {
        assert_eq!(result.id, *file);
        assert_eq!(labels(result), ["restraint"], "{file}");
        check_offsets(text, result);
        let got: Vec<&str> = result.warnings.iter().map(|w| w.kind.as_str()).collect();
        assert_eq!(got, *warns, "{file}");
    }
    assert!(
        out.stderr.contains("latin1.txt: invalid UTF-8"),
        "{}",
        out.stderr
    );
}

/// Zero-width characters inside a trigger word are ignored for matching, and the evidence
/// still points into the original text, invisible characters included.
#[test]
fn zero_width_characters_do_not_hide_a_trigger() {
    let text = "Both sides must respect the cease\u{200B}fire, the UN said. \
                They must exer\u{00AD}cise re\u{200D}straint, he added. \
                Russia urged the parties to de\u{200B}-escalate.";
    let record = serde_json::json!({"id": "zw", "text": text}).to_string();
    let out = run(&mut classify(&[]), record);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let results = records(&out);
    check_offsets(text, &results[0]);
    let evidence: Vec<&str> = results[0]
        .statements
        .iter()
        .flat_map(|s| s.stances.iter().map(|x| x.text.as_str()))
        .collect();
    assert!(
        evidence.iter().any(|e| e.contains("cease\u{200B}fire")),
        "{evidence:?}"
    );
    assert!(
        evidence
            .iter()
            .any(|e| e.contains("exer\u{00AD}cise re\u{200D}straint")),
        "{evidence:?}"
    );
    assert!(evidence.contains(&"de\u{200B}-escalate"), "{evidence:?}");
}

/// Binary files, empty files and missing files each keep their record; the rest is still
/// classified, and the exit code is 2 at the end.
#[test]
fn binary_and_empty_files_keep_their_record() {
    let tmp = TempDir::new("binary");
    tmp.write("a-empty.txt", "");
    tmp.write("b-image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    tmp.write("c-nul.txt", [RESTRAINT.as_bytes(), b"\0"].concat());
    tmp.write("d-good.txt", RESTRAINT);
    tmp.write("e-utf16.txt", {
        let mut b = vec![0xFF, 0xFE];
        b.extend(RESTRAINT.encode_utf16().flat_map(u16::to_le_bytes));
        b
    });
    let out = run(&mut classify_in(&tmp, &["."]), "");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    let results = records(&out);
    assert_eq!(
        kinds(&results),
        [
            ("./a-empty.txt".into(), None),
            ("./b-image.txt".into(), Some("binary".into())),
            ("./c-nul.txt".into(), Some("binary".into())),
            ("./d-good.txt".into(), None),
            ("./e-utf16.txt".into(), None),
        ]
    );
    assert!(results[0].statements.is_empty());
    assert_eq!(labels(&results[3]), ["restraint"]);
    assert_eq!(labels(&results[4]), ["restraint"]);
    assert_eq!(results[4].warnings[0].kind, "utf16");
    assert!(
        out.stderr
            .ends_with("error: 2 input(s) could not be read\n"),
        "{}",
        out.stderr
    );
}

/// JSON Lines with every kind of bad line: each gives an error record with its line, and
/// every good line is still classified.
#[test]
fn jsonl_bad_lines() {
    let input = [
        format!(r#"{{"id": "good-1", "text": "{RESTRAINT}"}}"#).as_bytes(),
        b"\n{\"id\": \"malformed\", \"text\": \"unterminated\n",
        b"{\"id\": \"no-text\", \"title\": \"kept\"}\n",
        b"{\"id\": \"number-text\", \"text\": 42}\n",
        b"{\"id\": \"good-1\", \"text\": \"A duplicate id is still classified.\"}\n",
        b"\n",
        b"   \t \r\n",
        b"{\"id\": \"bad-utf8\", \"text\": \"Caf\xE9 talks.\"}\n",
        b"{\"id\": \"nul\", \"text\": \"a\\u0000b\"}\n",
        b"[\"not\", \"an object\"]\n",
        b"{\"id\": \"last\", \"text\": \"Russia expressed concern.\"}",
    ]
    .concat();
    let mut cmd = classify(&["-"]);
    snapshot!("robustness_jsonl_bad_lines", cmd.pass_stdin(input));
}

/// 10,000 records of which 100 are bad give 10,000 results, in order.
#[test]
fn count_in_equals_count_out() {
    let mut input = String::new();
    for i in 0..10_000 {
        let line = match i % 100 {
            17 => format!("{{\"id\": \"r{i}\", \"text\": \"broken\n"),
            _ => format!("{{\"id\": \"r{i}\", \"text\": \"Talks, record {i}.\"}}\n"),
        };
        input.push_str(&line);
    }
    let out = run(&mut classify(&[]), input);
    assert_eq!(out.code, Some(2));
    let results = records(&out);
    assert_eq!(results.len(), 10_000);
    let failed: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.error.is_some())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(failed.len(), 100);
    assert!(failed.iter().all(|i| i % 100 == 17));
    for (i, r) in results.iter().enumerate() {
        if r.error.is_none() {
            assert_eq!(r.id, format!("r{i}"));
        } else {
            assert_eq!(r.id, format!("<stdin>:{}", i + 1));
        }
    }
}

/// `--strict` writes the first error record and stops there, with exit code 2.
#[test]
fn strict_stops_at_the_first_error() {
    let input = format!(
        "{{\"id\": \"a\", \"text\": \"{RESTRAINT}\"}}\n{{oops\n{{\"id\": \"c\", \"text\": \"x\"}}\n"
    );
    let mut cmd = classify(&["--strict"]);
    snapshot!("robustness_strict", cmd.pass_stdin(input));
}

/// A write error (a full disk) is reported once, with exit code 2.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_once() {
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let input = format!("{{\"id\": \"a\", \"text\": \"{RESTRAINT}\"}}\n").repeat(2000);
    let mut child = classify(&[])
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(input.as_bytes());
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr,
        "error: cannot write output: No space left on device (os error 28)\n"
    );
}

/// Articles far over `--max-article-bytes` are refused without being held in memory, as a
/// text file (refused by its size), on stdin and as one JSON Lines record; reading goes on.
#[test]
fn huge_articles_are_refused_with_an_error_record() {
    let big = 100 << 20; // 100 MiB, over the default limit of 16 MiB
    let tmp = TempDir::new("huge");
    let file = fs::File::create(tmp.path("big.txt")).unwrap();
    file.set_len(big).unwrap(); // sparse: costs no disk, and reads as NULs if read
    tmp.write("small.txt", RESTRAINT);
    let out = run(&mut classify_in(&tmp, &["big.txt", "small.txt"]), "");
    assert_eq!(out.code, Some(2));
    assert_eq!(
        kinds(&records(&out)),
        [
            ("big.txt".into(), Some("too-large".into())),
            ("small.txt".into(), None)
        ]
    );

    let mut jsonl = b"{\"id\": \"huge\", \"text\": \"".to_vec();
    jsonl.resize(jsonl.len() + (20 << 20), b'a');
    jsonl.extend_from_slice(
        format!("\"}}\n{{\"id\": \"next\", \"text\": \"{RESTRAINT}\"}}\n").as_bytes(),
    );
    let out = run(&mut classify(&["--input-format", "jsonl"]), jsonl);
    assert_eq!(out.code, Some(2));
    let results = records(&out);
    assert_eq!(
        kinds(&results),
        [
            ("<stdin>:1".into(), Some("too-large".into())),
            ("next".into(), None)
        ]
    );
    assert_eq!(
        results[0].error.as_ref().unwrap().message,
        "<stdin>:1: 20971547 bytes, over the limit of 16777216 bytes (raise it with --max-article-bytes)"
    );

    let out = run(
        &mut classify(&["--max-article-bytes", "1K", "--input-format", "text"]),
        "x".repeat(5000),
    );
    assert_eq!(out.code, Some(2));
    assert_eq!(
        records(&out)[0].error.as_ref().unwrap().message,
        "<stdin>: more than 1024 bytes, over the limit of 1024 bytes (raise it with --max-article-bytes)"
    );
}

/// A 1 MB sentence (no full stop, no line break) is classified without a stack overflow.
#[test]
fn a_one_megabyte_sentence() {
    let words = [
        "the", "sides", "talks", "region", "said", "on", "Monday", "and",
    ];
    let mut text = String::from("The UN urged both sides to exercise restraint");
    let mut i = 0usize;
    while text.len() < 1 << 20 {
        text.push(' ');
        text.push_str(words[i % words.len()]);
        i = i.wrapping_mul(31).wrapping_add(7);
    }
    let out = run(&mut classify(&["--input-format", "text"]), text.clone());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let results = records(&out);
    assert_eq!(labels(&results[0]), ["restraint"]);
    check_offsets(&text, &results[0]);
}

/// A 100 MB article with `--max-article-bytes 128M`, in linear time. Ignored by default: a
/// debug build classifies about 0.25 MB/s, and even a release build needs over a minute (76 s
/// and 2.4 GB on the shared development machine). Run it with
/// `cargo test --release --test robustness -- --ignored`.
#[test]
#[ignore = "slow in debug builds; run with --release -- --ignored"]
fn a_hundred_megabyte_article() {
    let paragraph = format!("{RESTRAINT} Fighting went on near the border on Monday.\n\n");
    let text = paragraph.repeat((100 << 20) / paragraph.len());
    let tmp = TempDir::new("hundred");
    tmp.write("big.txt", &text);
    let started = std::time::Instant::now();
    let out = run(
        &mut classify_in(&tmp, &["--max-article-bytes", "128M", "big.txt"]),
        "",
    );
    let took = started.elapsed();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let results = records(&out);
    assert_eq!(results[0].statements.len(), text.len() / paragraph.len());
    eprintln!("100 MB article: {took:?}");
}

/// Folders with unreadable files, symlink loops, dangling links, links out of the folder and
/// non-text files: each file gives one record, links to folders are not followed.
#[cfg(unix)]
#[test]
fn hostile_folders() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let tmp = TempDir::new("folders");
    tmp.write("outside/secret.txt", RESTRAINT);
    tmp.write("in/a.txt", RESTRAINT);
    tmp.write("in/b.bin", b"\x7fELF\x02\x01\x01\x00\x00");
    tmp.write("in/c-locked.txt", RESTRAINT);
    fs::set_permissions(
        tmp.path("in/c-locked.txt"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    symlink("loop-2", tmp.path("in/d-loop-1")).unwrap();
    symlink("d-loop-1", tmp.path("in/loop-2")).unwrap();
    symlink("nowhere.txt", tmp.path("in/e-dangling.txt")).unwrap();
    symlink("../outside", tmp.path("in/f-outside")).unwrap();
    symlink("..", tmp.path("in/g-parent")).unwrap();
    symlink("a.txt", tmp.path("in/h-link.txt")).unwrap();
    let out = run(&mut classify_in(&tmp, &["in"]), "");
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    // Root reads a file whatever its mode: then the locked file is simply read.
    let locked = fs::read(tmp.path("in/c-locked.txt"))
        .err()
        .map(|_| "io".to_string());
    assert_eq!(
        kinds(&records(&out)),
        [
            ("in/a.txt".into(), None),
            ("in/b.bin".into(), Some("binary".into())),
            ("in/c-locked.txt".into(), locked),
            ("in/d-loop-1".into(), Some("io".into())),
            ("in/e-dangling.txt".into(), Some("io".into())),
            ("in/h-link.txt".into(), None),
            ("in/loop-2".into(), Some("io".into())),
        ]
    );
}

/// Hostile ids, titles and texts (control characters, quotes, line and paragraph
/// separators, lone surrogate escapes) give one valid JSON line each.
#[test]
fn hostile_strings_are_escaped_in_jsonl() {
    let nasty = "tab\there \"quote\" back\\slash \u{1}\u{1b}[31m\u{7f} \u{2028}\u{2029} \u{85} end";
    let mut input = String::new();
    for i in 0..3 {
        let record = serde_json::json!({
            "id": format!("{nasty}{i}"),
            "title": nasty,
            "url": nasty,
            "date": nasty,
            "text": format!("{nasty}\r\n{RESTRAINT}\u{b}\u{c}"),
        });
        input.push_str(&record.to_string());
        input.push('\n');
    }
    input.push_str("{\"id\": \"surrogate\", \"text\": \"lone \\ud800 half\"}\n");
    let out = run(&mut classify(&[]), input);
    let lines: Vec<&str> = out.stdout.split('\n').collect();
    assert_eq!(lines.len(), 5, "four lines and the final newline");
    for line in &lines[..4] {
        // JSON requires U+0000..U+001F to be escaped; DEL, U+0085, U+2028 and U+2029 are
        // valid raw in JSON and pass through (see docs/reliability.md).
        assert!(
            !line.chars().any(|c| c < '\u{20}'),
            "raw control character in {line:?}"
        );
    }
    let results = records(&out);
    assert_eq!(results[0].id, format!("{nasty}0"));
    assert_eq!(results[0].title.as_deref(), Some(nasty));
    assert_eq!(labels(&results[0]), ["restraint"]);
    // A lone surrogate escape is not valid JSON text for serde_json: an error record.
    assert_eq!(
        results[3].error.as_ref().map(|e| e.kind.as_str()),
        Some("json")
    );
}

/// Other JSON Lines shapes (news-please) are mapped with `--*-field`, dotted paths included.
#[test]
fn field_mapping_for_other_jsonl_shapes() {
    let input = format!(
        "{}\n{}\n",
        serde_json::json!({
            "maintext": RESTRAINT,
            "title": "Calls for calm",
            "date_publish": "2024-05-01 10:00:00",
            "url": "https://example.org/a",
            "meta": {"id": 17},
        }),
        serde_json::json!({"text": "no maintext here", "meta": {"id": "m2"}}),
    );
    let mut cmd = classify(&[
        "--text-field",
        "maintext",
        "--id-field",
        "meta.id",
        "--date-field",
        "date_publish",
    ]);
    snapshot!("robustness_field_mapping", cmd.pass_stdin(input));
}

/// CSV with a header row, quoted fields over several lines, a bad row and mapped columns.
#[test]
fn csv_input() {
    let tmp = TempDir::new("csv");
    tmp.write(
        "news.csv",
        format!(
            "article_id,headline,body,published\r\n\
             a1,Calls for calm,\"{RESTRAINT}\",2024-05-01\r\n\
             a2,Two lines,\"Russia expressed \"\"deep\"\"\nconcern.\",\r\n\
             a3,too,many,fields,here\r\n\
             a4,,\"Nothing here.\",2024-05-02"
        ),
    );
    let mut cmd = classify_in(
        &tmp,
        &[
            "--id-field",
            "article_id",
            "--title-field",
            "headline",
            "--text-field",
            "body",
            "--date-field",
            "published",
            "news.csv",
        ],
    );
    snapshot!("robustness_csv", cmd);
}

/// `--input-format csv` reads stdin as CSV too.
#[test]
fn csv_on_stdin() {
    let input = format!("id,text\nx,\"{RESTRAINT}\"\n");
    let out = run(&mut classify(&["--input-format", "csv"]), input);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let results = records(&out);
    assert_eq!(
        (results[0].id.as_str(), labels(&results[0])),
        ("x", vec!["restraint".to_string()])
    );
}

/// A bad `--max-article-bytes` is a usage error.
#[test]
fn bad_size_is_a_usage_error() {
    let out = run(&mut classify(&["--max-article-bytes", "12 parsecs"]), "");
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("--max-article-bytes"), "{}", out.stderr);
}

/// `--rules DIR` reads only regular `*.rules` files inside DIR: symlinks in it (to files or
/// folders, inside or outside DIR) are not followed, so a pack cannot pull in files from
/// elsewhere, and a symlink loop cannot hang the walk.
#[cfg(unix)]
#[test]
fn rule_folders_do_not_follow_symlinks() {
    use std::os::unix::fs::symlink;
    let tmp = TempDir::new("rule-links");
    tmp.write(
        "pack/labels.rules",
        "label restraint cameo \"0256\" \"Appeal for restraint\"\n",
    );
    tmp.write(
        "pack/stances/restraint.rules",
        "rule restraint.exercise-restraint {\n  label restraint\n  match exercise restraint\n}\n",
    );
    // Anything read from outside would break the pack: a syntax error and a duplicate label.
    tmp.write("outside/evil.rules", "this is not a rule file (\n");
    tmp.write("outside/more/dup.rules", "label restraint\n");
    symlink("../outside/evil.rules", tmp.path("pack/evil.rules")).unwrap();
    symlink("../outside", tmp.path("pack/linked-folder")).unwrap();
    symlink("labels.rules", tmp.path("pack/labels-again.rules")).unwrap();
    symlink(".", tmp.path("pack/stances/loop")).unwrap();
    let out = run(&mut classify_in(&tmp, &["--rules", "pack", "-"]), RESTRAINT);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(labels(&records(&out)[0]), ["restraint"]);
}
