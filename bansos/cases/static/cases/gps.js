// Progressive enhancement: fill the latitude/longitude fields from the device's location (the form works
// without it: the fields can be typed).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("use-gps");
    var lat = document.getElementById("id_latitude");
    var lng = document.getElementById("id_longitude");
    if (!button || !lat || !lng || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        lat.value = position.coords.latitude.toFixed(6);
        lng.value = position.coords.longitude.toFixed(6);
      });
    });
  });
})();
