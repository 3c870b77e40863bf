// "Nearby before sending": as the resident pins the place and types, open public reports close by or alike are
// listed with a link to follow them instead. Without JavaScript nothing changes; a failed look-up shows nothing.
(function () {
  "use strict";
  const form = document.getElementById("report-form");
  const box = document.getElementById("nearby");
  if (!form || !box || !window.fetch) return;
  const list = box.querySelector("ul");
  const fields = ["title", "description", "latitude", "longitude"].map(function (name) {
    return form.querySelector("[name=" + name + "]");
  });
  let timer = null;
  let asked = "";

  function show(reports) {
    list.replaceChildren();
    reports.forEach(function (report) {
      const item = document.createElement("li");
      const title = document.createElement("a");
      title.href = report.url;
      title.textContent = report.title;
      const facts = document.createElement("span");
      facts.className = "hint";
      facts.textContent = " · " + [report.category_label, report.status_label, report.district_label,
        report.distance_m === null ? null : report.distance_m + " m"].filter(Boolean).join(" · ") + " ";
      const follow = document.createElement("a");
      follow.href = report.follow_url;
      follow.className = "button secondary";
      follow.textContent = box.dataset.follow;
      item.append(title, facts, follow);
      list.append(item);
    });
    box.hidden = reports.length === 0;
  }

  function look() {
    const [title, description, latitude, longitude] = fields.map(function (field) { return field ? field.value : ""; });
    const query = new URLSearchParams({ latitude: latitude, longitude: longitude,
      text: (title + "\n" + description).trim().slice(0, 500) }).toString();
    if (query === asked) return;
    asked = query;
    fetch(box.dataset.url + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { reports: [] }; })
      .then(function (data) { if (query === asked) show(data.reports || []); })
      .catch(function () { /* the hint only helps: sending works without it */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(look, 800);
  }

  fields.forEach(function (field) {
    if (!field) return;
    field.addEventListener("input", later);
    field.addEventListener("change", later);
  });
})();
