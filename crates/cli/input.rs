//! Reading inputs: files, folders and stdin, as plain text, JSON Lines or CSV, into articles.
//!
//! Every input unit yields exactly one [`Item`], in input order: an [`Article`] to classify
//! (with warnings about odd input), or a failed [`ArticleResult`] when it cannot be read (an
//! unreadable file, binary data, an article over `--max-article-bytes`, a malformed record).
//! Nothing is dropped silently and nothing here stops at a bad input; the caller decides the
//! exit code. Folders are walked recursively in sorted order, skipping hidden entries and not
//! following symlinked folders. Bytes become text in [`decode`]; records become articles in
//! [`fields`], read by [`jsonl`] (streamed line by line) and [`csv`] (record by record), so
//! memory stays flat however long the input is. What happens to each kind of bad input is
//! listed in `docs/reliability.md`.

use crate::args::{InputArgs, InputFormat};
use demarche_core::{Article, ArticleError, ArticleResult, ArticleWarning};
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

mod csv;
mod decode;
mod fields;
mod jsonl;

use decode::{decode, read_capped, too_large, Size};
use fields::FieldMap;
use jsonl::read_jsonl;

/// One input unit: an article, or the error record of one that could not be read.
#[derive(Debug)]
pub enum Item {
    /// An article to classify, with what was odd about its input.
    Article(Article, Vec<ArticleWarning>),
    /// An input that could not be read, already as its output record.
    Failed(ArticleResult),
}

/// How to read inputs: the format, the size limit and the field mapping.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// `--input-format`.
    pub format: InputFormat,
    /// `--max-article-bytes`.
    pub max_article_bytes: usize,
    /// `--text-field` and friends.
    pub fields: FieldMap,
}

impl InputOptions {
    /// The options given on the command line.
    pub fn from_args(format: InputFormat, args: &InputArgs) -> Self {
        InputOptions {
            format,
            max_article_bytes: args.max_article_bytes,
            fields: FieldMap::from_args(args),
        }
    }
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            format: InputFormat::Auto,
            max_article_bytes: 16 << 20,
            fields: FieldMap::default(),
        }
    }
}

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    Jsonl,
    Csv,
}

/// The id given to a plain-text article read from stdin.
const STDIN_ID: &str = "<stdin>";

/// The callback that receives every item.
type Each<'f> = &'f mut dyn FnMut(Item) -> anyhow::Result<()>;

/// Calls `f` with every input item of `paths` (stdin when empty or `-`), in order.
///
/// Only an error returned by `f` (such as a closed stdout) stops the walk.
pub fn for_each_item(paths: &[PathBuf], opts: &InputOptions, f: Each) -> anyhow::Result<()> {
    if paths.is_empty() {
        return read_stdin(opts, f);
    }
    for path in paths {
        if path.as_os_str() == "-" {
            read_stdin(opts, f)?;
        } else {
            read_path(path, opts, f)?;
        }
    }
    Ok(())
}

/// Reads a path given on the command line: a folder is walked, anything else read as a file.
fn read_path(path: &Path, opts: &InputOptions, f: Each) -> anyhow::Result<()> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => walk_dir(path, opts, f),
        Ok(meta) => read_file(path, meta.len(), opts, f),
        Err(err) => f(io_failure(path, &err)),
    }
}

/// Walks a folder recursively, in sorted order, skipping hidden entries. Symlinked folders
/// are not followed (so there are no loops); a symlink to a file is read; a dangling or
/// looping symlink gives an `io` error record.
fn walk_dir(dir: &Path, opts: &InputOptions, f: Each) -> anyhow::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return f(io_failure(dir, &err)),
    };
    let mut children = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if !is_hidden(&entry.file_name()) => children.push(entry),
            Ok(_) => {}
            Err(err) => f(io_failure(dir, &err))?,
        }
    }
    children.sort_by_key(|entry| entry.file_name());
    for entry in children {
        let path = entry.path();
        let kind = match entry.file_type() {
            Ok(kind) => kind,
            Err(err) => {
                f(io_failure(&path, &err))?;
                continue;
            }
        };
        if kind.is_dir() {
            walk_dir(&path, opts, f)?;
        } else if kind.is_file() {
            let len = entry.metadata().map_or(0, |m| m.len());
            read_file(&path, len, opts, f)?;
        } else if kind.is_symlink() {
            match fs::metadata(&path) {
                Ok(meta) if meta.is_file() => read_file(&path, meta.len(), opts, f)?,
                Ok(_) => {} // a symlinked folder or device: not followed, as ripgrep does
                Err(err) => f(io_failure(&path, &err))?,
            }
        }
        // Sockets, FIFOs and devices inside a folder are skipped: they are not articles.
    }
    Ok(())
}

/// True for names starting with a dot.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// How `path` is read under `format`.
fn shape_of(path: &Path, format: InputFormat) -> Shape {
    let ext = |e: &str| {
        path.extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case(e))
    };
    match format {
        InputFormat::Text => Shape::Text,
        InputFormat::Jsonl => Shape::Jsonl,
        InputFormat::Csv => Shape::Csv,
        InputFormat::Auto if ext("jsonl") || ext("ndjson") => Shape::Jsonl,
        InputFormat::Auto if ext("csv") => Shape::Csv,
        InputFormat::Auto => Shape::Text,
    }
}

/// Reads one file of `len` bytes (as its metadata says), as records or as one text article.
///
/// A `*.gz` file is decompressed as it is read (several gzip members in a row too, as `cat
/// a.gz b.gz` makes), and its format is that of the name without `.gz` (`news.jsonl.gz`).
fn read_file(path: &Path, len: u64, opts: &InputOptions, f: Each) -> anyhow::Result<()> {
    let name = path.display().to_string();
    let gz = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
    let inner = if gz {
        path.with_extension("")
    } else {
        path.to_path_buf()
    };
    let shape = shape_of(&inner, opts.format);
    let cap = opts.max_article_bytes;
    if !gz && shape == Shape::Text && len > cap as u64 {
        // Refused without reading it.
        let error = too_large(&name, Size::Exactly(len), cap, None);
        return f(Item::Failed(ArticleResult::failed(name, error)));
    }
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(err) => return f(io_failure(path, &err)),
    };
    let reader: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
    } else {
        Box::new(file)
    };
    match shape {
        Shape::Jsonl => read_jsonl(BufReader::new(reader), &name, opts, f),
        Shape::Csv => csv::read_csv(reader, &name, opts, f),
        Shape::Text => read_text(reader, name, cap, f),
    }
}

/// Reads one plain-text article of at most `cap` bytes.
fn read_text(reader: impl Read, name: String, cap: usize, f: Each) -> anyhow::Result<()> {
    let item = match read_capped(reader, cap) {
        Ok(Ok(bytes)) => match decode(bytes, &name) {
            Ok((text, warnings)) => Item::Article(Article::new(name, text), warnings),
            Err(error) => Item::Failed(ArticleResult::failed(name, error)),
        },
        Ok(Err(size)) => {
            let error = too_large(&name, size, cap, None);
            Item::Failed(ArticleResult::failed(name, error))
        }
        Err(err) => io_failure(Path::new(&name), &err),
    };
    f(item)
}

/// Reads stdin; under `auto`, JSON Lines when its first non-blank character is `{`.
fn read_stdin(opts: &InputOptions, f: Each) -> anyhow::Result<()> {
    let mut stdin = io::stdin().lock();
    let (prefix, shape) = match opts.format {
        InputFormat::Text => (Vec::new(), Shape::Text),
        InputFormat::Jsonl => (Vec::new(), Shape::Jsonl),
        InputFormat::Csv => (Vec::new(), Shape::Csv),
        InputFormat::Auto => match sniff_jsonl(&mut stdin) {
            Ok((prefix, true)) => (prefix, Shape::Jsonl),
            Ok((prefix, false)) => (prefix, Shape::Text),
            Err(err) => return f(io_failure(Path::new(STDIN_ID), &err)),
        },
    };
    let reader = io::Cursor::new(prefix).chain(stdin);
    match shape {
        Shape::Jsonl => read_jsonl(reader, STDIN_ID, opts, f),
        Shape::Csv => csv::read_csv(reader, STDIN_ID, opts, f),
        Shape::Text => read_text(reader, STDIN_ID.to_string(), opts.max_article_bytes, f),
    }
}

/// Consumes the leading blank bytes (and a BOM) of `reader` and tells whether the first other
/// byte is `{`. Returns the consumed bytes, so that a text article keeps its exact offsets.
fn sniff_jsonl(reader: &mut impl BufRead) -> io::Result<(Vec<u8>, bool)> {
    let mut prefix = Vec::new();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((prefix, false));
        }
        let blank = buf
            .iter()
            .take_while(|b| b.is_ascii_whitespace() || matches!(b, 0xEF | 0xBB | 0xBF))
            .count();
        if blank < buf.len() {
            let first = buf[blank];
            prefix.extend_from_slice(&buf[..blank]);
            reader.consume(blank);
            return Ok((prefix, first == b'{'));
        }
        prefix.extend_from_slice(buf);
        let n = buf.len();
        reader.consume(n);
    }
}

/// The error record of an input that could not be read at all.
fn io_failure(path: &Path, err: &io::Error) -> Item {
    let name = path.display().to_string();
    let message = format!("cannot read {name}: {err}");
    failure(name, "io", message, None)
}

/// An error record with no metadata.
fn failure(id: String, kind: &str, message: String, line: Option<usize>) -> Item {
    let error = ArticleError {
        kind: kind.to_string(),
        message,
        line,
    };
    Item::Failed(ArticleResult::failed(id, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_keeps_the_blank_prefix() {
        let mut r: &[u8] = b"  \n{\"id\":1}";
        assert_eq!(sniff_jsonl(&mut r).unwrap(), (b"  \n".to_vec(), true));
        assert_eq!(r, b"{\"id\":1}");
        let mut r: &[u8] = b"\n The UN";
        assert_eq!(sniff_jsonl(&mut r).unwrap(), (b"\n ".to_vec(), false));
        let mut r: &[u8] = b"";
        assert_eq!(sniff_jsonl(&mut r).unwrap(), (Vec::new(), false));
    }

    #[test]
    fn auto_picks_the_shape_by_extension() {
        let cases = [
            ("a/b.JSONL", InputFormat::Auto, Shape::Jsonl),
            ("b.ndjson", InputFormat::Auto, Shape::Jsonl),
            ("b.csv", InputFormat::Auto, Shape::Csv),
            ("b.txt", InputFormat::Auto, Shape::Text),
            ("b", InputFormat::Auto, Shape::Text),
            ("b.jsonl", InputFormat::Text, Shape::Text),
            ("b.txt", InputFormat::Csv, Shape::Csv),
            ("b.csv", InputFormat::Jsonl, Shape::Jsonl),
        ];
        for (path, format, want) in cases {
            assert_eq!(shape_of(Path::new(path), format), want, "{path} {format:?}");
        }
        assert!(is_hidden(std::ffi::OsStr::new(".git")));
    }
}
