// The dashboard's district map: each gu shaded by its open reports per 10,000 residents, read from the table
// below it (the table stays the accessible version of the same figures).
(function () {
  "use strict";
  const element = document.getElementById("district-map");
  if (!element || !window.L) return;
  const rates = {};
  document.querySelectorAll("#district-load tbody tr[data-code]").forEach(function (row) {
    rates[row.dataset.code] = { rate: parseFloat(row.dataset.rate), name: row.querySelector("th").textContent };
  });
  const highest = Math.max.apply(null, Object.values(rates).map(function (r) { return r.rate; }).concat([0]));
  const shades = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];

  function shade(rate) {
    if (!highest) return shades[0];
    return shades[Math.min(shades.length - 1, Math.floor((rate / highest) * (shades.length - 1) + 0.5))];
  }

  element.hidden = false;
  const map = window.GwangjuMaps.baseMap(element, { zoom: 10, zoomControl: true });
  window.GwangjuMaps.loadDistricts(element).then(function (outlines) {
    const layer = L.geoJSON(outlines, {
      style: function (feature) {
        const entry = rates[feature.properties.code] || { rate: 0 };
        return { color: "#1d2430", weight: 1, fillColor: shade(entry.rate), fillOpacity: 0.75 };
      },
      onEachFeature: function (feature, shape) {
        const entry = rates[feature.properties.code] || { rate: 0, name: feature.properties.name };
        shape.bindTooltip(entry.name + " " + entry.rate.toFixed(2), { permanent: true, direction: "center",
                                                                     className: "district-label" });
      },
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    element.dataset.drawn = "true";
  }).catch(function () { element.hidden = true; });
})();
