//! Whole-tool tests of the output formats other than the JSON contract: csv, tsv (with and
//! without `--excel`), table, html, `--summary`, provenance (`rules --hash`), completions and
//! the man page. insta-cmd snapshots in `tests/snapshots/output_*.snap`, plus plain asserts
//! where a property matters more than the layout.
//!
//! Each run happens inside a temp folder with relative paths, so no temp path reaches a
//! snapshot; the rule-pack hash and version are filtered to `[RULES-HASH]` and `[VERSION]`.

#[macro_use]
mod common;

use common::{workspace, TempDir};
use insta_cmd::get_cargo_bin;
use std::fs;
use std::process::Command;

/// The seed article, relative to the workspace root.
const SEED: &str = "tests/corpus/karabakh-restraint.txt";

/// A hostile JSON Lines input: `<script>`, formula cells, quotes, commas and line breaks in
/// every field; then an article with no statement and a line that is not JSON.
const HOSTILE: &str = concat!(
    r#"{"id": "=cmd|' /C calc'!A0", "title": "Quotes \"and\", commas\nand a new line", "date": "2024-05-01", "url": "javascript:alert(1)", "text": "<script>alert(1)</script>\n\n=HYPERLINK(\"http://x\") The UN urged both sides to \"exercise restraint\", Dujarric said <script>alert(2)</script>.\n\n-Russia expressed \"deep\" concern about the clashes, a statement said.\n\n@Nobody said anything here."}"#,
    "\n",
    r#"{"id": "quiet", "text": "Nothing happened on Tuesday."}"#,
    "\n",
    r#"{"id": "broken", "text": "unterminated"#,
    "\n",
);

/// A temp folder holding `hostile.jsonl` and a copy of the seed as `seed.txt`.
fn with_inputs(name: &str) -> TempDir {
    let tmp = TempDir::new(name);
    tmp.write("hostile.jsonl", HOSTILE);
    fs::copy(workspace().join(SEED), tmp.path("seed.txt")).unwrap();
    tmp
}

fn embedded_hash() -> String {
    let rules = demarche_engine::RuleSet::embedded().expect("embedded pack");
    format!("{:016x}", rules.hash())
}

fn stdout(cmd: &mut Command) -> (Option<i32>, String) {
    let out = cmd.output().unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn csv_seed() {
    let tmp = with_inputs("csv-seed");
    snapshot!(
        "output_csv_seed",
        tmp.demarche()
            .args(["classify", "--format", "csv", "seed.txt"])
    );
}

#[test]
fn csv_hostile() {
    let tmp = with_inputs("csv-hostile");
    snapshot!(
        "output_csv_hostile",
        tmp.demarche()
            .args(["classify", "--format", "csv", "hostile.jsonl"])
    );
}

#[test]
fn csv_hostile_excel() {
    let tmp = with_inputs("csv-excel");
    snapshot!(
        "output_csv_hostile_excel",
        tmp.demarche()
            .args(["classify", "--format", "csv", "--excel", "hostile.jsonl"])
    );
}

#[test]
fn tsv_hostile() {
    let tmp = with_inputs("tsv-hostile");
    snapshot!(
        "output_tsv_hostile",
        tmp.demarche()
            .args(["classify", "--format", "tsv", "hostile.jsonl"])
    );
}

/// The CSV is what a CSV reader expects: a BOM only with `--excel`, CRLF row ends, every row
/// as wide as the header, and one row per stance plus one per empty or failed article.
#[test]
fn csv_rows_reconcile_with_the_input() {
    let tmp = with_inputs("csv-rows");
    let (code, out) = stdout(
        tmp.demarche()
            .args(["classify", "--format", "csv", "hostile.jsonl"]),
    );
    assert_eq!(code, Some(2), "the broken line fails the run");
    assert!(out.starts_with("article_id,"));
    let rows = parse_csv(&out);
    let width = rows[0].len();
    assert!(rows.iter().all(|r| r.len() == width));
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let kinds: Vec<&str> = rows[1..]
        .iter()
        .map(|r| r[col("row_type")].as_str())
        .collect();
    assert_eq!(kinds, ["stance", "stance", "no-statements", "error"]);
    assert_eq!(
        rows[1][col("title")],
        "Quotes \"and\", commas\nand a new line"
    );
    let sentence = col("sentence");
    let (_, excel) =
        stdout(
            tmp.demarche()
                .args(["classify", "--format", "csv", "--excel", "hostile.jsonl"]),
        );
    let excel = excel.strip_prefix('\u{feff}').expect("a byte-order mark");
    let rows = parse_csv(excel);
    assert_eq!(rows[1][0], "'=cmd|' /C calc'!A0");
    assert!(rows[1][sentence].starts_with("'=HYPERLINK"));
    assert!(rows[2][sentence].starts_with("'-Russia"));
    assert_eq!(rows[3][0], "quiet");
}

/// Articles for the CSV shapes: statements by two actors and by one, with one and two
/// stances, an article with no statement and one that fails.
const SHAPES: &str = concat!(
    r#"{"id": "two", "date": "2024-05-01", "text": "The US and Russia urged both sides to exercise restraint and expressed concern about the clashes.\n\nThe EU called for a ceasefire, a statement said."}"#,
    "\n",
    r#"{"id": "quiet", "text": "Nothing happened on Tuesday."}"#,
    "\n",
    r#"{"id": "broken", "text": 3}"#,
    "\n",
);

fn with_shapes(name: &str) -> TempDir {
    let tmp = TempDir::new(name);
    tmp.write("in.jsonl", SHAPES);
    tmp
}

#[test]
fn csv_long_shape() {
    let tmp = with_shapes("csv-long");
    snapshot!(
        "output_csv_long",
        tmp.demarche().args([
            "classify",
            "--format",
            "csv",
            "--csv-shape",
            "long",
            "in.jsonl"
        ])
    );
}

#[test]
fn csv_dyad_shape() {
    let tmp = with_shapes("csv-dyad");
    snapshot!(
        "output_csv_dyad",
        tmp.demarche().args([
            "classify",
            "--format",
            "tsv",
            "--csv-shape",
            "dyad",
            "in.jsonl"
        ])
    );
}

#[test]
fn summary_dyads_table_and_json() {
    let tmp = with_shapes("summary-dyads");
    snapshot!(
        "output_summary_dyads",
        tmp.demarche()
            .args(["classify", "--summary", "--dyads", "in.jsonl"])
    );
    snapshot!(
        "output_summary_dyads_json",
        tmp.demarche().args([
            "classify",
            "--summary",
            "--dyads",
            "--format",
            "json",
            "in.jsonl"
        ])
    );
}

/// Reads CSV files with Python's `csv` module and prints, per file, the row count, the
/// stance rows, the distinct stance and statement ids and the `label_cameo` values.
const PY_COUNT: &str = r#"
import csv, json, sys
out = {}
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    st = [r for r in rows if r["row_type"] == "stance"]
    out[path] = {"rows": len(rows), "stance_rows": len(st),
                 "stance_ids": len({r["stance_id"] for r in st}),
                 "statement_ids": len({r["statement_id"] for r in st}),
                 "articles": len({r["article_id"] for r in rows}),
                 "label_cameo": sorted({r["label_cameo"] for r in st})}
print(json.dumps(out))
"#;

/// Each CSV shape, read by Python's csv module, has the counts the JSON Lines output says:
/// one row per stance by default, one per stance and speaker actor (`long`), one per stance,
/// speaker actor and target actor (`dyad`); stance and statement ids the same in every shape.
#[test]
fn csv_shapes_read_by_python_have_the_counts_of_the_jsonl() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not found: skipping the csv-module check");
        return;
    }
    let tmp = with_shapes("csv-shapes");
    let (_, jsonl) = stdout(
        tmp.demarche()
            .args(["classify", "--format", "jsonl", "in.jsonl"]),
    );
    let (mut stances, mut long, mut dyad, mut statements) = (0, 0, 0, 0);
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        for st in v["statements"].as_array().unwrap() {
            let n = st["stances"].as_array().unwrap().len();
            let actors = st["actors"].as_array().unwrap().len().max(1);
            let targets = st["targets"].as_array().unwrap().len().max(1);
            statements += 1;
            stances += n;
            long += n * actors;
            dyad += n * actors * targets;
        }
    }
    assert!(
        long > stances,
        "an article must have a statement with several actors"
    );
    for shape in ["stance", "long", "dyad"] {
        let (code, csv) = stdout(tmp.demarche().args([
            "classify",
            "--format",
            "csv",
            "--csv-shape",
            shape,
            "in.jsonl",
        ]));
        assert_eq!(code, Some(2), "the record without text fails the run");
        tmp.write(&format!("{shape}.csv"), csv);
    }
    let out = Command::new("python3")
        .current_dir(tmp.path(""))
        .args(["-c", PY_COUNT, "stance.csv", "long.csv", "dyad.csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (file, rows) in [
        ("stance.csv", stances),
        ("long.csv", long),
        ("dyad.csv", dyad),
    ] {
        let c = &counts[file];
        assert_eq!(c["stance_rows"], rows, "{file}: {c}");
        assert_eq!(
            c["rows"],
            rows + 2,
            "{file}: plus no-statements and error rows"
        );
        assert_eq!(c["stance_ids"], stances, "{file}: {c}");
        assert_eq!(c["statement_ids"], statements, "{file}: {c}");
        assert_eq!(c["articles"], 3, "{file}: {c}");
        let cameo = c["label_cameo"].as_array().unwrap();
        assert!(
            cameo.iter().all(|v| v.as_str().unwrap().starts_with('0')),
            "CAMEO codes keep their leading zero: {c}"
        );
    }
}

/// A small RFC 4180 reader, enough to check the writer from the outside.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CR without LF"),
            (false, '\n') => panic!("a row ends with LF only"),
            (false, c) => field.push(c),
        }
        if !quoted && (c == '\r' || chars.peek().is_none()) {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    rows
}

#[test]
fn table_seed() {
    let tmp = with_inputs("table-seed");
    snapshot!(
        "output_table_seed",
        tmp.demarche()
            .args(["classify", "--format", "table", "seed.txt"])
    );
}

#[test]
fn table_colour_follows_color_and_no_color() {
    let tmp = with_inputs("table-colour");
    let run = |args: &[&str], no_color: Option<&str>| {
        let mut cmd = tmp.demarche();
        cmd.args(["classify", "--format", "table", "seed.txt"])
            .args(args)
            .env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        stdout(&mut cmd).1.contains('\x1b')
    };
    assert!(!run(&[], None), "not a terminal: no colour");
    assert!(
        run(&["--color", "always"], Some("1")),
        "--color always wins"
    );
    assert!(!run(&["--color", "never"], None));
}

#[test]
fn summary_seed_table() {
    let tmp = with_inputs("summary-table");
    snapshot!(
        "output_summary_seed_table",
        tmp.demarche().args(["classify", "--summary", "seed.txt"])
    );
}

#[test]
fn summary_seed_csv() {
    let tmp = with_inputs("summary-csv");
    snapshot!(
        "output_summary_seed_csv",
        tmp.demarche()
            .args(["classify", "--summary", "--format", "csv", "seed.txt"])
    );
}

#[test]
fn summary_hostile_json() {
    let tmp = with_inputs("summary-json");
    snapshot!(
        "output_summary_hostile_json",
        tmp.demarche().args([
            "classify",
            "--summary",
            "--format",
            "json",
            "hostile.jsonl",
            "seed.txt"
        ])
    );
}

/// The page escapes everything the article brings; its own script is the only one.
#[test]
fn html_hostile_is_escaped() {
    let tmp = with_inputs("html-hostile");
    let (code, page) =
        stdout(
            tmp.demarche()
                .args(["classify", "--format", "html", "hostile.jsonl"]),
        );
    assert_eq!(code, Some(2));
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(page.contains("said &lt;script&gt;alert(2)&lt;/script&gt;."));
    assert!(page.contains("<span class=\"url\">javascript:alert(1)</span>"));
    assert!(page.contains("Quotes &quot;and&quot;, commas\nand a new line"));
    assert!(page.contains(&format!(
        "<code id=\"rules-hash\" title=\"demarche rules --hash\">{}</code>",
        embedded_hash()
    )));
    assert!(page.contains("error (json)"));
    assert!(
        !page.contains(" src=") && !page.contains("<link"),
        "no external asset"
    );
}

#[test]
fn html_seed_statements() {
    let tmp = with_inputs("html-seed");
    let (code, page) = stdout(
        tmp.demarche()
            .args(["classify", "--format", "html", "seed.txt"]),
    );
    assert_eq!(code, Some(0));
    let main = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
    insta::with_settings!(
        { snapshot_path => "snapshots", prepend_module_to_snapshot => false },
        { insta::assert_snapshot!("output_html_seed_articles", main) }
    );
    assert_eq!(page.matches("<div class=\"st\"").count(), 16);
}

#[test]
fn rules_hash_is_the_one_in_outputs() {
    let tmp = with_inputs("rules-hash");
    let (code, hash) = stdout(tmp.demarche().args(["rules", "--hash"]));
    assert_eq!(code, Some(0));
    let hash = hash.trim_end();
    assert_eq!(hash, embedded_hash());
    assert!(hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()));
    let (_, jsonl) = stdout(
        tmp.demarche()
            .args(["classify", "--format", "jsonl", "seed.txt"]),
    );
    let record: serde_json::Value = serde_json::from_str(jsonl.trim_end()).unwrap();
    assert_eq!(record["demarche"]["rules"], hash);
    assert_eq!(record["demarche"]["version"], env!("CARGO_PKG_VERSION"));
    // The same files read from disk hash the same as the embedded pack.
    let mut cmd = Command::new(get_cargo_bin("demarche"));
    cmd.current_dir(workspace())
        .args(["rules", "--hash", "rules"]);
    assert_eq!(stdout(&mut cmd).1.trim_end(), hash);
}

#[test]
fn rules_describes_the_pack() {
    let mut cmd = Command::new(get_cargo_bin("demarche"));
    let (code, out) = stdout(cmd.arg("rules"));
    assert_eq!(code, Some(0));
    assert!(out.starts_with(&format!("hash      {}\n", embedded_hash())));
    assert!(out.contains("\nrestraint     0256    REQUEST   "), "{out}");
}

#[test]
fn excel_needs_csv_or_tsv() {
    let tmp = with_inputs("excel-json");
    snapshot!(
        "output_excel_with_json",
        tmp.demarche()
            .args(["classify", "--format", "json", "--excel", "seed.txt"])
    );
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let mut cmd = Command::new(get_cargo_bin("demarche"));
        let (code, out) = stdout(cmd.args(["completions", shell]));
        assert_eq!(code, Some(0), "{shell}");
        assert!(out.contains("classify") && out.contains("excel"), "{shell}");
    }
    let mut cmd = Command::new(get_cargo_bin("demarche"));
    let (code, page) = stdout(cmd.arg("man"));
    assert_eq!(code, Some(0));
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "roff");
    for sub in ["classify", "check", "test", "rules", "completions", "man"] {
        assert!(page.contains(&format!(".TH demarche-{sub} 1 ")), "{sub}");
    }
}
