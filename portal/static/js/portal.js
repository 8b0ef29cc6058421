// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to a form's error summary so that screen readers announce the problems.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  // Select a one-time link in full when it gets focus, ready to copy.
  for (const input of document.querySelectorAll("[data-select-on-focus]")) {
    input.addEventListener("focus", () => input.select());
  }
});
