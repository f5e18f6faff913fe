// Progressive enhancement only: every page works without this file.
// A form marked data-once disables its submit button after the first submit (no double send).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (b) {
    b.dataset.label = b.textContent;
    b.setAttribute("aria-disabled", "true");
    b.textContent = "正在提交…";
  });
});
// Move focus to the error summary so screen readers and keyboards land on it.
window.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});
// Coming back with the browser's back button: the form may be sent again.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    delete form.dataset.sent;
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.removeAttribute("aria-disabled");
      if (b.dataset.label) b.textContent = b.dataset.label;
    });
  });
});
