//! `--format html`: one self-contained page for exploring a run.
//!
//! The page opens with the provenance and the counts, then the filters (a search box over
//! statement text and speaker; article, actor, label, target, and a date range), a timeline of
//! stances per day or week when articles have dates, the sortable actors × labels matrix of
//! [`Counts`] (click a count to filter by it), and every article with its statements: the
//! sentence with each stance's evidence highlighted in its label's colour, the speaker and the
//! target underlined when their mentions lie in the sentence, and `USA → CHN` when the
//! statement has targets. A button downloads the statements shown as CSV. The markup is
//! written here and in [`page`]; the behaviour is `report.js`, the look `report.css`.
//!
//! It needs no network: CSS and script are inline, and the Content-Security-Policy of [`csp`]
//! forbids loading anything and lets only the page's own script run, by its hash. Every string
//! from the input or the run (ids, titles, dates, URLs, text, speakers, actor codes, labels,
//! rule ids, error messages, file names) goes through [`escape`]; only `http(s)` URLs become
//! links.
//!
//! The matrix comes first but depends on every article, so the article sections are held in
//! memory until [`Sink::finish`]: memory grows with the output, which is fine for a report
//! people read (10^4 statements is a few MB) and why `jsonl` remains the format for big runs.
//! The script filters in one pass over the statements, with one listener per control.

pub mod csp;
mod page;

use super::csv::statement_id;
use super::summary::Counts;
use super::text::LineCounter;
use super::{Meta, Sink};
use demarche_core::{ArticleResult, Statement};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes the HTML report at the end of the run.
pub struct HtmlSink<'m, W> {
    out: W,
    meta: &'m Meta<'m>,
    counts: Counts,
    /// Statements per target actor code; `None` for statements with no target actor.
    targets: BTreeMap<Option<String>, usize>,
    /// Per article: its number, id and title, for the article filter.
    articles: Vec<(usize, String, Option<String>)>,
    /// True once any article has a date the timeline can place.
    dated: bool,
    body: String,
}

impl<'m, W: Write> HtmlSink<'m, W> {
    /// A sink writing the page to `out`.
    pub fn new(out: W, meta: &'m Meta<'m>) -> Self {
        HtmlSink {
            out,
            meta,
            counts: Counts::new(meta.labels()),
            targets: BTreeMap::new(),
            articles: Vec::new(),
            dated: false,
            body: String::new(),
        }
    }

    /// The CSS class of a label's colour, `l<column>`.
    fn label_class(&self, label: &str) -> String {
        let i = self.counts.labels().iter().position(|l| l == label);
        format!("l{}", i.unwrap_or(0))
    }

    /// One statement: data attributes for the filters, the `who` line, the sentence.
    fn statement(
        &mut self,
        result: &ArticleResult,
        n: usize,
        st: &Statement,
        lines: &mut LineCounter,
    ) {
        let codes = |list: &[String]| {
            if list.is_empty() {
                " - ".to_string()
            } else {
                format!(" {} ", list.join(" "))
            }
        };
        let labels: Vec<&str> = st.labels();
        let rules = st.rule_ids().join(", ");
        let (line, col) = lines.position(st.span.start);
        let speaker = st.speaker.as_ref().map(|s| s.text.as_str());
        let day = result.date.as_deref().and_then(day).unwrap_or_default();
        let _ = write!(
            self.body,
            "<div class=\"st\" data-article=\"{n}\" data-id=\"{}\" data-actors=\"{}\" \
             data-targets=\"{}\" data-labels=\" {} \" data-rules=\"{}\" data-date=\"{}\" \
             data-speaker=\"{}\"><div class=\"who\" title=\"actors: {}&#10;targets: {}&#10;rules: {}\">\
             <span class=\"at\">{line}:{col}</span> <b class=\"spk-name\">{}</b>",
            escape(&statement_id(&result.id, st)),
            escape(&codes(&st.actors)),
            escape(&codes(&st.targets)),
            escape(&labels.join(" ")),
            escape(&rules),
            escape(day),
            escape(speaker.unwrap_or_default()),
            escape(&or_none(&st.actors)),
            escape(&or_none(&st.targets)),
            escape(&rules),
            escape(speaker.unwrap_or("(no speaker)")),
        );
        self.who_codes(st);
        for s in &st.stances {
            let _ = write!(
                self.body,
                " <span class=\"badge {}\" title=\"{}\">{}</span>",
                self.label_class(&s.label),
                escape(&s.rule),
                escape(&s.label)
            );
        }
        self.body.push_str("</div><p class=\"sent\">");
        let sentence = self.sentence(st);
        self.body.push_str(&sentence);
        self.body.push_str("</p></div>\n");
    }

    /// The speaker's actor badges and, when the statement has a target, `→` and the target's
    /// badges (or the target as written, when it has no actor code).
    fn who_codes(&mut self, st: &Statement) {
        for a in &st.actors {
            self.actor_badge(a, "actor");
        }
        if st.targets.is_empty() && st.target.is_none() {
            return;
        }
        self.body
            .push_str(" <span class=\"arrow\" title=\"addressed to\">→</span>");
        for t in &st.targets {
            self.actor_badge(t, "actor target");
        }
        if let (true, Some(t)) = (st.targets.is_empty(), &st.target) {
            let _ = write!(
                self.body,
                " <span class=\"tgt-name\">{}</span>",
                escape(&t.text)
            );
        }
    }

    fn actor_badge(&mut self, code: &str, class: &str) {
        let cameo = self.meta.actor_cameo(code).unwrap_or("no CAMEO code");
        let _ = write!(
            self.body,
            " <span class=\"{class}\" title=\"CAMEO {}\">{}</span>",
            escape(cameo),
            escape(code)
        );
    }

    /// The sentence as HTML: evidence in `<mark>`s, the speaker in a `<span class="spk">`, the
    /// target in a `<span class="tgt">`.
    fn sentence(&self, st: &Statement) -> String {
        let base = st.span.start;
        let local = |start: usize, end: usize| -> Option<(usize, usize)> {
            let s = start.checked_sub(base)?;
            let e = end.checked_sub(base)?;
            st.text.get(s..e).map(|_| (s, e))
        };
        let marks: Vec<(usize, usize, usize)> = st
            .stances
            .iter()
            .enumerate()
            .filter_map(|(i, s)| local(s.span.start, s.span.end).map(|(a, b)| (a, b, i)))
            .collect();
        let speaker = st
            .speaker
            .as_ref()
            .and_then(|sp| local(sp.span.start, sp.span.end));
        let target = st
            .target
            .as_ref()
            .and_then(|t| local(t.span.start, t.span.end));
        let mut cuts = vec![0, st.text.len()];
        for &(a, b, _) in &marks {
            cuts.extend([a, b]);
        }
        for (a, b) in speaker.into_iter().chain(target) {
            cuts.extend([a, b]);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut html = String::with_capacity(st.text.len() * 2);
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let piece = escape(&st.text[a..b]);
            let on: Vec<usize> = marks
                .iter()
                .filter(|m| m.0 <= a && b <= m.1)
                .map(|m| m.2)
                .collect();
            let is_speaker = speaker.is_some_and(|(s, e)| s <= a && b <= e);
            let is_target = target.is_some_and(|(s, e)| s <= a && b <= e);
            let mut inner = piece;
            if !on.is_empty() {
                let first = &st.stances[on[0]];
                let mut class = self.label_class(&first.label);
                if let Some(&second) = on.get(1) {
                    let c = self.label_class(&st.stances[second].label);
                    class.push_str(&format!(" u{}", &c[1..]));
                }
                let title: Vec<String> = on
                    .iter()
                    .map(|&i| format!("{}: {}", st.stances[i].label, st.stances[i].rule))
                    .collect();
                inner = format!(
                    "<mark class=\"{class}\" title=\"{}\">{inner}</mark>",
                    escape(&title.join("\n")).replace('\n', "&#10;")
                );
            }
            if is_speaker {
                inner = format!("<span class=\"spk\" title=\"speaker\">{inner}</span>");
            }
            if is_target {
                inner = format!("<span class=\"tgt\" title=\"target\">{inner}</span>");
            }
            html.push_str(&inner);
        }
        html
    }
}

impl<W: Write> Sink for HtmlSink<'_, W> {
    fn article(&mut self, text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        self.counts.add(result);
        let n = self.counts.articles;
        self.articles
            .push((n, result.id.clone(), result.title.clone()));
        self.dated |= result.date.as_deref().and_then(day).is_some();
        for st in &result.statements {
            let keys: Vec<Option<String>> = if st.targets.is_empty() {
                vec![None]
            } else {
                st.targets.iter().cloned().map(Some).collect()
            };
            for k in keys {
                *self.targets.entry(k).or_insert(0) += 1;
            }
        }
        let _ = write!(
            self.body,
            "<article class=\"art\" id=\"a{n}\" data-n=\"{n}\" data-id=\"{}\" data-title=\"{}\" \
             data-date=\"{}\" data-url=\"{}\"><h3>{}</h3>",
            escape(&result.id),
            escape(result.title.as_deref().unwrap_or_default()),
            escape(result.date.as_deref().unwrap_or_default()),
            escape(result.url.as_deref().unwrap_or_default()),
            escape(&result.id)
        );
        self.article_meta(result);
        if let Some(err) = &result.error {
            let _ = write!(
                self.body,
                "<p class=\"error\">error ({}): {}</p>",
                escape(&err.kind),
                escape(&err.message)
            );
        } else if result.statements.is_empty() {
            self.body.push_str("<p class=\"none\">(no statements)</p>");
        }
        let mut lines = LineCounter::new(text.unwrap_or(""));
        for st in &result.statements {
            self.statement(result, n, st, &mut lines);
        }
        self.body.push_str("</article>\n");
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let script = format!("\n{}", page::SCRIPT);
        let head = self.page_head(&csp::policy(&script));
        self.out.write_all(head.as_bytes())?;
        let controls = self.controls();
        self.out.write_all(controls.as_bytes())?;
        // The timeline is short and the matrix can be long: the timeline goes first.
        let timeline = self.timeline();
        self.out.write_all(timeline.as_bytes())?;
        let matrix = self.matrix();
        self.out.write_all(matrix.as_bytes())?;
        self.out.write_all(b"<main id=\"articles\">\n")?;
        self.out.write_all(self.body.as_bytes())?;
        write!(
            self.out,
            "</main>\n<script>{script}</script>\n</body>\n</html>\n"
        )?;
        self.out.flush()
    }
}

impl<W> HtmlSink<'_, W> {
    /// The title, date and source link of an article, when it has them.
    fn article_meta(&mut self, result: &ArticleResult) {
        let mut meta = Vec::new();
        if let Some(t) = &result.title {
            meta.push(format!("<span class=\"title\">{}</span>", escape(t)));
        }
        if let Some(d) = &result.date {
            meta.push(format!("<span class=\"date\">{}</span>", escape(d)));
        }
        if let Some(u) = &result.url {
            meta.push(link(u));
        }
        if !meta.is_empty() {
            let _ = write!(self.body, "<p class=\"meta\">{}</p>", meta.join(" · "));
        }
        self.body.push('\n');
    }
}

/// The codes joined by `, `, or `none`.
fn or_none(codes: &[String]) -> String {
    if codes.is_empty() {
        "none".to_string()
    } else {
        codes.join(", ")
    }
}

/// The day of a date that starts `YYYY-MM-DD` (ISO 8601, news-please's `2024-05-01 12:00:00`),
/// for the timeline and the date filter; `None` for other dates, which are shown but not placed.
pub fn day(date: &str) -> Option<&str> {
    let d = date.trim().get(..10)?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)).then_some(d)
}

/// A link for an `http(s)` URL; any other URL (`javascript:`, ...) as plain text.
fn link(url: &str) -> String {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        format!(
            "<a class=\"url\" href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>",
            escape(url)
        )
    } else {
        format!("<span class=\"url\">{}</span>", escape(url))
    }
}

/// `s` safe in HTML text and in quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use demarche_core::{Article, CharIndex, Speaker, Stance};

    #[test]
    fn escape_covers_text_and_attributes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("Stéphane “urges”"), "Stéphane “urges”");
    }

    #[test]
    fn only_http_urls_become_links() {
        assert!(link("https://example.org/?a=1&b=2")
            .contains("href=\"https://example.org/?a=1&amp;b=2\""));
        assert_eq!(
            link("javascript:alert(1)"),
            "<span class=\"url\">javascript:alert(1)</span>"
        );
    }

    #[test]
    fn hostile_article_is_escaped_everywhere() {
        let text = "<script>alert(1)</script> The UN <b>urged</b> restraint, Guterres said.";
        let idx = CharIndex::new(text);
        let ev = text.find("<b>urged").unwrap();
        let sp = text.find("Guterres").unwrap();
        let st = Statement {
            span: idx.span(0, text.len()),
            text: text.into(),
            speaker: Some(Speaker {
                text: "Guterres".into(),
                span: idx.span(sp, sp + 8),
            }),
            actors: vec!["<UN>".into()],
            cameo_actors: Vec::new(),
            target: Some(Speaker {
                text: "<i>both</i>".into(),
                span: idx.span(text.len() - 5, text.len() - 1),
            }),
            targets: vec!["<ARM>".into(), "AZE".into()],
            target_cameo_actors: Vec::new(),
            stances: vec![Stance {
                label: "restraint\"><script>".into(),
                rule: "r<1>".into(),
                cameo: None,
                span: idx.span(ev, ev + 22),
                text: text[ev..ev + 22].into(),
            }],
        };
        let mut article = Article::new("<img src=x onerror=alert(1)>", text);
        article.title = Some("</title><script>x</script>".into());
        article.url = Some("javascript:alert(1)".into());
        let meta = Meta::bare();
        let mut buf = Vec::new();
        let mut sink = HtmlSink::new(&mut buf, &meta);
        sink.article(Some(text), &ArticleResult::ok(&article, vec![st]))
            .unwrap();
        sink.finish().unwrap();
        let page = String::from_utf8(buf).unwrap();
        let body = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
        for tag in ["<script", "<b>", "<img", "</title>", "<UN>", "<ARM>"] {
            assert!(!body.contains(tag), "{tag} unescaped in {body}");
        }
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(body.contains("<span class=\"arrow\" title=\"addressed to\">→</span> <span class=\"actor target\" title=\"CAMEO no CAMEO code\">&lt;ARM&gt;</span>"), "{body}");
        assert!(body.contains("data-targets=\" &lt;ARM&gt; AZE \""));
        assert!(body.contains("<span class=\"spk\" title=\"speaker\">Guterres</span>"));
        assert!(body.contains("<mark class=\"l0\" title=\"restraint&quot;&gt;&lt;script&gt;: r&lt;1&gt;\">&lt;b&gt;urged&lt;/b&gt; restraint</mark>"));
        assert_eq!(
            page.matches("<script>").count(),
            1,
            "only the page's own script"
        );
    }
}
