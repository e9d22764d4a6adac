//! Reading TABARI / PETRARCH `.actors` dictionaries into entries: names (an entry line and its
//! `+` variants) and code lines (`[CODE]`, `[CODE DATES]`). Every bad line is one positioned
//! [`RuleFileError`]; reading goes on after it, so that all of them are reported at once.

use crate::error::RuleFileError;

/// One entry of a dictionary: names that share code lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The names, as written with `_` between words (the entry line's first, then variants).
    pub names: Vec<String>,
    /// The code lines, in file order.
    pub codes: Vec<Code>,
    /// 1-based line of the first name.
    pub line: usize,
}

/// One `[CODE DATES]` of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// The CAMEO actor code (`RUSGOV`, `IGOUNO`).
    pub code: String,
    /// First day of the period, `YYYY-MM-DD` (`>YYMMDD` or the left side of a range).
    pub from: Option<String>,
    /// Last day of the period, `YYYY-MM-DD` (`<YYMMDD` or the right side of a range).
    pub until: Option<String>,
}

/// Decodes a dictionary file: UTF-8 where a line is valid UTF-8, Latin-1 where it is not
/// (the Phoenix files mix both).
pub fn decode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        match std::str::from_utf8(line) {
            Ok(s) => out.push_str(s),
            Err(_) => out.extend(line.iter().map(|&b| char::from(b))),
        }
    }
    out
}

/// The entries of dictionary `source` (named `path` in errors), and the problems found.
///
/// Names accumulate (entry lines and `+` variants) until a code line; an entry line after a
/// code starts a new entry. A code written on an entry line belongs to that entry. `#` starts
/// a comment. An entry that never gets a code is an error.
pub fn read(path: &str, source: &str) -> (Vec<Entry>, Vec<RuleFileError>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut errors = Vec::new();
    let mut cur: Option<Entry> = None;
    let mut offset = 0;
    for (i, raw) in source.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.split('#').next().unwrap_or("");
        let line = line.trim_end_matches(['\n', '\r']);
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let at = start + lead;
        let mut err = |s: usize, e: usize, msg: String, help: &str| {
            errors.push(RuleFileError::at(path, source, s, e, msg).with_help(help));
        };
        if let Some(variant) = body.strip_prefix('+') {
            let Some(entry) = cur.as_mut() else {
                err(
                    at,
                    at + body.len(),
                    "a `+` variant with no entry before it".into(),
                    "a variant line follows its entry line",
                );
                continue;
            };
            let (name, codes_at) = split_name(variant);
            push_name(entry, name, &mut err, at + 1);
            if let Some(k) = codes_at {
                codes(&variant[k..], at + 1 + k, entry, &mut err);
            }
            continue;
        }
        if body.starts_with('[') {
            let Some(entry) = cur.as_mut() else {
                err(
                    at,
                    at + body.len(),
                    "a code line with no entry before it".into(),
                    "code lines follow their entry line and its `+` variants",
                );
                continue;
            };
            codes(body, at, entry, &mut err);
            continue;
        }
        let (name, codes_at) = split_name(body);
        if cur.as_ref().is_some_and(|e| !e.codes.is_empty()) {
            entries.extend(cur.take());
        }
        let entry = cur.get_or_insert_with(|| Entry {
            names: Vec::new(),
            codes: Vec::new(),
            line: i + 1,
        });
        push_name(entry, name, &mut err, at);
        if let Some(k) = codes_at {
            codes(&body[k..], at + k, entry, &mut err);
        }
    }
    if let Some(entry) = cur {
        finish(path, source, entry, &mut entries, &mut errors);
    }
    (entries, errors)
}

/// The last entry of a file: kept, or an error when it never got a code.
fn finish(
    path: &str,
    source: &str,
    entry: Entry,
    entries: &mut Vec<Entry>,
    errors: &mut Vec<RuleFileError>,
) {
    if !entry.codes.is_empty() {
        entries.push(entry);
        return;
    }
    let s = line_start(source, entry.line);
    let e = source[s..].find('\n').map_or(source.len(), |k| s + k);
    errors.push(
        RuleFileError::at(path, source, s, e, "an entry with no code line")
            .with_help("give it a `[CODE]` line, or delete it"),
    );
}

/// The name part of a line, and where its code part (`[`) starts, if any.
fn split_name(text: &str) -> (&str, Option<usize>) {
    match text.find('[') {
        Some(k) => (text[..k].trim(), Some(k)),
        None => (text.trim(), None),
    }
}

fn push_name(
    entry: &mut Entry,
    name: &str,
    err: &mut impl FnMut(usize, usize, String, &str),
    at: usize,
) {
    if name.is_empty() || !name.chars().any(char::is_alphanumeric) {
        err(
            at,
            at + name.len().max(1),
            "an empty name".into(),
            "write the name, words joined by `_`",
        );
    } else if name.chars().any(char::is_whitespace) {
        err(
            at,
            at + name.len(),
            format!("a space inside the name `{name}`"),
            "join the words of a name with `_`",
        );
    } else {
        entry.names.push(name.to_string());
    }
}

/// Reads every `[...]` group of `text` (starting at byte `at` of the source) into `entry`.
fn codes(
    text: &str,
    at: usize,
    entry: &mut Entry,
    err: &mut impl FnMut(usize, usize, String, &str),
) {
    let mut rest = text;
    let mut pos = at;
    loop {
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.is_empty() {
            return;
        }
        if !rest.starts_with('[') {
            err(
                pos,
                pos + rest.len(),
                format!("unexpected `{rest}` after a code"),
                "only `[CODE]` or `[CODE DATES]` groups may follow",
            );
            return;
        }
        let Some(close) = rest.find(']') else {
            err(
                pos,
                pos + rest.len(),
                "a `[` with no closing `]`".into(),
                "write `[CODE]` or `[CODE DATES]`",
            );
            return;
        };
        match code(&rest[1..close]) {
            Ok(c) => entry.codes.push(c),
            Err((msg, help)) => err(pos, pos + close + 1, msg, help),
        }
        pos += close + 1;
        rest = &rest[close + 1..];
    }
}

/// One `CODE DATES` group's inside.
fn code(inner: &str) -> Result<Code, (String, &'static str)> {
    let mut parts = inner.split_whitespace();
    let code = parts.next().unwrap_or("");
    // `---` is TABARI's null code: the names are known and code nothing.
    let valid = code == "---"
        || !code.is_empty()
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !valid {
        return Err((
            format!("`{code}` is not a CAMEO code"),
            "a code is upper-case letters and digits, such as `RUSGOV` or `IGOUNO`",
        ));
    }
    let dates = parts.next();
    if let Some(extra) = parts.next() {
        return Err((
            format!("unexpected `{extra}` in a code"),
            "write `[CODE DATES]`",
        ));
    }
    let (from, until) = match dates {
        None => (None, None),
        Some(d) => period(d).ok_or_else(|| {
            (
                format!("`{d}` is not a period"),
                "write YYMMDD-YYMMDD, >YYMMDD or <YYMMDD (or eight digits, YYYYMMDD)",
            )
        })?,
    };
    Ok(Code {
        code: code.to_string(),
        from,
        until,
    })
}

/// `YYMMDD-YYMMDD`, `>YYMMDD` or `<YYMMDD` (six or eight digits each).
fn period(d: &str) -> Option<(Option<String>, Option<String>)> {
    if let Some(f) = d.strip_prefix('>') {
        return Some((Some(day(f)?), None));
    }
    if let Some(u) = d.strip_prefix('<') {
        return Some((None, Some(day(u)?)));
    }
    let (f, u) = d.split_once('-')?;
    let (f, u) = (day(f)?, day(u)?);
    (f <= u).then_some((Some(f), Some(u)))
}

/// `YYMMDD` (years below 30 are 20YY, the others 19YY) or `YYYYMMDD`, as `YYYY-MM-DD`.
fn day(d: &str) -> Option<String> {
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, md) = match d.len() {
        6 => {
            let yy: u32 = d[..2].parse().ok()?;
            (if yy < 30 { 2000 + yy } else { 1900 + yy }, &d[2..])
        }
        8 => (d[..4].parse().ok()?, &d[4..]),
        _ => return None,
    };
    let (m, dd): (u32, u32) = (md[..2].parse().ok()?, md[2..].parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&dd)).then(|| format!("{y:04}-{m:02}-{dd:02}"))
}

/// The byte offset of 1-based line `line`.
fn line_start(source: &str, line: usize) -> usize {
    source
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> (Vec<Entry>, Vec<String>) {
        let (entries, errors) = read("d.actors", src);
        let errors = errors
            .iter()
            .map(|e| format!("{}:{}: {}", e.line, e.col, e.message))
            .collect();
        (entries, errors)
    }

    fn code(c: &str, f: Option<&str>, u: Option<&str>) -> Code {
        Code {
            code: c.into(),
            from: f.map(Into::into),
            until: u.map(Into::into),
        }
    }

    /// (source, names of each entry, codes of each entry, errors)
    type Row<'a> = (&'a str, &'a [&'a [&'a str]], &'a [Vec<Code>], &'a [&'a str]);

    #[test]
    fn a_table_of_lines() {
        // (source, names of each entry, codes of each entry, errors)
        let table: &[Row<'_>] = &[
            ("RUSSIA_ [RUS]\n+RUSSIAN_\n", &[&["RUSSIA_", "RUSSIAN_"]], &[vec![code("RUS", None, None)]], &[]),
            ("# a comment\nKOFI_ANNAN_ # note\n+K._ANNAN_\n\t[IGOUNO 970101-061231] [ELI]# x\n",
             &[&["KOFI_ANNAN_", "K._ANNAN_"]],
             &[vec![code("IGOUNO", Some("1997-01-01"), Some("2006-12-31")), code("ELI", None, None)]], &[]),
            ("A_\n\t[AFGGOV >011222]\n\t[AFGELI <19991231]\n", &[&["A_"]],
             &[vec![code("AFGGOV", Some("2001-12-22"), None), code("AFGELI", None, Some("1999-12-31"))]], &[]),
            // Names with no code join the next entry's names.
            ("UN_ [IGOUNO]\nU.N._\nUNSG\n+UNITED_NATIONS_CHIEF\n\t[IGOUNO]\n",
             &[&["UN_"], &["U.N._", "UNSG", "UNITED_NATIONS_CHIEF"]],
             &[vec![code("IGOUNO", None, None)], vec![code("IGOUNO", None, None)]], &[]),
            // Bad lines: each is reported, the rest is read.
            ("+ORPHAN_\nB_\n\t[BENGOV 2004017-20061201]\n\t[bad]\n\t[USA\n\t[USA 990101-980101]\nC_ [USA] x\nD_ E_ [USA]\nF_\n",
             &[&["B_"], &["C_"]],
             &[vec![], vec![code("USA", None, None)]],
             &["1:1: a `+` variant with no entry before it", "3:2: `2004017-20061201` is not a period",
               "4:2: `bad` is not a CAMEO code", "5:2: a `[` with no closing `]`",
               "6:2: `990101-980101` is not a period", "7:10: unexpected `x` after a code",
               "8:1: a space inside the name `D_ E_`", "9:1: an entry with no code line"]),
        ];
        for (src, names, codes, errs) in table {
            let (entries, errors) = one(src);
            let got_names: Vec<Vec<&str>> = entries
                .iter()
                .map(|e| e.names.iter().map(String::as_str).collect())
                .collect();
            let want: Vec<Vec<&str>> = names.iter().map(|n| n.to_vec()).collect();
            // The bad-line case keeps B_ (with no valid code: it took a bad line) only if a
            // valid code follows; compare what is there.
            if errs.is_empty() {
                assert_eq!(got_names, want, "{src}");
                let got_codes: Vec<Vec<Code>> = entries.iter().map(|e| e.codes.clone()).collect();
                assert_eq!(&got_codes, codes, "{src}");
            }
            assert_eq!(errors, *errs, "{src}");
        }
    }

    #[test]
    fn latin1_lines_are_decoded() {
        assert_eq!(
            decode(b"JOS\xc9_ [ESP]\nJOS\xc3\x89_\n"),
            "JOSÉ_ [ESP]\nJOSÉ_\n"
        );
    }
}
