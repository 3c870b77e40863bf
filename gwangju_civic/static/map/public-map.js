// The public map: every public report with a place, clustered, filtered like the list, each pin a link to its page.
(function () {
  "use strict";
  const element = document.getElementById("public-map");
  if (!element || !window.L) return;
  const filters = document.getElementById("map-filters");
  const status = document.getElementById("map-status");
  const map = window.GwangjuMaps.baseMap(element, { zoom: 11 });
  const clusters = L.markerClusterGroup({ showCoverageOnHover: false });
  map.addLayer(clusters);

  window.GwangjuMaps.loadDistricts(element).then(function (outlines) {
    L.geoJSON(outlines, { interactive: false, style: { color: "#00693e", weight: 1, fillOpacity: 0.02 } }).addTo(map);
  }).catch(function () { /* outlines only help reading the map */ });

  function text(tag, value) {
    const node = document.createElement(tag);
    node.textContent = value;
    return node;
  }

  function popup(properties) {
    // Built from DOM nodes, never HTML strings: titles are residents' text.
    const box = document.createElement("div");
    box.className = "map-popup";
    const link = text("a", properties.title);
    link.href = properties.url;
    box.appendChild(link);
    box.appendChild(text("p", element.dataset.statusLabel + ": " + properties.status_label));
    if (properties.category_label) box.appendChild(text("p", element.dataset.categoryLabel + ": " + properties.category_label));
    if (properties.district_label) box.appendChild(text("p", element.dataset.districtLabel + ": " + properties.district_label));
    return box;
  }

  function query() {
    const params = new URLSearchParams(new FormData(filters));
    for (const key of Array.from(params.keys())) if (!params.get(key)) params.delete(key);
    return params;
  }

  function load() {
    const params = query();
    fetch(element.dataset.reportsUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("reports " + response.status);
        return response.json();
      })
      .then(function (collection) {
        clusters.clearLayers();
        collection.features.forEach(function (feature) {
          const point = feature.geometry.coordinates;
          const marker = L.marker([point[1], point[0]], { title: feature.properties.title,
                                                          alt: feature.properties.title });
          marker.bindPopup(popup(feature.properties));
          clusters.addLayer(marker);
        });
        status.textContent = collection.truncated ? status.dataset.truncated
          : status.dataset.count.replace("{n}", String(collection.features.length));
        element.dataset.loaded = String(collection.features.length);
      })
      .catch(function () { status.textContent = status.dataset.failed; });
  }

  filters.addEventListener("change", function () {
    history.replaceState(null, "", "?" + query().toString());
    load();
  });
  filters.addEventListener("submit", function (event) {
    event.preventDefault();
    history.replaceState(null, "", "?" + query().toString());
    load();
  });
  load();
})();
