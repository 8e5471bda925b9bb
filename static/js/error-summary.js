/*
 * The error summary of a form (GOV.UK pattern, templates/includes/form_errors.html).
 * After a failed submit the focus moves to the summary, so that a screen reader reads the problems first and
 * a keyboard starts there. A link in the summary focuses its field and scrolls its label into view with it
 * (a plain jump to the field would hide the label and the message above it).
 * Without JavaScript the summary still stands at the top of the form and its links jump to the fields.
 */
(function () {
  "use strict";

  function labelOf(field) {
    var fieldset = field.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    if (legend) {
      return legend;
    }
    return document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
  }

  function focusField(event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var wrapper = field.closest(".field");
    (wrapper || labelOf(field) || field).scrollIntoView();
    field.focus({ preventScroll: true });
  }

  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", focusField);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
