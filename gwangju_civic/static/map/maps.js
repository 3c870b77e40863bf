// Shared by every map: a Leaflet map on the configured tiles, with the tiles' and the districts' credits.
(function () {
  "use strict";
  const GWANGJU = [35.1595, 126.8526];

  function baseMap(element, options) {
    const map = L.map(element, Object.assign({ center: GWANGJU, zoom: 11, scrollWheelZoom: false }, options || {}));
    L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.attribution,
      maxZoom: 19,
      // Tile servers such as OpenStreetMap's ask to know which site uses them: send our origin, never the path.
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
    map.attributionControl.addAttribution(element.dataset.districtAttribution);
    return map;
  }

  function loadDistricts(element) {
    return fetch(element.dataset.districtsUrl, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("districts " + response.status);
      return response.json();
    });
  }

  window.GwangjuMaps = { baseMap: baseMap, loadDistricts: loadDistricts };
})();
