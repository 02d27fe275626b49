// "Leave this site quickly": replace this page in the history, so Back does not return to it.
// Without JavaScript the link still leads away; only the history entry stays.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-leave]") : null;
    if (!link) { return; }
    event.preventDefault();
    document.body.textContent = "";
    document.title = "";
    window.location.replace(link.href);
  });
  // Escape pressed twice leaves too, for a visitor who is being watched.
  var last = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - last < 800) {
      var link = document.querySelector("[data-leave]");
      if (link) { window.location.replace(link.href); }
    }
    last = now;
  });
  // The error summary takes focus, as on the rest of the site.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
}());
