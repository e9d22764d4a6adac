// demarche report: filter statements from the actors x labels matrix.
// One delegated click listener on the matrix; one pass over the statements per click, with
// their actors and labels read once at load. No network, no per-row listeners.
(function () {
  "use strict";
  var errors = [];
  window.addEventListener("error", function (e) { errors.push(String(e.message)); });

  var matrix = document.getElementById("matrix");
  var status = document.getElementById("filter-status");
  var showAll = document.getElementById("show-all");
  var items = Array.prototype.map.call(document.querySelectorAll(".st"), function (el) {
    return { el: el, art: el.parentNode, actors: el.getAttribute("data-actors"),
             labels: el.getAttribute("data-labels"), shown: true };
  });
  var articles = document.querySelectorAll(".art");
  var pressed = null;

  function matches(item, actor, label) {
    return (!actor || item.actors.indexOf(" " + actor + " ") >= 0) &&
           (!label || item.labels.indexOf(" " + label + " ") >= 0);
  }

  // Shows the statements with `actor` and `label` (empty = any); returns how many.
  function filter(actor, label) {
    var filtering = Boolean(actor || label);
    var visible = new Set();
    var n = 0;
    for (var i = 0; i < items.length; i++) {
      var it = items[i];
      var ok = matches(it, actor, label);
      if (ok !== it.shown) { it.el.hidden = !ok; it.shown = ok; }
      if (ok) { n++; visible.add(it.art); }
    }
    for (var j = 0; j < articles.length; j++) {
      var hide = filtering && !visible.has(articles[j]);
      if (articles[j].hidden !== hide) { articles[j].hidden = hide; }
    }
    if (filtering) {
      var what = [actor === "-" ? "no actor" : actor, label].filter(Boolean).join(", ");
      status.textContent = "Showing " + n + " of " + items.length + " statements (" + what +
        ") in " + visible.size + (visible.size === 1 ? " article." : " articles.");
    } else {
      status.textContent = "Showing all " + items.length + " statements.";
    }
    showAll.hidden = !filtering;
    return n;
  }

  function press(button) {
    if (pressed) { pressed.setAttribute("aria-pressed", "false"); }
    pressed = button;
    if (button) {
      button.setAttribute("aria-pressed", "true");
      filter(button.getAttribute("data-actor"), button.getAttribute("data-label"));
    } else {
      filter("", "");
    }
  }

  if (matrix) {
    matrix.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-actor]");
      if (b) { press(b === pressed ? null : b); }
    });
  }
  showAll.addEventListener("click", function () { press(null); });

  // `#selftest`: the browser test's probe. Checks every matrix count against the statements,
  // clicks a cell, and writes the results as JSON into <pre id="selftest">.
  function selftest() {
    var out = { errors: errors, statements: items.length,
                header: Number(document.getElementById("n-statements").textContent),
                mismatches: [] };
    try {
      var buttons = matrix ? matrix.querySelectorAll("button[data-actor]") : [];
      out.buttons = buttons.length;
      for (var i = 0; i < buttons.length; i++) {
        var a = buttons[i].getAttribute("data-actor"), l = buttons[i].getAttribute("data-label");
        var want = Number(buttons[i].textContent), got = 0;
        for (var k = 0; k < items.length; k++) { if (matches(items[k], a, l)) { got++; } }
        if (got !== want) { out.mismatches.push([a, l, want, got]); }
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
    } catch (e) {
      errors.push(String(e));
    }
    var pre = document.createElement("pre");
    pre.id = "selftest";
    pre.textContent = JSON.stringify(out);
    document.body.appendChild(pre);
  }
  if (location.hash === "#selftest") { selftest(); }
})();
