// The report form's map: a draggable pin that fills the latitude/longitude boxes (kept as the no-JavaScript
// fallback), "use my location" that always says what happened, and the typed address as a full alternative.
(function () {
  "use strict";
  const form = document.getElementById("report-form");
  const element = document.getElementById("report-map");
  if (!form || !element) return;
  const latitude = form.querySelector("[name=latitude]");
  const longitude = form.querySelector("[name=longitude]");
  const status = document.getElementById("location-status");
  const locate = document.getElementById("use-location");
  let marker = null;
  let map = null;

  function say(key) {
    status.textContent = status.dataset[key];
    status.hidden = false;
    status.classList.toggle("error-message", key !== "found" && key !== "placed");
  }

  function fill(lat, lng) {
    latitude.value = lat.toFixed(6);
    longitude.value = lng.toFixed(6);
    longitude.dispatchEvent(new Event("change", { bubbles: true }));  // nearby.js looks for reports close by
  }

  function place(lat, lng, announce) {
    fill(lat, lng);
    if (!map) return;
    if (marker) {
      marker.setLatLng([lat, lng]);
    } else {
      marker = L.marker([lat, lng], { draggable: true, autoPan: true, title: element.dataset.pinLabel,
                                       alt: element.dataset.pinLabel, keyboard: true }).addTo(map);
      marker.on("dragend", function () {
        const point = marker.getLatLng();
        fill(point.lat, point.lng);
        say("placed");
      });
    }
    if (announce) say(announce);
  }

  if (window.L) {
    element.hidden = false;
    document.getElementById("map-help").hidden = false;
    document.getElementById("coordinate-boxes").hidden = true;
    document.getElementById("map-errors").hidden = false;  // a refused point is explained next to the map
    map = window.GwangjuMaps.baseMap(element, { zoom: 12 });
    map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, "placed"); });
    const lat = parseFloat(latitude.value);
    const lng = parseFloat(longitude.value);
    if (isFinite(lat) && isFinite(lng)) {
      place(lat, lng, null);
      map.setView([lat, lng], 16);
    }
    window.GwangjuMaps.loadDistricts(element).then(function (outlines) {
      L.geoJSON(outlines, { interactive: false, style: { color: "#00693e", weight: 1, fillOpacity: 0.03 } }).addTo(map);
    }).catch(function () { /* the outlines only help: the pin works without them */ });
  }

  if (!locate) return;
  if (!navigator.geolocation) {
    locate.addEventListener("click", function () { say("unsupported"); });
    return;
  }
  locate.addEventListener("click", function () {
    say("searching");
    navigator.geolocation.getCurrentPosition(function (position) {
      place(position.coords.latitude, position.coords.longitude, "found");
      if (map) map.setView([position.coords.latitude, position.coords.longitude], 17);
    }, function (error) {
      say(error.code === 1 ? "denied" : error.code === 3 ? "timeout" : "unavailable");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
