//! demarche-core: the data model shared by the engine and the CLI.
//!
//! This crate owns only data: articles as read, the statements found in them, their speakers,
//! stances and spans. It does no I/O and decides nothing; the engine fills these types and the
//! CLI writes them. The serde shape of [`ArticleResult`] *is* the JSON Lines output contract
//! documented in `docs/output-format.md`: field names and offsets must not change.
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

/// A byte range into the original UTF-8 article text, with the same range in Unicode scalar
/// values (what Python and R slice by).
///
/// `start..end` always lies on `char` boundaries of the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
    /// First Unicode scalar value of the range.
    pub char_start: usize,
    /// One past the last Unicode scalar value of the range.
    pub char_end: usize,
}

impl Span {
    /// The byte range as a `Range<usize>`, for slicing the original text.
    pub fn bytes(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }
}

/// Converts byte offsets of one text into char offsets, in O(log n) per lookup.
#[derive(Debug, Clone)]
pub struct CharIndex {
    /// Byte offsets of every non-ASCII char start; ASCII-only texts keep this empty.
    non_ascii: Vec<(usize, usize)>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut non_ascii = Vec::new();
        let mut extra = 0usize;
        let bytes = text.as_bytes();
        let mut i = 0;
        // Runs of ASCII are skipped a word at a time; a lead byte gives its char's width
        // (`text` is valid UTF-8).
        while i < bytes.len() {
            while i + 8 <= bytes.len() {
                let word = u64::from_le_bytes(bytes[i..i + 8].try_into().unwrap_or([0x80; 8]));
                if word & 0x8080_8080_8080_8080 != 0 {
                    break;
                }
                i += 8;
            }
            let Some(k) = bytes[i..].iter().position(|&b| b >= 0x80) else {
                break;
            };
            i += k;
            let w = match bytes[i] {
                b if b >= 0xF0 => 4,
                b if b >= 0xE0 => 3,
                _ => 2,
            };
            extra += w - 1;
            non_ascii.push((i + w, extra));
            i += w;
        }
        CharIndex { non_ascii }
    }

    /// The char offset of byte offset `byte` (which must be a char boundary).
    pub fn char_of(&self, byte: usize) -> usize {
        // Number of extra bytes taken by multi-byte chars that end at or before `byte`.
        let n = self.non_ascii.partition_point(|&(end, _)| end <= byte);
        if n == 0 {
            byte
        } else {
            byte - self.non_ascii[n - 1].1
        }
    }

    /// A [`Span`] for the byte range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            char_start: self.char_of(start),
            char_end: self.char_of(end),
        }
    }
}

/// One article to classify: an id, its text, and metadata passed through to the output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Identifier: the `id` field of a JSON Lines record, or the path of a text file.
    pub id: String,
    /// The article text, as UTF-8.
    pub text: String,
    /// Headline, when the input has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication date, as given by the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Source URL, as given by the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Article {
    /// An article with only an id and a text.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            text: text.into(),
            ..Article::default()
        }
    }
}

/// A sentence of an article: its span and the paragraph it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// Where the sentence lies in the original text.
    #[serde(flatten)]
    pub span: Span,
    /// Zero-based index of the paragraph (paragraphs are separated by blank lines).
    pub paragraph: usize,
}

/// One stance found in a statement: which label, which rule found it, and its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stance {
    /// The stance label, one of the labels defined in the rule pack (`restraint`, ...).
    pub label: String,
    /// The id of the rule that matched (`restraint.exercise-restraint`).
    pub rule: String,
    /// CAMEO event code of the label, when the rule pack gives one.
    pub cameo: Option<String>,
    /// Where the evidence lies in the original text.
    #[serde(flatten)]
    pub span: Span,
    /// The evidence text, exactly `text[start..end]`.
    pub text: String,
}

/// Who a statement is attributed to, as written in the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The speaker as written ("Stéphane Dujarric", "World powers", "the statement").
    pub text: String,
    /// Where that mention lies in the original text.
    #[serde(flatten)]
    pub span: Span,
}

/// The party a statement is addressed to or aimed at, as written in the article: the same
/// shape as a [`Speaker`] mention.
pub type Target = Speaker;

/// A sentence with at least one stance, its speaker and the speaker's actor codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Where the sentence lies in the original text.
    #[serde(flatten)]
    pub span: Span,
    /// The sentence text, exactly `text[start..end]`.
    pub text: String,
    /// The speaker mention, or `None` when the sentence is not attributed to anyone.
    pub speaker: Option<Speaker>,
    /// Actor codes of the speaker in order of mention (`["USA", "RUS", "EU"]`); empty for
    /// generic or unknown speakers.
    pub actors: Vec<String>,
    /// CAMEO actor codes of the speaker (`["RUSGOV", "IGOUNO"]`), for joining with CAMEO,
    /// PETRARCH, ICEWS and POLECAT data; empty when the pack gives none.
    pub cameo_actors: Vec<String>,
    /// The target mention: the party the stances are addressed to or aimed at, as written
    /// ("Armenia and Azerbaijan", "Russia's", "both sides"), or `None`.
    pub target: Option<Target>,
    /// Actor codes of the target in order of mention, no repeats; empty for generic targets
    /// ("both sides" with no parties named) and when there is no target.
    pub targets: Vec<String>,
    /// CAMEO actor codes of the target, when the pack gives them.
    pub target_cameo_actors: Vec<String>,
    /// The stances, ordered by label order of the rule pack and then by position.
    pub stances: Vec<Stance>,
}

impl Statement {
    /// The labels of this statement, in order, without repeats.
    pub fn labels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.stances {
            if !out.contains(&s.label.as_str()) {
                out.push(&s.label);
            }
        }
        out
    }

    /// The ids of the rules that made this statement, in order, without repeats.
    pub fn rule_ids(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.stances {
            if !out.contains(&s.rule.as_str()) {
                out.push(&s.rule);
            }
        }
        out
    }
}

/// Why an article could not be classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleError {
    /// A short machine-readable kind: `io`, `json`, `csv`, `missing-field`, `binary`,
    /// `too-large` (see `docs/reliability.md`).
    pub kind: String,
    /// What went wrong, for a person.
    pub message: String,
    /// The 1-based input line, for JSON Lines input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// Something odd about an article that did not stop it from being classified, such as invalid
/// UTF-8 replaced by U+FFFD or an id already used by an earlier record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleWarning {
    /// A short machine-readable kind: `utf8`, `utf16`, `duplicate-id`, ...
    pub kind: String,
    /// What happened, for a person.
    pub message: String,
}

/// One line of JSON Lines output: an article's id, its statements, and an error if it could not
/// be read. Metadata fields of the input (`title`, `date`, `url`) are passed through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleResult {
    /// The article id.
    pub id: String,
    /// Headline, passed through from the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Date, passed through from the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// URL, passed through from the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The statements, in text order.
    pub statements: Vec<Statement>,
    /// Why the article could not be read, or `None`.
    pub error: Option<ArticleError>,
    /// What was odd about the input but did not stop it; **absent** when there is nothing to
    /// say, so results of clean input keep the exact shape of earlier versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ArticleWarning>,
}

impl ArticleResult {
    /// The result for a classified article.
    pub fn ok(article: &Article, statements: Vec<Statement>) -> Self {
        ArticleResult {
            id: article.id.clone(),
            title: article.title.clone(),
            date: article.date.clone(),
            url: article.url.clone(),
            statements,
            error: None,
            warnings: Vec::new(),
        }
    }

    /// The result for an article that could not be read.
    pub fn failed(id: impl Into<String>, error: ArticleError) -> Self {
        ArticleResult {
            id: id.into(),
            title: None,
            date: None,
            url: None,
            statements: Vec::new(),
            error: Some(error),
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_maps_bytes_to_chars() {
        // Non-ASCII of each width, at the start, the end, inside and across 8-byte words.
        let texts = [
            "Stéphane “urges” é",
            "é",
            "“",
            "😀",
            "abcdefgh“ijklmnop”",
            "abcdefg😀hijklmnopqrstuvwxyz",
            "Сергей Лавров 外交部 مصر 😀😀 plain ascii after all of it, long enough",
            "exactly8",
            "",
        ];
        for text in texts {
            let idx = CharIndex::new(text);
            for (ci, (bi, _)) in text.char_indices().enumerate() {
                assert_eq!(idx.char_of(bi), ci, "byte {bi} of {text:?}");
            }
            assert_eq!(idx.char_of(text.len()), text.chars().count(), "{text:?}");
        }
    }

    #[test]
    fn char_index_ascii_is_identity() {
        let idx = CharIndex::new("plain ascii");
        assert_eq!(
            idx.span(2, 7),
            Span {
                start: 2,
                end: 7,
                char_start: 2,
                char_end: 7
            }
        );
    }

    #[test]
    fn statement_serialises_to_the_contract() {
        let span = Span {
            start: 0,
            end: 3,
            char_start: 0,
            char_end: 3,
        };
        let st = Statement {
            span,
            text: "abc".into(),
            speaker: None,
            actors: vec!["UN".into()],
            cameo_actors: Vec::new(),
            target: None,
            targets: Vec::new(),
            target_cameo_actors: Vec::new(),
            stances: vec![Stance {
                label: "concern".into(),
                rule: "concern.x".into(),
                cameo: Some("012".into()),
                span,
                text: "abc".into(),
            }],
        };
        let v = serde_json::to_value(&st).unwrap();
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "actors",
                "cameo_actors",
                "char_end",
                "char_start",
                "end",
                "speaker",
                "stances",
                "start",
                "target",
                "target_cameo_actors",
                "targets",
                "text"
            ]
        );
        let stance = &v["stances"][0];
        assert_eq!(stance["label"], "concern");
        assert_eq!(stance["rule"], "concern.x");
        assert_eq!(stance["start"], 0);
    }

    #[test]
    fn warnings_are_absent_unless_there_are_some() {
        let mut r = ArticleResult::ok(&Article::new("a", "t"), Vec::new());
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":"a","statements":[],"error":null}"#
        );
        r.warnings.push(ArticleWarning {
            kind: "utf8".into(),
            message: "m".into(),
        });
        let line = serde_json::to_string(&r).unwrap();
        assert_eq!(
            line,
            r#"{"id":"a","statements":[],"error":null,"warnings":[{"kind":"utf8","message":"m"}]}"#
        );
        let back: ArticleResult = serde_json::from_str(&line).unwrap();
        assert_eq!(back, r);
    }
}
