// Moves focus to a form's error summary so screen reader users hear what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
});
