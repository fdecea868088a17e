// Sighting form: position from the phone, and show the fields for the chosen kind of person
// (the register search is lookup.js). Without JavaScript every field still works.
(function () {
  var form = document.getElementById("sighting-form");
  if (!form) return;

  var geoButton = document.getElementById("geo-button");
  var geoStatus = document.getElementById("geo-status");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  if (navigator.geolocation && geoButton) {
    geoButton.hidden = false;
    geoButton.addEventListener("click", function () {
      geoStatus.textContent = form.dataset.geoWait;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lat.value = pos.coords.latitude.toFixed(5);
          lon.value = pos.coords.longitude.toFixed(5);
          geoStatus.textContent = form.dataset.geoOk;
        },
        function () { geoStatus.textContent = form.dataset.geoFail; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  var known = document.getElementById("person-known");
  var unknown = document.getElementById("person-unknown");
  function showPerson() {
    var checked = form.querySelector("input[name=person]:checked");
    var isKnown = checked && checked.value === "known";
    known.hidden = !isKnown;
    unknown.hidden = isKnown;
  }
  form.querySelectorAll("input[name=person]").forEach(function (r) {
    r.addEventListener("change", showPerson);
  });
  showPerson();

})();
