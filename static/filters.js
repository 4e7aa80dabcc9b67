// Exercise filters: narrow the list by muscle, goal, level and equipment.
// Without JavaScript the page stays a complete list; the choice lives in the URL.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("exercise-list");
  if (!form || !list) return;
  var cards = Array.prototype.slice.call(list.children);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var count = document.getElementById("filter-count");

  function apply() {
    var shown = 0;
    cards.forEach(function (card) {
      var match = selects.every(function (select) {
        if (!select.value) return true;
        return (card.getAttribute("data-" + select.name) || "").split(" ").indexOf(select.value) >= 0;
      });
      card.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = "Showing " + shown + " of " + cards.length + " exercises";
  }

  function remember() {
    var params = new URLSearchParams();
    selects.forEach(function (select) { if (select.value) params.set(select.name, select.value); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  var params = new URLSearchParams(location.search);
  selects.forEach(function (select) {
    var wanted = params.get(select.name);
    if (wanted && select.querySelector('option[value="' + CSS.escape(wanted) + '"]')) select.value = wanted;
  });
  form.hidden = false;
  form.addEventListener("change", function () { apply(); remember(); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(); remember(); }, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
