// Check-in on delivery: "Use my position" fills the latitude and longitude of its form from the
// browser's geolocation; the fields stay editable (manual fallback when the phone says no).
(function () {
  "use strict";
  function fill(form) {
    var status = form.querySelector(".checkin-status");
    var lat = form.querySelector(".checkin-lat, input[name=latitude]");
    var lng = form.querySelector(".checkin-lng, input[name=longitude]");
    if (!navigator.geolocation || !lat || !lng) {
      if (status) status.textContent = status.dataset.manual || status.textContent;
      return;
    }
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      form.classList.add("located");
    }, function () {
      form.classList.add("not-located");
      if (lat) lat.focus();
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".checkin-form").forEach(function (form) {
      var button = form.querySelector(".checkin-locate");
      if (button) button.addEventListener("click", function () { fill(form); });
    });
  });
})();
