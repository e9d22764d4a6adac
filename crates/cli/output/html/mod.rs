//! `--format html`: one self-contained page for reading a run.
//!
//! The page opens with the provenance and the counts, then the actors × labels matrix of
//! [`Counts`] (click a count to show only those statements), then every article with its
//! statements: the sentence with each stance's evidence highlighted in its label's colour, the
//! speaker underlined when the mention lies in the sentence, and the actors and rule ids on
//! hover. It needs no network: the CSS and the script (`html/report.css`, `html/report.js`) are
//! inlined, and a Content-Security-Policy forbids loading anything. Every piece of article text
//! and metadata goes through [`escape`], so an article that contains `<script>` shows it as
//! text; only `http(s)` URLs become links.
//!
//! The matrix comes first but depends on every article, so the article sections are held in
//! memory until [`Sink::finish`]: memory grows with the output, which is fine for a report
//! people read (10^4 statements is a few MB) and why `jsonl` remains the format for big runs.
//! The script filters with one delegated click listener and one pass over the statements.

use super::summary::Counts;
use super::text::LineCounter;
use super::{Meta, Sink};
use demarche_core::{ArticleResult, Statement};
use std::fmt::Write as _;
use std::io::{self, Write};

const CSS: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");
/// Background colours of labels, by column of the matrix (pack order); repeats past the end.
const PALETTE: [&str; 12] = [
    "#ffe08a", "#b7e4c7", "#a9d6f5", "#ffc999", "#ffadad", "#d0bfff", "#9bf6ff", "#d8f5a2",
    "#f1c0e8", "#e2d3b5", "#cfd8dc", "#fff3b0",
];

/// Writes the HTML report at the end of the run.
pub struct HtmlSink<'m, W> {
    out: W,
    meta: &'m Meta<'m>,
    counts: Counts,
    body: String,
}

impl<'m, W: Write> HtmlSink<'m, W> {
    /// A sink writing the page to `out`.
    pub fn new(out: W, meta: &'m Meta<'m>) -> Self {
        HtmlSink {
            out,
            meta,
            counts: Counts::new(meta.labels()),
            body: String::new(),
        }
    }

    /// The CSS class of a label's colour, `l<column>`.
    fn label_class(&self, label: &str) -> String {
        let i = self.counts.labels().iter().position(|l| l == label);
        format!("l{}", i.unwrap_or(0))
    }

    fn statement(&mut self, st: &Statement, lines: &mut LineCounter) {
        let actors = if st.actors.is_empty() {
            "-".to_string()
        } else {
            st.actors.join(" ")
        };
        let labels: Vec<&str> = st.labels();
        let rules = st.rule_ids().join(", ");
        let (line, col) = lines.position(st.span.start);
        let speaker = st
            .speaker
            .as_ref()
            .map_or("(no speaker)", |s| s.text.as_str());
        let actor_list = if st.actors.is_empty() {
            "none".to_string()
        } else {
            st.actors.join(", ")
        };
        let _ = write!(
            self.body,
            "<div class=\"st\" data-actors=\" {} \" data-labels=\" {} \">\
             <div class=\"who\" title=\"actors: {}&#10;rules: {}\">\
             <span class=\"at\">{line}:{col}</span> <b class=\"spk-name\">{}</b>",
            escape(&actors),
            escape(&labels.join(" ")),
            escape(&actor_list),
            escape(&rules),
            escape(speaker),
        );
        for a in &st.actors {
            let cameo = self.meta.actor_cameo(a).unwrap_or("no CAMEO code");
            let _ = write!(
                self.body,
                " <span class=\"actor\" title=\"CAMEO {}\">{}</span>",
                escape(cameo),
                escape(a)
            );
        }
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

    /// The sentence as HTML: evidence in `<mark>`s, the speaker in a `<span class="spk">`.
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
        let mut cuts = vec![0, st.text.len()];
        for &(a, b, _) in &marks {
            cuts.extend([a, b]);
        }
        if let Some((a, b)) = speaker {
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
            html.push_str(&inner);
        }
        html
    }

    fn matrix(&self) -> String {
        let c = &self.counts;
        // Labels no statement has are left out: a column of zeros only takes room.
        let shown: Vec<usize> = (0..c.labels().len())
            .filter(|&i| c.label_total(i) > 0)
            .collect();
        let mut h = String::from(
            "<div class=\"scroll\"><table id=\"matrix\"><thead><tr><th scope=\"col\">actor</th>",
        );
        for &i in &shown {
            let l = &c.labels()[i];
            let info = self.meta.label(l);
            let codes = info.map_or(String::new(), |info| {
                format!(
                    "CAMEO {} · PLOVER {}",
                    info.cameo.as_deref().unwrap_or("-"),
                    info.plover.as_deref().unwrap_or("-")
                )
            });
            let _ = write!(
                h,
                "<th scope=\"col\" title=\"{}\"><span class=\"swatch l{i}\"></span>{}</th>",
                escape(&codes),
                escape(l)
            );
        }
        h.push_str("<th scope=\"col\">statements</th></tr></thead><tbody>\n");
        for row in c.rows() {
            let code = row.actor.clone().unwrap_or_else(|| "-".into());
            let name = row.actor.as_deref().unwrap_or("(no actor)");
            let cameo = row.actor.as_deref().and_then(|a| self.meta.actor_cameo(a));
            let _ = write!(
                h,
                "<tr><th scope=\"row\" title=\"CAMEO {}\">{}</th>",
                escape(cameo.unwrap_or("-")),
                escape(name)
            );
            for &i in &shown {
                h.push_str(&cell(&code, &c.labels()[i], row.cells[i]));
            }
            h.push_str(&cell(&code, "", row.statements));
            h.push_str("</tr>\n");
        }
        h.push_str("</tbody><tfoot><tr><th scope=\"row\">all</th>");
        for &i in &shown {
            h.push_str(&cell("", &c.labels()[i], c.label_total(i)));
        }
        h.push_str(&cell("", "", c.statements));
        h.push_str("</tr></tfoot></table></div>\n");
        h
    }

    fn page_head(&self) -> String {
        let p = &self.meta.provenance;
        let c = &self.counts;
        let mut colours = String::new();
        for i in 0..c.labels().len().max(1) {
            let colour = PALETTE[i % PALETTE.len()];
            let _ = write!(
                colours,
                ".l{i}{{background:{colour}}}.u{i}{{box-shadow:inset 0 -3px 0 {colour}}}"
            );
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"demarche {v}\">\n\
             <title>demarche report</title>\n<style>\n{CSS}{colours}\n</style>\n</head>\n<body>\n\
             <header><h1>demarche report</h1>\n\
             <p class=\"counts\">articles <span id=\"n-articles\">{a}</span> · \
             statements <span id=\"n-statements\">{s}</span> · \
             stances <span id=\"n-stances\">{st}</span> · \
             errors <span id=\"n-errors\">{e}</span></p>\n\
             <p class=\"prov\">demarche <span id=\"version\">{v}</span> · rule pack \
             <code id=\"rules-hash\" title=\"demarche rules --hash\">{r}</code></p>\n</header>\n\
             <section id=\"summary\"><h2>Actors × labels</h2>\n\
             <p class=\"hint\">Statements per actor and label. Click a count to show only those \
             statements; click it again to show all. A statement with several actors counts in \
             each of their rows; labels that no statement has are left out.</p>\n",
            v = escape(&p.version),
            r = escape(&p.rules),
            a = c.articles,
            s = c.statements,
            st = c.stances,
            e = c.errors,
        )
    }
}

/// A matrix cell: a filter button, or a plain zero.
fn cell(actor: &str, label: &str, n: usize) -> String {
    if n == 0 {
        return "<td class=\"zero\">0</td>".to_string();
    }
    format!(
        "<td><button type=\"button\" data-actor=\"{}\" data-label=\"{}\">{n}</button></td>",
        escape(actor),
        escape(label)
    )
}

impl<W: Write> Sink for HtmlSink<'_, W> {
    fn article(&mut self, text: Option<&str>, result: &ArticleResult) -> io::Result<()> {
        self.counts.add(result);
        let n = self.counts.articles;
        let _ = write!(
            self.body,
            "<article class=\"art\" id=\"a{n}\"><h3>{}</h3>",
            escape(&result.id)
        );
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
            self.statement(st, &mut lines);
        }
        self.body.push_str("</article>\n");
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let head = self.page_head();
        let matrix = self.matrix();
        self.out.write_all(head.as_bytes())?;
        self.out.write_all(matrix.as_bytes())?;
        let total = self.counts.statements;
        write!(
            self.out,
            "<p class=\"filter\"><span id=\"filter-status\" aria-live=\"polite\">Showing all \
             {total} statements.</span> <button type=\"button\" id=\"show-all\" hidden>Show \
             all</button></p>\n</section>\n<main id=\"articles\">\n"
        )?;
        self.out.write_all(self.body.as_bytes())?;
        write!(
            self.out,
            "</main>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
        )?;
        self.out.flush()
    }
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
            target: None,
            targets: Vec::new(),
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
        for tag in ["<script", "<b>", "<img", "</title>", "<UN>"] {
            assert!(!body.contains(tag), "{tag} unescaped in {body}");
        }
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(body.contains("<span class=\"spk\" title=\"speaker\">Guterres</span>"));
        assert!(body.contains("<mark class=\"l0\" title=\"restraint&quot;&gt;&lt;script&gt;: r&lt;1&gt;\">&lt;b&gt;urged&lt;/b&gt; restraint</mark>"));
        assert_eq!(
            page.matches("<script>").count(),
            1,
            "only the page's own script"
        );
    }
}
