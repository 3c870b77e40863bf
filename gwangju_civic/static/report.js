// Progressive help on the report form: warn about oversized photos before upload.
(function () {
  const form = document.getElementById("report-form");
  if (!form) return;
  const maxBytes = Number(form.dataset.maxPhotoBytes);
  const maxPhotos = Number(form.dataset.maxPhotos);
  const photos = form.querySelector("input[type=file]");
  const warning = document.getElementById("photo-warning");
  form.addEventListener("submit", function (event) {
    const files = Array.from(photos.files || []);
    const tooMany = files.length > maxPhotos;
    const tooBig = files.some(function (file) { return file.size > maxBytes; });
    warning.hidden = !(tooMany || tooBig);
    if (tooMany || tooBig) event.preventDefault();
  });
  // "Use my location" and the pin live in map/report-map.js.
})();
