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
// The header's count of new work (late tasks, supervision, dispatches, call-backs) refreshes
// itself every 30 seconds; without this file the count is as of the page's loading.
(function () {
  var link = document.querySelector("[data-pulse]");
  if (!link || !window.fetch) return;
  function parts(p) {
    var out = [];
    if (p.overdue) out.push("超期" + p.overdue);
    if (p.supervision) out.push("督办" + p.supervision);
    if (p.dispatches) out.push("派单" + p.dispatches);
    if (p.callbacks) out.push("待回访" + p.callbacks);
    return out.join(" ");
  }
  function refresh() {
    fetch(link.getAttribute("data-pulse"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        link.querySelector("[data-pulse-total]").textContent = p.total;
        link.querySelector("[data-pulse-parts]").textContent = parts(p);
        link.classList.toggle("has-work", p.total > 0);
      })
      .catch(function () {});
  }
  setInterval(refresh, 30000);
})();
