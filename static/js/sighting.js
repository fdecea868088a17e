// Sighting form: position from the phone or picked on the map, the fields for the chosen kind
// of person (the register search is lookup.js), photo checks before sending and a progress bar.
// Without JavaScript every field still works and the form posts as usual; the server checks
// everything again.
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

  // Pick a point on the map: Leaflet is loaded only when asked for (slow links).
  var pick = document.getElementById("pick-button");
  var mapEl = document.getElementById("pick-map");
  var marker = null;
  var map = null;
  function setPoint(latlng, fill) {
    if (fill) {
      lat.value = latlng.lat.toFixed(5);
      lon.value = latlng.lng.toFixed(5);
      geoStatus.textContent = mapEl.dataset.picked;
    }
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
  }
  function showMap() {
    var config = JSON.parse(document.getElementById("pick-map-config").textContent);
    L.Icon.Default.imagePath = mapEl.dataset.iconPath;
    var a = parseFloat(lat.value), b = parseFloat(lon.value);
    var typed = !isNaN(a) && !isNaN(b);
    // The approximate outlines (and the tiles, if configured) from map-base.js.
    map = TimporaMap.create(mapEl, config, { center: typed ? [a, b] : config.center, zoom: 15 }).map;
    if (typed) setPoint(map.getCenter(), false);
    map.on("click", function (e) { setPoint(e.latlng, true); });
    mapEl.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); setPoint(map.getCenter(), true); }
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("change", function () {
        var a = parseFloat(lat.value), b = parseFloat(lon.value);
        if (!isNaN(a) && !isNaN(b)) { setPoint(L.latLng(a, b), false); map.panTo([a, b]); }
      });
    });
  }
  if (pick && mapEl) {
    pick.hidden = false;
    pick.addEventListener("click", function () {
      var open = mapEl.hidden;
      mapEl.hidden = !open;
      pick.setAttribute("aria-expanded", String(open));
      if (!open || map) { if (map) map.invalidateSize(); return; }
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = mapEl.dataset.leafletCss;
      document.head.appendChild(css);
      function load(src, then) {
        var js = document.createElement("script");
        js.src = src;
        js.onload = then;
        document.head.appendChild(js);
      }
      load(mapEl.dataset.leafletJs, function () { load(mapEl.dataset.mapBase, showMap); });
    });
  }

  // Photos: checked before sending; sent with a progress bar (the sighting page; an
  // operation's finding form posts as usual).
  var upload = document.getElementById("upload");
  var check = document.getElementById("photo-check");
  if (upload && check) setUpUpload();

  function setUpUpload() {
    var photos = document.getElementById("id_photos");
    var types = ["image/jpeg", "image/png", "image/webp"];
    function photoProblems() {
      var problems = [];
      var files = photos ? Array.prototype.slice.call(photos.files) : [];
      var kept = form.querySelectorAll("input[name=held_photo]:checked").length;
      if (files.length + kept > Number(form.dataset.maxPhotos)) problems.push(form.dataset.tooMany);
      files.forEach(function (f) {
        if (f.type && types.indexOf(f.type) < 0) problems.push(f.name + " " + form.dataset.wrongType);
        else if (f.size > Number(form.dataset.maxBytes)) problems.push(f.name + " " + form.dataset.tooLarge);
      });
      check.textContent = problems.join(" ");
      check.hidden = !problems.length;
      return problems.length;
    }
    if (photos) photos.addEventListener("change", photoProblems);
    form.querySelectorAll("input[name=held_photo]").forEach(function (box) {
      box.addEventListener("change", photoProblems);
    });

    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var send = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (e) {
      if (photoProblems()) { e.preventDefault(); check.scrollIntoView(); return; }
      if (!window.FormData || !window.XMLHttpRequest) return;
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (p) {
        if (!p.lengthComputable) return;
        var pct = Math.round(100 * p.loaded / p.total);
        bar.value = pct;
        status.textContent = form.dataset.sending + " " + pct + "%";
      });
      xhr.onload = function () {
        if (xhr.responseURL && xhr.responseURL.split("?")[0] !== form.action.split("?")[0]) {
          // Saved: the request followed the redirect and holds the confirmation page. Show it
          // under its own address instead of fetching it a second time.
          window.history.replaceState(null, "", xhr.responseURL);
        }
        // The confirmation, or the form again with its messages (and the photos kept).
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = function () {
        status.textContent = form.dataset.sendFailed;
        send.disabled = false;
      };
      upload.hidden = false;
      bar.value = 0;
      status.textContent = form.dataset.sending;
      send.disabled = true;
      xhr.send(new FormData(form));
    });
  }
})();
