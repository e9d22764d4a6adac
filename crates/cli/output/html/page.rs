//! The parts of the report page around the articles: the head (policy, style, label colours),
//! the header with the counts, the filters, the actors × labels matrix and the timeline.
//!
//! Everything here is markup whose values come from the run; `report.js` gives it behaviour
//! and reads what it needs (options, data attributes) from this markup, so no data is passed
//! to the script as code.

use super::{escape, HtmlSink};
use std::fmt::Write as _;

/// The page's stylesheet.
pub const CSS: &str = include_str!("report.css");
/// The page's script; its hash is in the policy ([`super::csp`]).
pub const SCRIPT: &str = include_str!("report.js");

/// Background colours of labels, by column of the matrix (pack order); repeats past the end.
/// Eleven hues from Paul Tol's "light" and "muted" schemes (distinguishable with the common
/// colour-vision deficiencies), with restraint (blue) and concern (orange) far apart.
const PALETTE: [&str; 11] = [
    "#77aadd", "#eedd88", "#44bb99", "#ee8866", "#cc6677", "#99ddff", "#bbcc33", "#ffaabb",
    "#aa99dd", "#dddddd", "#aaaa00",
];
/// Underline styles of labels, by column: with the lightness of the colours they keep labels
/// apart in grayscale and print.
const STROKES: [&str; 4] = ["solid", "dashed", "dotted", "double"];

impl<W> HtmlSink<'_, W> {
    /// The label colour classes: `.lN` a background with an underline of its own style,
    /// `.uN` the underline alone (for the second of two overlapping labels).
    fn colours(&self) -> String {
        let mut css = String::new();
        for i in 0..self.counts.labels().len().max(1) {
            let colour = PALETTE[i % PALETTE.len()];
            let stroke = STROKES[i % STROKES.len()];
            let _ = write!(
                css,
                ".l{i}{{background:{colour};border-bottom:3px {stroke} #2b2b2b}}\
                 .u{i}{{box-shadow:inset 0 -3px 0 {colour}}}"
            );
        }
        css
    }

    /// Everything up to the filters: the head with `policy`, and the header with the counts.
    pub(super) fn page_head(&self, policy: &str) -> String {
        let p = &self.meta.provenance;
        let c = &self.counts;
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"demarche {v}\">\n\
             <title>demarche report</title>\n<style>\n{CSS}{colours}\n</style>\n</head>\n<body>\n\
             <header><h1>demarche report</h1>\n\
             <p class=\"counts\">articles <span id=\"n-articles\">{a}</span> · \
             statements <span id=\"n-statements\">{s}</span> · \
             stances <span id=\"n-stances\">{st}</span> · \
             errors <span id=\"n-errors\">{e}</span></p>\n\
             <p class=\"prov\">demarche <span id=\"version\">{v}</span> · rule pack \
             <code id=\"rules-hash\" title=\"demarche rules --hash\">{r}</code></p>\n</header>\n",
            // The policy is the page's own (base64 and quotes), not input: written as is.
            colours = self.colours(),
            v = escape(&p.version),
            r = escape(&p.rules),
            a = c.articles,
            s = c.statements,
            st = c.stances,
            e = c.errors,
        )
    }

    /// The filter form: search, article, actor, label, target, date range, and the status
    /// line with *Show all* and the CSV download.
    pub(super) fn controls(&self) -> String {
        let c = &self.counts;
        let mut articles = String::new();
        for (n, id, title) in &self.articles {
            let name = match title {
                Some(t) => format!("{id} — {t}"),
                None => id.clone(),
            };
            let _ = write!(articles, "<option value=\"{n}\">{}</option>", escape(&name));
        }
        let mut actors = String::new();
        for row in c.rows() {
            let (value, name) = match &row.actor {
                Some(a) => (a.as_str(), a.as_str()),
                None => ("-", "(no actor)"),
            };
            let _ = write!(
                actors,
                "<option value=\"{}\">{} ({})</option>",
                escape(value),
                escape(name),
                row.statements
            );
        }
        let mut labels = String::new();
        for (i, l) in c.labels().iter().enumerate() {
            if c.label_total(i) > 0 {
                let _ = write!(labels, "<option value=\"{0}\">{0}</option>", escape(l));
            }
        }
        let mut targets = String::new();
        let mut rows: Vec<(&Option<String>, &usize)> = self.targets.iter().collect();
        rows.sort_by_key(|(t, n)| (t.is_none(), std::cmp::Reverse(**n), (*t).clone()));
        for (t, n) in rows {
            let (value, name) = t.as_deref().map_or(("-", "(no target)"), |t| (t, t));
            let _ = write!(
                targets,
                "<option value=\"{}\">{} ({n})</option>",
                escape(value),
                escape(name)
            );
        }
        format!(
            "<form id=\"filters\" class=\"filters\" autocomplete=\"off\">\
             <label class=\"search\">Search <input type=\"search\" id=\"f-q\" \
             placeholder=\"statement text or speaker\"></label>\n\
             <label>Article <select id=\"f-article\"><option value=\"\">all</option>{articles}</select></label>\n\
             <label>Actor <select id=\"f-actor\"><option value=\"\">all</option>{actors}</select></label>\n\
             <label>Label <select id=\"f-label\"><option value=\"\">all</option>{labels}</select></label>\n\
             <label>Target <select id=\"f-target\"><option value=\"\">all</option>{targets}</select></label>\n\
             <label>From <input type=\"date\" id=\"f-from\"></label>\n\
             <label>To <input type=\"date\" id=\"f-to\"></label>\n\
             <button type=\"reset\" id=\"show-all\">Show all</button>\n\
             <button type=\"button\" id=\"download\">Download shown as CSV</button>\n\
             <p class=\"filter\"><span id=\"filter-status\" aria-live=\"polite\">Showing all \
             {} statements.</span></p></form>\n",
            c.statements
        )
    }

    /// The actors × labels matrix: sortable by any column, labels no statement has left out,
    /// the `(no actor)` row last, row and column totals.
    pub(super) fn matrix(&self) -> String {
        let c = &self.counts;
        let shown: Vec<usize> = (0..c.labels().len())
            .filter(|&i| c.label_total(i) > 0)
            .collect();
        let mut h = String::from(
            "<section id=\"summary\"><h2>Actors × labels</h2>\n\
             <p class=\"hint\">Statements per actor and label. Click a count to show only those \
             statements, again to show all; click a heading to sort. A statement with several \
             actors counts in each of their rows; labels that no statement has are left out.</p>\n\
             <div class=\"scroll\"><table id=\"matrix\"><thead><tr>\
             <th scope=\"col\"><button type=\"button\" class=\"sort\" data-sort=\"0\">actor</button></th>",
        );
        for (k, &i) in shown.iter().enumerate() {
            let l = &c.labels()[i];
            let codes = self.meta.label(l).map_or(String::new(), |info| {
                format!(
                    "CAMEO {} · PLOVER {}",
                    info.cameo.as_deref().unwrap_or("-"),
                    info.plover.as_deref().unwrap_or("-")
                )
            });
            let _ = write!(
                h,
                "<th scope=\"col\" title=\"{}\"><button type=\"button\" class=\"sort\" \
                 data-sort=\"{}\"><span class=\"swatch l{i}\"></span>{}</button></th>",
                escape(&codes),
                k + 1,
                escape(l)
            );
        }
        let _ = writeln!(
            h,
            "<th scope=\"col\"><button type=\"button\" class=\"sort\" data-sort=\"{}\">\
             statements</button></th></tr></thead><tbody>",
            shown.len() + 1
        );
        for row in c.rows() {
            let code = row.actor.clone().unwrap_or_else(|| "-".into());
            let name = row.actor.as_deref().unwrap_or("(no actor)");
            let cameo = row.actor.as_deref().and_then(|a| self.meta.actor_cameo(a));
            let class = if row.actor.is_none() {
                " class=\"noactor\""
            } else {
                ""
            };
            let _ = write!(
                h,
                "<tr{class}><th scope=\"row\" title=\"CAMEO {}\">{}</th>",
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
        h.push_str("</tr></tfoot></table></div></section>\n");
        h
    }

    /// The timeline section: drawn by the script from the statements shown, hidden when no
    /// article has a date it can place; a legend of the labels that occur.
    pub(super) fn timeline(&self) -> String {
        let c = &self.counts;
        let mut legend = String::new();
        let mut classes = Vec::new();
        for (i, l) in c.labels().iter().enumerate() {
            classes.push(format!("{l}:l{i}"));
            if c.label_total(i) > 0 {
                let _ = write!(
                    legend,
                    "<span class=\"key\"><span class=\"swatch l{i}\"></span>{}</span> ",
                    escape(l)
                );
            }
        }
        let hidden = if self.dated { "" } else { " hidden" };
        format!(
            "<section id=\"timeline\" data-classes=\"{}\"{hidden}><h2>Timeline</h2>\n\
             <p class=\"hint\"><span id=\"tl-caption\">Stances per day</span>, by label, for the \
             statements shown. Articles without a date are left out.</p>\n\
             <p class=\"legend\">{legend}</p><div id=\"tl-bars\" class=\"bars\"></div>\
             <div id=\"tl-axis\" class=\"axis\"></div></section>\n",
            escape(&classes.join(" "))
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
