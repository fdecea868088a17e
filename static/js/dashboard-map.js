// Dashboard map: kecamatan markers (residents and sightings) and recent sighting points.
// Tiles only when a tile server is configured; without one (or when it is unreachable) the
// markers are still drawn on a blank background.
(function () {
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  L.Icon.Default.imagePath = el.dataset.iconPath;
  var map = L.map(el, { attributionControl: true }).setView(config.center, 12);
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 18, attribution: config.attribution || "" }).addTo(map);
  }
  var bounds = [];
  config.markers.forEach(function (m) {
    var marker = L.marker([m.lat, m.lon], { title: m.name }).addTo(map);
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = m.name;
    popup.appendChild(title);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(
      m.residents + " " + el.dataset.residents + " · " + m.sightings + " " + el.dataset.sightings
    ));
    marker.bindPopup(popup);
    bounds.push([m.lat, m.lon]);
  });
  config.points.forEach(function (p) {
    L.circleMarker([p.lat, p.lon], { radius: 6, color: "#a4161a", weight: 2, fillOpacity: 0.6 })
      .bindTooltip(p.ref)
      .addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
  el.dataset.markers = String(config.markers.length);
  el.dataset.points = String(config.points.length);
})();
