//! The HTML report in a real browser: generates pages with the CLI, loads each in headless
//! Chromium with `#selftest` (the page's own probe, in `crates/cli/output/html/report.js`),
//! and checks the rendered DOM: every matrix count equals the statements it filters, a click
//! on a cell shows exactly that many statements and a second click shows all again, each
//! option of each filter, the search and a date range show the counts the JSON Lines output
//! says, the timeline's bars sum to the stances shown, the CSV export has one row per
//! statement shown, nothing is cut off at 1,280 px, hostile input in every field and every
//! error path runs no script, an injected script does not run under the page's policy, and
//! nothing is logged to the console. Screenshots go to `target/tmp/report-*.png`.
//!
//! Chromium comes from Debian (`.ci/run` installs it when `/usr/bin/chromium` is missing).
//! `DEMARCHE_CHROMIUM` names another binary. Without one, the test fails when `CI` is set and
//! otherwise says loudly on stderr that it skipped.

mod common;

use common::TempDir;
use insta_cmd::get_cargo_bin;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SEED: &str = "tests/corpus/karabakh-restraint.txt";

/// Hostile metadata and text, an article with no statement, and a line that is not JSON.
const HOSTILE: &str = concat!(
    r#"{"id": "<img src=x onerror=alert(1)>", "title": "</title><script>document.title='pwned'</script>", "url": "javascript:alert(1)", "text": "The UN urged both sides to exercise restraint, Dujarric said <script>document.body.innerHTML='pwned'</script>."}"#,
    "\n",
    r#"{"id": "quiet", "text": "Nothing happened on Tuesday."}"#,
    "\n",
    r#"{"id": "broken", "text": "#,
    "\n",
);

/// Five statements, five actors, five labels.
const FIVE: &str = "The UN urged both sides to exercise restraint, Dujarric said.\n\n\
    Russia expressed concern about the clashes.\n\nThe EU called for an immediate ceasefire.\n\n\
    The US condemned the attack.\n\nChina offered to mediate between the parties.";

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DEMARCHE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    for name in ["chromium", "chromium-browser", "google-chrome", "chrome"] {
        for dir in dirs
            .iter()
            .map(PathBuf::as_path)
            .chain([Path::new("/usr/bin")])
        {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs `demarche classify --format html ARGS` in `dir` and writes the page to `report.html`.
fn report(dir: &Path, args: &[&str]) -> PathBuf {
    let out = Command::new(get_cargo_bin("demarche"))
        .current_dir(dir)
        .args(["classify", "--format", "html"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        !out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = dir.join("report.html");
    fs::write(&page, &out.stdout).unwrap();
    page
}

/// What the browser saw: the DOM after scripts ran, and Chromium's log.
struct Loaded {
    dom: String,
    log: String,
}

/// Loads `page#selftest` in headless Chromium, with no network and a throwaway profile.
fn load(browser: &Path, dir: &Path, page: &Path) -> Loaded {
    load_with(browser, dir, page, "selftest", &["--dump-dom"])
}

/// Loads `page#FRAGMENT` in headless Chromium at 1,280 × 900 px, with `extra` arguments.
fn load_with(browser: &Path, dir: &Path, page: &Path, fragment: &str, extra: &[&str]) -> Loaded {
    let url = format!("file://{}#{fragment}", page.display());
    let mut child = Command::new(browser)
        .args([
            "--window-size=1280,900",
            "--hide-scrollbars",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish in 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Loaded {
        dom: out.join().unwrap(),
        log: err.join().unwrap(),
    }
}

/// The `#selftest` result written into the page.
fn selftest(loaded: &Loaded) -> serde_json::Value {
    let console: Vec<&str> = loaded
        .log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console output: {console:#?}");
    let start = loaded
        .dom
        .rfind("<pre id=\"selftest\">")
        .unwrap_or_else(|| panic!("no selftest result in the DOM; log:\n{}", loaded.log))
        + "<pre id=\"selftest\">".len();
    let end = start + loaded.dom[start..].find("</pre>").unwrap();
    let json = loaded.dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["errors"], serde_json::json!([]), "{v}");
    assert_eq!(v["mismatches"], serde_json::json!([]), "{v}");
    assert_eq!(v["statements"], v["header"], "{v}");
    assert_eq!(v["visible"], v["clicked"]["count"], "{v}");
    assert_eq!(v["pressed"], "true", "{v}");
    assert_eq!(v["afterSecondClick"], v["statements"], "{v}");
    v
}

fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium not found: CI must install it (apt-get install -y chromium)"
        );
        eprintln!("SKIPPED: no chromium (install it, or set DEMARCHE_CHROMIUM) — html_browser");
    }
    found
}

#[test]
fn report_filters_and_escapes_in_a_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = TempDir::new("small");
    fs::write(tmp.0.join("hostile.jsonl"), HOSTILE).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED);
    fs::copy(seed, tmp.0.join("seed.txt")).unwrap();
    let page = report(&tmp.0, &["seed.txt", "hostile.jsonl"]);
    let loaded = load(&browser, &tmp.0, &page);
    let v = selftest(&loaded);
    assert_eq!(v["statements"], 17, "{v}");
    assert!(v["buttons"].as_u64().unwrap() > 10, "{v}");
    assert_eq!(
        v["clicked"]["actor"], "RUS",
        "the first row: most statements"
    );
    assert!(
        v["status"]
            .as_str()
            .unwrap()
            .starts_with("Showing 2 of 17 statements ("),
        "{v}"
    );
    let dom = &loaded.dom;
    assert!(
        dom.contains("<title>demarche report</title>"),
        "the title survived"
    );
    assert!(!dom.contains("pwned</"), "no injected script ran");
    assert!(dom.contains("said &lt;script&gt;document.body.innerHTML='pwned'&lt;/script&gt;."));
    assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert_eq!(
        dom.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert_eq!(dom.matches("<img").count(), 0);
}

/// 10,000 statements: the page loads, every count checks out, and a filter click stays fast.
#[test]
fn report_with_ten_thousand_statements() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = TempDir::new("large");
    let mut input = String::new();
    for i in 0..2000 {
        let record = serde_json::json!({"id": format!("a{i}"), "title": format!("Article {i}"), "text": FIVE});
        input.push_str(&record.to_string());
        input.push('\n');
    }
    fs::write(tmp.0.join("big.jsonl"), input).unwrap();
    let page = report(&tmp.0, &["big.jsonl"]);
    let loaded = load(&browser, &tmp.0, &page);
    let v = selftest(&loaded);
    assert_eq!(v["statements"], 10_000, "{v}");
    assert_eq!(v["clicked"]["count"], 2000, "{v}");
    assert_eq!(v["visibleArticles"], 2000, "{v}");
    let ms = v["filterMs"].as_u64().unwrap();
    assert!(ms < 2000, "a filter click took {ms} ms");
    eprintln!("10,000 statements: filter click {ms} ms");
}

/// Dated articles from JSON Lines (with `--title-field headline`) and CSV, with one statement
/// by two actors: the inputs of the filter, timeline and layout tests.
fn dated_inputs(dir: &Path) {
    let sentences = [
        "The UN urged both sides to exercise restraint.",
        "The EU called for an immediate ceasefire.",
        "Russia called for a return to the negotiating table.",
        "Turkey expressed concern about the clashes.",
        "The US condemned the attack.",
        "Qatar offered to mediate between the parties.",
        "The WHO called for unimpeded humanitarian access.",
        "France reaffirmed its support for the sovereignty of Armenia.",
        "Britain demanded the withdrawal of all foreign troops.",
        "Germany urged both sides to comply with the agreement.",
        "Japan offered its condolences to the families of the victims.",
        "World powers called for restraint.",
        "The US and Russia urged both sides to exercise restraint and expressed concern.",
    ];
    let mut jsonl = String::new();
    for (i, chunk) in sentences.chunks(2).enumerate() {
        let record = serde_json::json!({
            "id": format!("news-{i}"),
            "headline": format!("Headline {i}"),
            "date": format!("2024-05-{:02}T08:00:00Z", 1 + 3 * i),
            "url": format!("https://example.org/{i}"),
            "text": chunk.join("\n\n"),
        });
        jsonl.push_str(&record.to_string());
        jsonl.push('\n');
    }
    jsonl.push_str(
        "{\"id\": \"undated\", \"text\": \"Turkey expressed concern about the violence.\"}\n",
    );
    fs::write(dir.join("dated.jsonl"), jsonl).unwrap();
    let csv = "id,headline,date,url,text\n\
               csv-1,From a CSV,2024-06-20,https://example.org/csv,\"Qatar offered to mediate between the parties, its ministry said.\"\n";
    fs::write(dir.join("dated.csv"), csv).unwrap();
}

/// The counts the JSON Lines output of the same run gives for each filter of the page.
fn expected_counts(
    dir: &Path,
    args: &[&str],
    q: &str,
    from: &str,
    to: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let out = Command::new(get_cargo_bin("demarche"))
        .current_dir(dir)
        .args(["classify", "--format", "jsonl"])
        .args(args)
        .output()
        .unwrap();
    let mut counts = BTreeMap::<String, usize>::new();
    let mut bump = |k: String| *counts.entry(k).or_insert(0) += 1;
    for (n, line) in String::from_utf8(out.stdout).unwrap().lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let date = v["date"].as_str().unwrap_or("");
        for st in v["statements"].as_array().unwrap() {
            let list = |k: &str| -> Vec<String> {
                let codes: Vec<String> = st[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect();
                if codes.is_empty() {
                    vec!["-".into()]
                } else {
                    codes
                }
            };
            bump(format!("article:{}", n + 1));
            list("actors")
                .into_iter()
                .for_each(|a| bump(format!("actor:{a}")));
            list("targets")
                .into_iter()
                .for_each(|t| bump(format!("target:{t}")));
            let mut labels: Vec<&str> = st["stances"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["label"].as_str().unwrap())
                .collect();
            labels.dedup();
            labels.iter().for_each(|l| bump(format!("label:{l}")));
            let speaker = st["speaker"]["text"].as_str().unwrap_or("");
            let hay = format!("{speaker}\n{}", st["text"].as_str().unwrap()).to_lowercase();
            if hay.contains(&q.to_lowercase()) {
                bump(format!("q:{q}"));
            }
            let day = date.get(..10).unwrap_or("");
            if !day.is_empty() && day >= from && day <= to {
                bump("dates".into());
            }
            bump("all".into());
        }
    }
    counts.into_iter().map(|(k, n)| (k, n.into())).collect()
}

/// Each option of each filter, the search and a date range show what the data says; the
/// timeline's bars sum to the stances shown; the CSV export has one row per statement shown;
/// titles and links of JSON Lines (`--title-field`) and CSV inputs are on the page.
#[test]
fn report_filters_search_dates_and_timeline_match_the_data() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = TempDir::new("filters");
    dated_inputs(&tmp.0);
    let args = ["--title-field", "headline", "dated.jsonl", "dated.csv"];
    let page = report(&tmp.0, &args);
    let (q, from, to) = ("Restraint", "2024-05-04", "2024-05-10");
    let fragment = format!("selftest&q={q}&from={from}&to={to}");
    let loaded = load_with(&browser, &tmp.0, &page, &fragment, &["--dump-dom"]);
    let v = selftest(&loaded);
    let want = expected_counts(&tmp.0, &args, q, from, to);
    let got = v["counts"].as_object().unwrap();
    assert_eq!(
        got, &want,
        "page counts (left) against the JSON Lines output (right)"
    );
    assert!(want.len() > 25, "every filter has options: {want:?}");
    assert_eq!(v["timeline"], true, "{v}");
    assert_eq!(v["timelineMismatches"], serde_json::json!([]), "{v}");
    assert_eq!(v["csvMismatches"], serde_json::json!([]), "{v}");
    let stances = |k: &str| v["timelineSums"][k].as_u64().unwrap();
    assert_eq!(stances("all"), 15, "every dated stance is in a bar: {v}");
    let dom = &loaded.dom;
    for shown in [
        "Headline 0",
        "From a CSV",
        "href=\"https://example.org/csv\"",
        "href=\"https://example.org/3\"",
    ] {
        assert!(dom.contains(shown), "{shown} is on the page");
    }
}

/// At 1,280 px nothing of the matrix is cut off (eleven labels, the `(no actor)` row), and the
/// page does not scroll sideways; screenshots of the matrix with a filter on and of the
/// timeline are saved under `target/tmp/` to look at.
#[test]
fn report_fits_1280_px_and_is_screenshotted() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = TempDir::new("layout");
    dated_inputs(&tmp.0);
    let page = report(
        &tmp.0,
        &["--title-field", "headline", "dated.jsonl", "dated.csv"],
    );
    let loaded = load(&browser, &tmp.0, &page);
    let v = selftest(&loaded);
    let layout = &v["layout"];
    assert_eq!(layout["viewport"], 1280, "{layout}");
    assert!(
        layout["page"].as_u64().unwrap() <= 1280,
        "the page scrolls sideways: {layout}"
    );
    assert!(
        layout["matrixScroll"].as_u64().unwrap() <= layout["matrixClient"].as_u64().unwrap(),
        "the matrix scrolls sideways: {layout}"
    );
    assert_eq!(layout["cutHeaders"], serde_json::json!([]), "{layout}");
    assert!(layout["noActorRight"].as_u64().unwrap() <= 1280, "{layout}");
    assert!(layout["noActorHeight"].as_u64().unwrap() > 0, "{layout}");
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"));
    for (name, fragment, height) in [
        ("report-matrix-filtered", "actor=RUS&label=restraint", "900"),
        ("report-timeline", "from=2024-05-01&to=2024-05-31", "1400"),
    ] {
        let png = shots.join(format!("{name}.png"));
        let _ = fs::remove_file(&png);
        let size = format!("--window-size=1280,{height}");
        let shot = format!("--screenshot={}", png.display());
        load_with(&browser, &tmp.0, &page, fragment, &[&size, &shot]);
        assert!(
            fs::metadata(&png)
                .map(|m| m.len() > 10_000)
                .unwrap_or(false),
            "{}",
            png.display()
        );
    }
}

/// A hostile value in every field (id, title, date, URL, text, speaker) and every error path
/// (a binary file and a missing file named like markup, broken JSON, a record without text, a
/// CSV record of the wrong width) is shown as text: no script runs and the title stays.
#[test]
fn hostile_values_in_every_field_and_error_run_no_script() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = TempDir::new("hostile-all");
    let h = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>";
    let record = serde_json::json!({
        "id": h, "headline": h, "date": format!("2024-05-01{h}"), "url": format!("https://x.org/\"{h}"),
        "text": format!("{h} The UN urged both sides to exercise restraint, <b onmouseover=\"document.title='pwned'\">Dujarric</b> said {h}."),
    });
    let missing = serde_json::json!({"id": h, "headline": h, "body": "x"});
    let jsonl = format!(
        "{record}\n{missing}\n{{\"id\": \"{}\", \"text\": \n",
        h.replace('"', "\\\"")
    );
    fs::write(tmp.0.join("hostile.jsonl"), jsonl).unwrap();
    let csv = format!(
        "id,headline,text\n\"{0}\",\"{0}\",\"Russia expressed concern {0}.\"\n\"{0}\",only two\n",
        h.replace('"', "\"\"")
    );
    fs::write(tmp.0.join("hostile.csv"), csv).unwrap();
    let binary = "<img src=x onerror=document.title='pwned'>.txt";
    fs::write(
        tmp.0.join(binary),
        b"The UN urged restraint.\0<script>document.title='pwned'</script>",
    )
    .unwrap();
    let absent = "<svg onload=document.title='pwned'>.txt";
    let page = report(
        &tmp.0,
        &[
            "--title-field",
            "headline",
            "hostile.jsonl",
            "hostile.csv",
            binary,
            absent,
        ],
    );
    let html = fs::read_to_string(&page).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );
    assert!(!html.contains("<img") && !html.contains("<svg") && !html.contains("<b onmouseover"));
    let loaded = load(&browser, &tmp.0, &page);
    let v = selftest(&loaded);
    assert_eq!(v["title"], "demarche report", "{v}");
    assert!(
        loaded.dom.contains("<title>demarche report</title>"),
        "no script changed the title"
    );
    for error in ["binary", "io", "json", "missing-field", "csv"] {
        assert!(
            loaded.dom.contains(&format!("error ({error})")),
            "{error} error shown"
        );
    }
}

/// Even after an escaping slip, the page's policy lets no injected script or inline handler
/// run: markup injected into a generated page does nothing, and the page's own script still
/// runs (it is allowed by its hash).
#[test]
fn the_policy_blocks_injected_script_after_a_slip() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let tmp = TempDir::new("slip");
    fs::write(
        tmp.0.join("one.txt"),
        "The UN urged both sides to exercise restraint.",
    )
    .unwrap();
    let page = report(&tmp.0, &["one.txt"]);
    let html = fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("script-src 'sha256-"),
        "the policy names the script by hash"
    );
    assert!(!html.contains("script-src 'unsafe-inline'"));
    let slip = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>\
                <svg onload=\"document.title='pwned'\"></svg><iframe srcdoc=\"<script>parent.document.title='pwned'</script>\"></iframe>";
    let injected = html.replacen(
        "<main id=\"articles\">",
        &format!("<main id=\"articles\">{slip}"),
        1,
    );
    assert_ne!(injected, html);
    fs::write(&page, injected).unwrap();
    let loaded = load(&browser, &tmp.0, &page);
    assert!(
        loaded.dom.contains("<title>demarche report</title>"),
        "an injected script ran"
    );
    assert!(
        loaded.dom.contains("<pre id=\"selftest\">"),
        "the page's own script did not run"
    );
}
