//! The benchmark corpus: N MB of JSON Lines articles built from shuffled paragraphs of the
//! project's own articles (`tests/corpus/*.txt` and the texts of `tests/gold/*.jsonl`).
//!
//! The project's articles are dense in stance phrases, so the corpus is too (the issue's
//! reference corpus has about one stance phrase every two sentences). Output is streamed: one
//! article is held in memory at a time, whatever the size asked for. The same paragraphs and
//! seed give the same bytes.

use crate::rng::SplitMix64;
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Smallest and largest article text, in bytes (before JSON escaping).
const MIN_ARTICLE: usize = 2_048;
const MAX_ARTICLE: usize = 8_192;

/// Paragraphs to build articles from.
#[derive(Debug, Default)]
pub struct Paragraphs {
    /// First paragraphs of the source articles that read like headlines.
    pub headlines: Vec<String>,
    /// Every other paragraph, without repeats, in the order first seen.
    pub body: Vec<String>,
}

impl Paragraphs {
    /// Reads the articles of `paths` (folders are read one level deep, in sorted order): `.txt`
    /// files are one article each, `.jsonl` / `.ndjson` files one article per line (`text`).
    pub fn load(paths: &[PathBuf]) -> Result<Paragraphs> {
        let mut texts = Vec::new();
        for path in paths {
            if path.is_dir() {
                let mut files: Vec<PathBuf> = std::fs::read_dir(path)
                    .with_context(|| format!("reading {}", path.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file())
                    .collect();
                files.sort();
                for f in files {
                    read_articles(&f, &mut texts)?;
                }
            } else {
                read_articles(path, &mut texts)?;
            }
        }
        let paras = Self::from_texts(&texts);
        anyhow::ensure!(
            !paras.body.is_empty() && !paras.headlines.is_empty(),
            "no articles found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(paras)
    }

    /// Splits texts into paragraphs (at blank lines) and sorts out headlines.
    pub fn from_texts(texts: &[String]) -> Paragraphs {
        let mut seen = HashSet::new();
        let mut out = Paragraphs::default();
        for text in texts {
            let text = text.replace("\r\n", "\n");
            for (i, para) in text.split("\n\n").enumerate() {
                let para = para.trim();
                if para.is_empty() || !seen.insert(para.to_string()) {
                    continue;
                }
                if i == 0 && is_headline(para) {
                    out.headlines.push(para.to_string());
                } else {
                    out.body.push(para.to_string());
                }
            }
        }
        out
    }
}

/// One line, short, and not ending like a sentence.
fn is_headline(para: &str) -> bool {
    !para.contains('\n') && para.len() < 200 && !para.ends_with('.')
}

fn read_articles(path: &Path, texts: &mut Vec<String>) -> Result<()> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let read =
        || std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()));
    match ext {
        "txt" => texts.push(read()?),
        "jsonl" | "ndjson" => {
            for line in read()?.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line)
                    .with_context(|| format!("{}: a line is not JSON", path.display()))?;
                if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                    texts.push(t.to_string());
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// What [`write_corpus`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Articles (lines).
    pub articles: u64,
    /// Bytes, newlines included.
    pub bytes: u64,
}

/// A writer that counts what goes through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Deals paragraphs from a shuffled deck, reshuffled each time it runs out, so every paragraph
/// is used about equally often.
struct Deck<'a> {
    items: &'a [String],
    order: Vec<usize>,
    next: usize,
}

impl<'a> Deck<'a> {
    fn new(items: &'a [String]) -> Self {
        Deck {
            items,
            order: (0..items.len()).collect(),
            next: items.len(),
        }
    }

    fn deal(&mut self, rng: &mut SplitMix64) -> &'a str {
        if self.next == self.order.len() {
            rng.shuffle(&mut self.order);
            self.next = 0;
        }
        self.next += 1;
        &self.items[self.order[self.next - 1]]
    }
}

/// Writes about `target` bytes of JSON Lines to `out`: articles of 2-8 KB, each a headline and
/// shuffled body paragraphs, with unique ids `bench-SEED-N`. The last article is cut short so
/// that the total lands within a paragraph or so of `target`.
pub fn write_corpus<W: Write>(
    paras: &Paragraphs,
    target: u64,
    seed: u64,
    out: W,
) -> io::Result<Written> {
    let mut rng = SplitMix64::new(seed);
    let mut body = Deck::new(&paras.body);
    let mut heads = Deck::new(&paras.headlines);
    let mut out = Counting {
        inner: out,
        bytes: 0,
    };
    let mut articles = 0u64;
    let mut text = String::with_capacity(MAX_ARTICLE + 4_096);
    while out.bytes < target {
        let left = (target - out.bytes) as usize;
        let size = rng
            .range(MIN_ARTICLE, MAX_ARTICLE)
            .min(left.saturating_sub(150));
        let title = heads.deal(&mut rng);
        text.clear();
        text.push_str(title);
        while text.len() < size {
            text.push_str("\n\n");
            text.push_str(body.deal(&mut rng));
        }
        let day = articles % 28 + 1;
        let month = articles / 28 % 12 + 1;
        let record = serde_json::json!({
            "id": format!("bench-{seed}-{articles:08}"),
            "title": title,
            "date": format!("2025-{month:02}-{day:02}"),
            "text": text,
        });
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
        articles += 1;
    }
    out.flush()?;
    Ok(Written {
        articles,
        bytes: out.bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_paragraphs() -> Paragraphs {
        let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
        Paragraphs::load(&[tests.join("corpus"), tests.join("gold")]).unwrap()
    }

    fn corpus(paras: &Paragraphs, bytes: u64, seed: u64) -> (Vec<u8>, Written) {
        let mut buf = Vec::new();
        let w = write_corpus(paras, bytes, seed, &mut buf).unwrap();
        (buf, w)
    }

    #[test]
    fn loads_the_project_articles_without_repeats() {
        let p = project_paragraphs();
        // The 14 articles of tests/corpus (their texts are in corpus.gold.jsonl too, and are
        // read once), and the articles of the other gold files.
        assert!(p.headlines.len() >= 14, "{:?}", p.headlines);
        let headlines: HashSet<_> = p.headlines.iter().collect();
        assert_eq!(headlines.len(), p.headlines.len(), "a headline read twice");
        assert!(p.body.len() > 100);
        let unique: HashSet<_> = p.body.iter().collect();
        assert_eq!(unique.len(), p.body.len());
    }

    #[test]
    fn fixed_seed_is_deterministic() {
        let p = project_paragraphs();
        let (a, _) = corpus(&p, 200_000, 42);
        let (b, _) = corpus(&p, 200_000, 42);
        let (c, _) = corpus(&p, 200_000, 43);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn valid_json_lines_with_unique_ids_and_realistic_sizes() {
        let p = project_paragraphs();
        let (buf, w) = corpus(&p, 1_000_000, 7);
        let text = String::from_utf8(buf).unwrap();
        let mut ids = HashSet::new();
        let mut lines = 0;
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(ids.insert(v["id"].as_str().unwrap().to_string()));
            let len = v["text"].as_str().unwrap().len();
            assert!(len <= MAX_ARTICLE + 2_500, "{len}");
            lines += 1;
        }
        assert_eq!(lines, w.articles);
        let mean = w.bytes / w.articles;
        assert!((2_000..=9_000).contains(&mean), "mean article {mean} bytes");
    }

    #[test]
    fn size_is_close_to_the_request() {
        let p = project_paragraphs();
        for target in [50_000u64, 1_000_000, 3_000_000] {
            let (buf, w) = corpus(&p, target, 1);
            assert_eq!(buf.len() as u64, w.bytes);
            assert!(w.bytes >= target, "{} < {target}", w.bytes);
            assert!(w.bytes - target < 3_000, "{} for {target}", w.bytes);
        }
    }
}
