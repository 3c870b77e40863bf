// Every page: focus the error summary after a failed send; a form sends once ("sending…", button disabled);
// wide tables read as cards on a phone (style.css), each cell labelled with its column's header.
(function () {
  document.querySelectorAll("main table.list").forEach(function (table) {
    if (table.closest(".table-scroll")) return;  // the donated data keeps its grid and scrolls inside its box
    const headers = Array.from(table.querySelectorAll("thead th")).map(function (th) { return th.textContent.trim(); });
    table.classList.add("cards-sm");
    table.querySelectorAll("tbody tr, tr").forEach(function (row) {
      if (row.parentElement.tagName === "THEAD") return;
      Array.from(row.cells).forEach(function (cell, index) {
        if (cell.colSpan > 1 || cell.hasAttribute("data-label") || cell.classList.contains("card-title")) return;
        if (index === 0 && cell.tagName === "TH") return;  // a row header is the card's title
        if (headers[index]) cell.setAttribute("data-label", headers[index]);
      });
    });
  });

  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  const sendingLabel = document.body.dataset.sending || "…";
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }  // a second press or Enter: ignored
    form.dataset.sending = "1";
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
      button.dataset.label = button.textContent;
      if (button === event.submitter || !event.submitter) button.textContent = sendingLabel;
      button.setAttribute("aria-disabled", "true");
      // Disabled after this event, so the button's own name/value (if any) is still sent with the form.
      setTimeout(function () { button.disabled = true; }, 0);
    });
  });
  // Coming back with the Back button shows the form usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sending='1']").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll("button[aria-disabled=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
        if (button.dataset.label) button.textContent = button.dataset.label;
      });
    });
  });
})();
