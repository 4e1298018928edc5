// granskning: small enhancements; every page works without this file.
(function () {
  "use strict";
  // Ctrl+Enter (Cmd+Enter) in a text area submits its form.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.tagName === "TEXTAREA" && target.form) {
      event.preventDefault();
      target.form.requestSubmit();
    }
  });
  // After htmx swaps a page in, move focus to its main content (as a full page load would).
  document.addEventListener("htmx:afterSettle", function (event) {
    var main = document.getElementById("main");
    if (main && event.detail && event.detail.boosted) { main.focus(); }
  });
})();
