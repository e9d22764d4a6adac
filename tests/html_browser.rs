//! The HTML report in a real browser: generates pages with the CLI, loads each in headless
//! Chromium with `#selftest` (the page's own probe, in `crates/cli/output/html/report.js`),
//! and checks the rendered DOM: every matrix count equals the statements it filters, a click
//! on a cell shows exactly that many statements and a second click shows all again, article
//! text stays text, and nothing is logged to the console.
//!
//! Chromium comes from Debian (`.ci/run` installs it when `/usr/bin/chromium` is missing).
//! `DEMARCHE_CHROMIUM` names another binary. Without one, the test fails when `CI` is set and
//! otherwise says loudly on stderr that it skipped.

mod common;

use common::TempDir;
use insta_cmd::get_cargo_bin;
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
    let url = format!("file://{}#selftest", page.display());
    let mut child = Command::new(browser)
        .args([
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
        .args(["--dump-dom", &url])
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
            .starts_with("Showing 2 of 17 statements (RUS, restraint)"),
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
