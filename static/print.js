// Print buttons and the paper choice of card decks.
(function () {
  "use strict";
  var root = document.documentElement;
  var options = document.querySelector(".print-options");
  if (options) {
    options.hidden = false;
    var choose = function (value) { root.setAttribute("data-paper", value); };
    Array.prototype.forEach.call(options.querySelectorAll("input[name=paper]"), function (radio) {
      if (radio.checked) choose(radio.value);
      radio.addEventListener("change", function () { choose(radio.value); });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
