// Move the focus to a form's error summary when the page comes back with errors: screen readers
// announce it, and keyboard users start from its links to the fields that need them.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
