// STROM's only script of its own. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Move focus to the error summary when a form comes back with errors, so screen-reader and
  // keyboard users hear what went wrong first (WCAG 3.3.1).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrorSummary(event.target); });
  // Auto-submit selects marked data-autosubmit (for example the language switcher), keeping the
  // button for people without scripts.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
})();
