// Move the focus to a form's error summary when the page comes back with errors, as the GOV.UK
// Design System does: screen readers announce it, and keyboard users start from its links.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
