// Progressive help on the report form: warn about oversized photos before upload, fill in the location.
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
  const locate = document.getElementById("use-location");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      });
    });
  } else if (locate) {
    locate.hidden = true;
  }
})();
