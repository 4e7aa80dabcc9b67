// Offline search over exercises, tips and plans. The index is built with the
// site and loaded the first time the search box is used.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  if (!form) return;
  var input = form.querySelector("input");
  var results = form.querySelector(".search-results");
  var root = form.getAttribute("data-root") || "./";
  // Page URLs are folders; name the file so links also work from disk.
  var served = location.protocol !== "file:";
  function address(entry) { return root + entry.u + (served ? "" : "index.html"); }
  var index = null;
  var loading = null;
  var active = -1;
  var matches = [];

  function load() {
    if (index || loading) return loading;
    loading = new Promise(function (resolve) {
      var script = document.createElement("script");
      script.src = root + "search-index.js";
      script.onload = function () { index = window.LEGWORK_SEARCH || []; resolve(); };
      script.onerror = function () { index = []; resolve(); };
      document.head.appendChild(script);
    });
    return loading;
  }

  function words(text) { return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean); }

  function score(entry, terms) {
    var total = 0;
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i], best = 0;
      var fields = [[entry.t, 12], [entry.a, 9], [entry.g, 6], [entry.s, 4], [entry.b, 1]];
      for (var j = 0; j < fields.length; j++) {
        var hay = " " + fields[j][0].toLowerCase();
        if (hay.indexOf(" " + term) >= 0) best = Math.max(best, fields[j][1] * 2);
        else if (hay.indexOf(term) >= 0) best = Math.max(best, fields[j][1]);
      }
      if (!best) return 0;
      total += best;
    }
    return total;
  }

  function search(query) {
    var terms = words(query);
    if (!terms.length) return [];
    return index.map(function (entry) { return { entry: entry, score: score(entry, terms) }; })
      .filter(function (hit) { return hit.score > 0; })
      .sort(function (a, b) { return b.score - a.score || a.entry.t.localeCompare(b.entry.t); })
      .slice(0, 8).map(function (hit) { return hit.entry; });
  }

  function render() {
    results.innerHTML = "";
    matches.forEach(function (entry, i) {
      var item = document.createElement("li");
      item.id = "search-result-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      var link = document.createElement("a");
      link.href = address(entry);
      link.tabIndex = -1;
      link.textContent = entry.t;
      var kind = document.createElement("span");
      kind.textContent = entry.k + " \u00b7 " + entry.s;
      link.appendChild(kind);
      item.appendChild(link);
      results.appendChild(item);
    });
    if (!matches.length && input.value.trim()) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = "No matches";
      results.appendChild(empty);
    }
    var open = input.value.trim() !== "";
    results.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (active >= 0) input.setAttribute("aria-activedescendant", "search-result-" + active);
    else input.removeAttribute("aria-activedescendant");
  }

  function update() {
    load().then(function () {
      matches = search(input.value);
      active = matches.length ? 0 : -1;
      render();
    });
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!matches.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + matches.length) % matches.length;
      render();
    } else if (event.key === "Enter") {
      event.preventDefault();
      load().then(function () {
        matches = search(input.value);
        var chosen = matches[Math.max(active, 0)];
        if (chosen) location.href = address(chosen);
      });
    } else if (event.key === "Escape") {
      input.value = "";
      matches = [];
      render();
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" ||
                            target.tagName === "TEXTAREA" || target.isContentEditable);
    if (event.key === "/" && !typing) { event.preventDefault(); input.focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) { results.hidden = true; input.setAttribute("aria-expanded", "false"); }
  });

  // On the search page, show the results for ?q= at once.
  var page = document.getElementById("search-page-results");
  var query = new URLSearchParams(location.search).get("q");
  if (page && query) {
    input.value = query;
    load().then(function () {
      var found = search(query);
      page.innerHTML = "";
      var heading = document.getElementById("search-page-status");
      heading.textContent = found.length + " result" + (found.length === 1 ? "" : "s") + " for \u201c" + query + "\u201d";
      found.forEach(function (entry) {
        var item = document.createElement("li");
        item.className = "card";
        var title = document.createElement("h2");
        title.className = "card-title";
        var link = document.createElement("a");
        link.href = address(entry);
        link.textContent = entry.t;
        title.appendChild(link);
        var summary = document.createElement("p");
        summary.textContent = entry.s;
        item.appendChild(title);
        item.appendChild(summary);
        page.appendChild(item);
      });
    });
  }
})();
