//! CSV input (RFC 4180, through the `csv` crate): a header row, then one article per record.
//!
//! Columns are found by their header name (`--text-field` and friends; a name is matched
//! exactly, with no dotted paths). Each record yields one [`Item`]: an article, or an error
//! record with the record's 1-based starting line for a record with the wrong number of
//! fields (kind `csv`), an empty or missing text column (kind `missing-field`, except that an
//! empty cell is an empty article), a text holding NUL (kind `binary`) or a record over
//! `--max-article-bytes` (kind `too-large`). Invalid UTF-8 is decoded lossily with a `utf8`
//! warning. Empty metadata cells count as absent. Quoted fields may span lines. Blank lines
//! are skipped; a record's line is where the `csv` crate starts it, which counts blank lines
//! just before the record as part of it.
//!
//! Memory: the `csv` crate holds one whole record while reading it, so a huge record is
//! refused only after it has been read (unlike JSON Lines, which stops keeping bytes at the
//! limit).

use super::decode::{lossy, too_large, Size};
use super::fields::{record_item, FieldValue, Origin, SeenIds};
use super::{failure, InputOptions, Item};
use demarche_core::ArticleResult;
use std::collections::HashMap;
use std::io::Read;

/// Reads CSV with a header row from `reader`: one item per record.
pub fn read_csv(
    reader: impl Read,
    name: &str,
    opts: &InputOptions,
    f: &mut dyn FnMut(Item) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader);
    let columns: HashMap<String, usize> = match rdr.byte_headers() {
        Ok(headers) => headers
            .iter()
            .enumerate()
            .rev() // the first of two equal names wins
            .map(|(i, h)| (String::from_utf8_lossy(h).trim().to_string(), i))
            .collect(),
        Err(err) => return f(csv_failure(name, &err)),
    };
    let mut seen = SeenIds::default();
    let mut record = ::csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                let origin = Origin { name, line };
                f(record_to_item(&record, &columns, origin, opts, &mut seen))?;
            }
            Err(err) if err.is_io_error() => return f(csv_failure(name, &err)),
            Err(err) => f(csv_failure(name, &err))?,
        }
    }
}

/// The item of one CSV record.
fn record_to_item(
    record: &::csv::ByteRecord,
    columns: &HashMap<String, usize>,
    origin: Origin,
    opts: &InputOptions,
    seen: &mut SeenIds,
) -> Item {
    let size = record.as_slice().len();
    if size > opts.max_article_bytes {
        let error = too_large(
            &origin.at(),
            Size::Exactly(size as u64),
            opts.max_article_bytes,
            Some(origin.line),
        );
        return Item::Failed(ArticleResult::failed(origin.at(), error));
    }
    let mut warnings = Vec::new();
    let mut cells: HashMap<&str, String> = HashMap::new();
    let fields = &opts.fields;
    for key in [
        &fields.id,
        &fields.text,
        &fields.title,
        &fields.date,
        &fields.url,
    ] {
        if let Some(cell) = columns.get(key.as_str()).and_then(|&i| record.get(i)) {
            let value = lossy(cell.to_vec(), &origin.at(), &mut warnings);
            cells.insert(key.as_str(), value);
        }
    }
    // One warning per record is enough, however many of its cells were invalid.
    warnings.truncate(1);
    let mut get = |key: &str| cells.get(key).cloned().map(FieldValue::Str);
    record_item(&mut get, fields, origin, seen, warnings)
}

/// The error record of a CSV record that could not be parsed, or of an unreadable input.
fn csv_failure(name: &str, err: &::csv::Error) -> Item {
    let line = err.position().map(|p| p.line() as usize);
    let at = match line {
        Some(line) => format!("{name}:{line}"),
        None => name.to_string(),
    };
    let reason = match err.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("a record with {len} field(s), but the header has {expected_len}"),
        ::csv::ErrorKind::Io(io) => format!("cannot read: {io}"),
        _ => err.to_string(),
    };
    let kind = if err.is_io_error() { "io" } else { "csv" };
    failure(
        at.clone(),
        kind,
        format!("{at}: invalid CSV: {reason}"),
        line,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items_of(csv: &[u8]) -> Vec<Item> {
        let mut items = Vec::new();
        read_csv(csv, "in.csv", &InputOptions::default(), &mut |item| {
            items.push(item);
            Ok(())
        })
        .unwrap();
        items
    }

    /// One line per item: `id text` for an article, `id !kind@line` for an error record.
    fn summary(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|item| match item {
                Item::Article(a, w) => {
                    let warns: String = w.iter().map(|w| format!(" ?{}", w.kind)).collect();
                    format!("{} {:?}{warns}", a.id, a.text)
                }
                Item::Failed(r) => {
                    let e = r.error.as_ref().unwrap();
                    format!("{} !{}@{}", r.id, e.kind, e.line.unwrap_or(0))
                }
            })
            .collect()
    }

    #[test]
    fn records_errors_and_lines() {
        let input = b"\xEF\xBB\xBFid,title,text\r\n\
            a,T,\"The UN urged calm.\"\r\n\
            b,,\"two\nlines, \"\"quoted\"\"\"\n\
            c,too,many,fields\n\
            d,,bad \xFF byte\n\
            a,,again\n\
            \n\
            ,,no id\n\
            e,,\n\
            f,,last without newline";
        assert_eq!(
            summary(&items_of(input)),
            [
                "a \"The UN urged calm.\"",
                "b \"two\\nlines, \\\"quoted\\\"\"",
                "in.csv:5 !csv@5",
                "d \"bad \u{FFFD} byte\" ?utf8",
                "a \"again\" ?duplicate-id",
                // The csv crate starts a record at the blank line before it.
                "in.csv:8 \"no id\"",
                "e \"\"",
                "f \"last without newline\"",
            ]
        );
    }

    #[test]
    fn a_missing_text_column_fails_every_record() {
        let items = items_of(b"id,body\n1,x\n2,y\n");
        assert_eq!(
            summary(&items),
            ["1 !missing-field@2", "2 !missing-field@3"]
        );
    }

    #[test]
    fn an_empty_input_has_no_records() {
        assert!(items_of(b"").is_empty());
        assert!(items_of(b"id,text\n").is_empty());
    }
}
