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
  // The case page: a tab swapped in by htmx takes the focus, so keyboard and screen-reader users land
  // on what they opened; on a phone its tables become cards whose cells show their column's name.
  function labelCells(root) {
    var tables = root.querySelectorAll(".case-page table");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (heads[i] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", heads[i]); }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
  document.addEventListener("htmx:afterSettle", function () { labelCells(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = document.getElementById("case-panel");
    if (panel && event.target && event.target.id === "case-body") { panel.focus(); }
  });
  // Print buttons (the printable case file).
  document.addEventListener("click", function (event) {
    var el = event.target;
    if (el && el.closest && el.closest("[data-print]")) { window.print(); }
  });
  // Auto-submit selects marked data-autosubmit (for example the language switcher), keeping the
  // button for people without scripts.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
})();
