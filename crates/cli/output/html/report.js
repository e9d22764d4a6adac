// demarche report: search and filters, a sortable matrix, a timeline and a CSV export of the
// statements shown. Everything is read from the page's own markup at load; nothing is fetched.
// Each change makes one pass over the statements. The URL fragment can preset the filters
// (#actor=RUS&label=concern&q=ceasefire&from=2024-05-01); #selftest runs the
// browser test's probe.
(function () {
  "use strict";
  var errors = [];
  window.addEventListener("error", function (e) { errors.push(String(e.message)); });
  function $(id) { return document.getElementById(id); }

  var matrix = $("matrix");
  var status = $("filter-status");
  var form = $("filters");
  var controls = { q: $("f-q"), article: $("f-article"), actor: $("f-actor"), label: $("f-label"),
                   target: $("f-target"), from: $("f-from"), to: $("f-to") };
  var keys = ["q", "article", "actor", "label", "target", "from", "to"];
  var items = Array.prototype.map.call(document.querySelectorAll(".st"), function (el) {
    var sent = el.querySelector(".sent");
    var a = function (name) { return el.getAttribute(name) || ""; };
    return { el: el, art: el.parentNode, article: a("data-article"), actors: a("data-actors"),
             labels: a("data-labels"), targets: a("data-targets"), date: a("data-date"),
             speaker: a("data-speaker"), sentence: sent ? sent.textContent : "",
             search: (a("data-speaker") + "\n" + (sent ? sent.textContent : "")).toLowerCase(),
             shown: true };
  });
  var articles = document.querySelectorAll(".art");
  var shown = items.slice();

  function has(list, value) { return list.indexOf(" " + value + " ") >= 0; }
  function words(list) { return list.trim().split(/\s+/).filter(function (w) { return w && w !== "-"; }); }

  // The filter settings of the form.
  function state() {
    var s = {};
    keys.forEach(function (k) { s[k] = controls[k].value.trim(); });
    s.q = s.q.toLowerCase();
    return s;
  }

  function matches(it, s) {
    if (s.article && it.article !== s.article) { return false; }
    if (s.actor && !has(it.actors, s.actor)) { return false; }
    if (s.label && !has(it.labels, s.label)) { return false; }
    if (s.target && !has(it.targets, s.target)) { return false; }
    if (s.from || s.to) {
      if (!it.date || (s.from && it.date < s.from) || (s.to && it.date > s.to)) { return false; }
    }
    return !s.q || it.search.indexOf(s.q) >= 0;
  }

  // Shows the statements that match the form; returns how many.
  function apply() {
    var s = state();
    var filtering = keys.some(function (k) { return s[k] !== ""; });
    var visible = new Set();
    var stances = 0;
    shown = [];
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      var ok = matches(it, s);
      if (ok !== it.shown) { it.el.hidden = !ok; it.shown = ok; }
      if (ok) { shown.push(it); visible.add(it.art); stances += words(it.labels).length; }
    }
    for (var j = 0; j < articles.length; j++) {
      var hide = filtering && !visible.has(articles[j]);
      if (articles[j].hidden !== hide) { articles[j].hidden = hide; }
    }
    status.textContent = (filtering ? "Showing " + shown.length + " of " + items.length :
      "Showing all " + items.length) + " statements (" + stances + " stances) in " +
      visible.size + (visible.size === 1 ? " article." : " articles.");
    pressCells(s);
    drawTimeline();
    return shown.length;
  }

  // Marks the matrix cell of the actor and label filters, when only those are set.
  function pressCells(s) {
    if (!matrix) { return; }
    var only = !s.q && !s.article && !s.target && !s.from && !s.to && (s.actor || s.label);
    var buttons = matrix.querySelectorAll("button[data-actor]");
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var on = Boolean(only) && b.getAttribute("data-actor") === s.actor &&
        b.getAttribute("data-label") === s.label;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  // Sets a select to `value` (adding nothing: an unknown value clears it).
  function set(control, value) {
    control.value = value;
    if (control.value !== value) { control.value = ""; }
  }

  function clickCell(b) {
    var actor = b.getAttribute("data-actor"), label = b.getAttribute("data-label");
    if (b.getAttribute("aria-pressed") === "true") { actor = ""; label = ""; }
    reset();
    set(controls.actor, actor);
    set(controls.label, label);
    apply();
  }

  function reset() { keys.forEach(function (k) { controls[k].value = ""; }); }

  // Sorts the matrix rows by column `col` (0: actor), largest first, again for smallest
  // first; the "(no actor)" row stays last.
  function sortBy(th, col) {
    var body = matrix.tBodies[0];
    var asc = th.getAttribute("aria-sort") === "descending";
    var rows = Array.prototype.slice.call(body.rows);
    var value = function (row) {
      var text = row.cells[col].textContent;
      return col === 0 ? text : Number(text);
    };
    rows.sort(function (a, b) {
      var na = a.classList.contains("noactor"), nb = b.classList.contains("noactor");
      if (na !== nb) { return na ? 1 : -1; }
      var x = value(a), y = value(b);
      var d = x < y ? -1 : x > y ? 1 : 0;
      return col === 0 ? (asc ? -d : d) : (asc ? d : -d);
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(matrix.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }

  // --- timeline ---------------------------------------------------------------------------
  var timeline = $("timeline");
  var classes = {};
  if (timeline) {
    (timeline.getAttribute("data-classes") || "").split(" ").forEach(function (pair) {
      var at = pair.lastIndexOf(":");
      if (at > 0) { classes[pair.slice(0, at)] = pair.slice(at + 1); }
    });
  }
  var DAY = 86400000;
  function dayOf(date) { return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)); }
  function iso(ms) { return new Date(ms).toISOString().slice(0, 10); }

  // Stances per day (or per week from Monday, over 62 days) and label, of the dated
  // statements shown; returns the bins in order.
  function bins() {
    var dated = shown.filter(function (it) { return it.date; });
    if (!dated.length) { return { weekly: false, list: [] }; }
    var days = dated.map(function (it) { return dayOf(it.date); });
    var lo = Math.min.apply(null, days), hi = Math.max.apply(null, days);
    var weekly = (hi - lo) / DAY > 62;
    var start = function (ms) { return weekly ? ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY : ms; };
    var step = weekly ? 7 * DAY : DAY;
    var byStart = {}, list = [];
    for (var t = start(lo); t <= hi; t += step) {
      var bin = { start: t, counts: {}, total: 0 };
      byStart[t] = bin;
      list.push(bin);
    }
    dated.forEach(function (it, k) {
      var bin = byStart[start(days[k])];
      words(it.labels).forEach(function (l) {
        bin.counts[l] = (bin.counts[l] || 0) + 1;
        bin.total++;
      });
    });
    return { weekly: weekly, list: list };
  }

  function drawTimeline() {
    if (!timeline || timeline.hidden) { return; }
    var b = bins(), bars = $("tl-bars"), axis = $("tl-axis");
    bars.textContent = "";
    axis.textContent = "";
    $("tl-caption").textContent = b.weekly ? "Stances per week (from Monday)" : "Stances per day";
    var max = Math.max.apply(null, b.list.map(function (x) { return x.total; }).concat([1]));
    var every = Math.max(1, Math.ceil(b.list.length / 12));
    b.list.forEach(function (bin, i) {
      var bar = document.createElement("div");
      bar.className = "bar";
      var parts = [];
      Object.keys(classes).forEach(function (label) {
        var n = bin.counts[label];
        if (!n) { return; }
        var seg = document.createElement("div");
        seg.className = "seg " + classes[label];
        seg.style.height = (100 * n / max) + "%";
        seg.setAttribute("data-n", String(n));
        seg.setAttribute("data-label", label);
        bar.appendChild(seg);
        parts.push(label + " " + n);
      });
      bar.title = iso(bin.start) + ": " + bin.total + " stance(s)" + (parts.length ? " (" + parts.join(", ") + ")" : "");
      bars.appendChild(bar);
      var tick = document.createElement("span");
      tick.textContent = i % every === 0 ? iso(bin.start).slice(5) : "";
      axis.appendChild(tick);
    });
  }

  // --- CSV export -------------------------------------------------------------------------
  var CSV_COLUMNS = ["article_id", "title", "date", "url", "statement_id", "speaker", "actors",
                     "targets", "labels", "rules", "sentence"];

  // The statements shown, one row each, with a header row first.
  function csvRows() {
    var rows = [CSV_COLUMNS];
    shown.forEach(function (it) {
      var art = it.art, a = function (n) { return art.getAttribute(n) || ""; };
      rows.push([a("data-id"), a("data-title"), a("data-date"), a("data-url"),
                 it.el.getAttribute("data-id") || "", it.speaker, words(it.actors).join(";"),
                 words(it.targets).join(";"), words(it.labels).join(";"),
                 (it.el.getAttribute("data-rules") || "").split(", ").join(";"), it.sentence]);
    });
    return rows;
  }

  // RFC 4180 quoting; a cell that starts with = + - @ tab or CR gets a leading ' so that a
  // spreadsheet shows it as text (as `--excel` does).
  function csvCell(v) {
    var s = /^[=+\-@\t\r]/.test(v) ? "'" + v : v;
    return /[",\r\n]/.test(s) ? "\"" + s.replace(/"/g, "\"\"") + "\"" : s;
  }

  function download() {
    var text = csvRows().map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    var url = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = "demarche-statements.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // --- wiring -----------------------------------------------------------------------------
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  $("download").addEventListener("click", download);
  if (matrix) {
    matrix.addEventListener("click", function (e) {
      var cell = e.target.closest("button[data-actor]");
      if (cell) { clickCell(cell); return; }
      var sort = e.target.closest("button.sort");
      if (sort) { sortBy(sort.parentNode, Number(sort.getAttribute("data-sort"))); }
    });
  }

  var params = new URLSearchParams(location.hash.slice(1));
  if (!params.has("selftest")) {
    keys.forEach(function (k) { if (params.has(k)) { set(controls[k], params.get(k)); } });
  }
  apply();

  // `#selftest`: the browser test's probe. Checks every matrix count against the statements,
  // clicks a cell, counts each option of each filter, the search (`q=`) and the date range
  // (`from=`, `to=`) given after it, checks the timeline and the CSV rows after each, measures
  // the layout, and writes the results as JSON into <pre id="selftest">.
  function timelineSum() {
    var sum = 0;
    Array.prototype.forEach.call(document.querySelectorAll("#tl-bars .seg"), function (s) {
      sum += Number(s.getAttribute("data-n"));
    });
    return sum;
  }
  function datedStances() {
    return shown.reduce(function (n, it) { return n + (it.date ? words(it.labels).length : 0); }, 0);
  }
  function check(out, name) {
    var n = apply();
    out.counts[name] = n;
    if (!timeline.hidden && timelineSum() !== datedStances()) {
      out.timelineMismatches.push([name, timelineSum(), datedStances()]);
    }
    if (csvRows().length - 1 !== n) { out.csvMismatches.push([name, csvRows().length - 1, n]); }
    out.timelineSums[name] = timeline.hidden ? null : timelineSum();
  }
  function layout() {
    var wrap = matrix ? matrix.parentNode : null;
    var cut = [];
    Array.prototype.forEach.call(matrix ? matrix.querySelectorAll("th") : [], function (th) {
      if (th.scrollWidth > th.clientWidth + 1) { cut.push(th.textContent); }
    });
    var noActor = matrix ? matrix.querySelector("tr.noactor") : null;
    var r = noActor ? noActor.getBoundingClientRect() : null;
    return { viewport: window.innerWidth, page: document.documentElement.scrollWidth,
             matrixScroll: wrap ? wrap.scrollWidth : 0, matrixClient: wrap ? wrap.clientWidth : 0,
             cutHeaders: cut, noActorRight: r ? Math.round(r.right) : null,
             noActorHeight: r ? Math.round(r.height) : null };
  }
  function selftest() {
    var out = { errors: errors, statements: items.length, title: document.title,
                header: Number($("n-statements").textContent), mismatches: [], counts: {},
                timelineMismatches: [], csvMismatches: [], timelineSums: {},
                timeline: !timeline.hidden, layout: layout() };
    try {
      reset();
      var buttons = matrix ? matrix.querySelectorAll("button[data-actor]") : [];
      out.buttons = buttons.length;
      for (var i = 0; i < buttons.length; i++) {
        var s = { q: "", article: "", target: "", from: "", to: "",
                  actor: buttons[i].getAttribute("data-actor"), label: buttons[i].getAttribute("data-label") };
        var want = Number(buttons[i].textContent), got = 0;
        for (var k = 0; k < items.length; k++) { if (matches(items[k], s)) { got++; } }
        if (got !== want) { out.mismatches.push([s.actor, s.label, want, got]); }
      }
      var cell = matrix && matrix.querySelector("tbody button[data-label]:not([data-label=''])");
      if (cell) {
        var t0 = performance.now();
        cell.click();
        out.filterMs = Math.round(performance.now() - t0);
        out.clicked = { actor: cell.getAttribute("data-actor"), label: cell.getAttribute("data-label"),
                        count: Number(cell.textContent) };
        out.visible = document.querySelectorAll(".st:not([hidden])").length;
        out.visibleArticles = document.querySelectorAll(".art:not([hidden])").length;
        out.status = status.textContent;
        out.pressed = cell.getAttribute("aria-pressed");
        cell.click();
        out.afterSecondClick = document.querySelectorAll(".st:not([hidden])").length;
      }
      if (items.length <= 1000) {
        ["article", "actor", "label", "target"].forEach(function (key) {
          var sel = controls[key];
          for (var o = 1; o < sel.options.length; o++) {
            reset();
            sel.value = sel.options[o].value;
            check(out, key + ":" + sel.value);
          }
        });
      }
      reset();
      if (params.has("q")) { controls.q.value = params.get("q"); check(out, "q:" + params.get("q")); }
      reset();
      if (params.has("from") || params.has("to")) {
        controls.from.value = params.get("from") || "";
        controls.to.value = params.get("to") || "";
        check(out, "dates");
      }
      reset();
      check(out, "all");
    } catch (e) {
      errors.push(String(e));
    }
    var pre = document.createElement("pre");
    pre.id = "selftest";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  if (params.has("selftest")) { selftest(); }
})();
