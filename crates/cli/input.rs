//! Reading inputs: files, folders and stdin, as plain text or JSON Lines, into articles.
//!
//! Every input unit yields exactly one [`Item`], in input order: an [`Article`] to classify, or a
//! failed [`ArticleResult`] when it cannot be read (an unreadable file, a malformed JSON Lines
//! record). Nothing is dropped silently and nothing here stops at a bad input; the caller
//! decides the exit code. Folders are walked recursively in sorted order, skipping hidden
//! entries and not following symlinked folders. JSON Lines is streamed line by line (records
//! are parsed in [`jsonl`]), so memory stays flat however long the input is.

use crate::args::InputFormat;
use demarche_core::{Article, ArticleError, ArticleResult};
use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

mod jsonl;

use jsonl::read_jsonl;

/// One input unit: an article, or the error record of one that could not be read.
#[derive(Debug)]
pub enum Item {
    /// An article to classify.
    Article(Article),
    /// An input that could not be read, already as its output record.
    Failed(ArticleResult),
}

/// The id given to a plain-text article read from stdin.
const STDIN_ID: &str = "<stdin>";

/// Calls `f` with every input item of `paths` (stdin when empty or `-`), in order.
///
/// Only an error returned by `f` (such as a closed stdout) stops the walk.
pub fn for_each_item(
    paths: &[PathBuf],
    format: InputFormat,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if paths.is_empty() {
        return read_stdin(format, f);
    }
    for path in paths {
        if path.as_os_str() == "-" {
            read_stdin(format, f)?;
        } else {
            read_path(path, format, f)?;
        }
    }
    Ok(())
}

/// Reads a path given on the command line: a folder is walked, anything else read as a file.
fn read_path(
    path: &Path,
    format: InputFormat,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => walk_dir(path, format, f),
        Ok(_) => read_file(path, format, f),
        Err(err) => f(io_failure(path, &err)),
    }
}

/// Walks a folder recursively, in sorted order, skipping hidden entries.
fn walk_dir(
    dir: &Path,
    format: InputFormat,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
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
        let Ok(kind) = entry.file_type() else {
            f(io_failure(
                &path,
                &io::Error::other("cannot tell the file type"),
            ))?;
            continue;
        };
        if kind.is_dir() {
            walk_dir(&path, format, f)?;
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            read_file(&path, format, f)?;
        }
        // Symlinked folders, sockets, FIFOs and dangling links are skipped, as ripgrep does.
    }
    Ok(())
}

/// True for names starting with a dot.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// True when `path` should be read as JSON Lines under `format`.
fn is_jsonl_path(path: &Path, format: InputFormat) -> bool {
    match format {
        InputFormat::Text => false,
        InputFormat::Jsonl => true,
        InputFormat::Auto => path.extension().is_some_and(|ext| {
            ext.eq_ignore_ascii_case("jsonl") || ext.eq_ignore_ascii_case("ndjson")
        }),
    }
}

/// Reads one file, as JSON Lines or as one plain-text article.
fn read_file(
    path: &Path,
    format: InputFormat,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let name = path.display().to_string();
    if is_jsonl_path(path, format) {
        match fs::File::open(path) {
            Ok(file) => read_jsonl(BufReader::new(file), &name, f),
            Err(err) => f(io_failure(path, &err)),
        }
    } else {
        match fs::read(path) {
            Ok(bytes) => f(Item::Article(Article::new(name, decode(bytes)))),
            Err(err) => f(io_failure(path, &err)),
        }
    }
}

/// Reads stdin; under `auto`, JSON Lines when its first non-blank character is `{`.
fn read_stdin(
    format: InputFormat,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut stdin = io::stdin().lock();
    let (prefix, jsonl) = match format {
        InputFormat::Text => (Vec::new(), false),
        InputFormat::Jsonl => (Vec::new(), true),
        InputFormat::Auto => match sniff_jsonl(&mut stdin) {
            Ok(found) => found,
            Err(err) => return f(io_failure(Path::new(STDIN_ID), &err)),
        },
    };
    let mut reader = io::Cursor::new(prefix).chain(stdin);
    if jsonl {
        return read_jsonl(reader, STDIN_ID, f);
    }
    let mut bytes = Vec::new();
    match reader.read_to_end(&mut bytes) {
        Ok(_) => f(Item::Article(Article::new(STDIN_ID, decode(bytes)))),
        Err(err) => f(io_failure(Path::new(STDIN_ID), &err)),
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

/// Decodes article bytes: strips a UTF-8 BOM, replaces invalid UTF-8 with U+FFFD.
fn decode(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

/// The error record of an input that could not be read at all.
fn io_failure(path: &Path, err: &io::Error) -> Item {
    let name = path.display().to_string();
    let message = format!("cannot read {name}: {err}");
    failure(name, "io", message, None)
}

/// An error record.
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
    fn decode_strips_bom_and_is_lossy() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc".to_vec()), "abc");
        assert_eq!(decode(b"a\xFFb".to_vec()), "a\u{FFFD}b");
    }

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
    fn auto_picks_jsonl_by_extension() {
        assert!(is_jsonl_path(Path::new("a/b.JSONL"), InputFormat::Auto));
        assert!(is_jsonl_path(Path::new("b.ndjson"), InputFormat::Auto));
        assert!(!is_jsonl_path(Path::new("b.txt"), InputFormat::Auto));
        assert!(!is_jsonl_path(Path::new("b.jsonl"), InputFormat::Text));
        assert!(is_hidden(std::ffi::OsStr::new(".git")));
    }
}
