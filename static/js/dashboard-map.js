// Dashboard map: a marker per kecamatan (foreign residents and sightings in the period) and the
// period's sighting points, clustered when close, over the base of map-base.js. Every marker is
// reached with Tab and opened with Enter (Escape closes); its popup links to the records it
// counts, and only to those the server sent a link for (what the user may read).
(function () {
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined" || !window.TimporaMap) return;
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var text = config.text;
  var base = TimporaMap.create(el, config, { zoom: 12 });
  var map = base.map;

  function node(tag, className, content) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (content !== undefined) n.textContent = content;
    return n;
  }
  function links(items) {
    var list = node("ul", "popup-links");
    items.forEach(function (item) {
      if (!item[0]) return;
      var a = node("a", "", item[1]);
      a.href = item[0];
      list.appendChild(node("li")).appendChild(a);
    });
    return list;
  }
  function popup(title, lines, linkList) {
    var box = node("div", "map-popup");
    box.appendChild(node("strong", "", title));
    lines.forEach(function (line) { box.appendChild(node("p", "", line)); });
    if (linkList.children.length) box.appendChild(linkList);
    return box;
  }

  function kecamatanMarker(m, at) {
    var counts = [];
    var badge = node("span", "kec-badge");
    var width = 4;
    [["residents", "kec-res"], ["sightings", "kec-sig"]].forEach(function (part) {
      if (!config.show[part[0]]) return;
      var n = String(m[part[0]]);
      badge.appendChild(node("span", part[1], n)).setAttribute("aria-hidden", "true");
      width += 12 + 8 * n.length;
      counts.push(text[part[0]] + ": " + n);
    });
    var summary = m.name + " — " + counts.join(", ");
    badge.appendChild(node("span", "visually-hidden", summary));
    var marker = L.marker(at, {
      title: summary,
      icon: L.divIcon({ className: "kec-marker", html: badge, iconSize: [width, 26] }),
      zIndexOffset: 1000,
    });
    return marker.bindPopup(popup(m.name, counts, links([
      [m.people_url, text.people_link],
      [m.sightings_url, text.sightings_link],
    ])));
  }

  var bounds = [];
  var cluster = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    iconCreateFunction: function (group) {
      var n = group.getChildCount();
      var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
      var inner = node("div");
      inner.appendChild(node("span", "", String(n))).setAttribute("aria-hidden", "true");
      inner.appendChild(node("span", "visually-hidden", text.cluster.replace("{n}", n)));
      return L.divIcon({
        html: inner,
        className: "marker-cluster sighting-cluster marker-cluster-" + size,
        iconSize: [40, 40],
      });
    },
  });
  config.points.forEach(function (p) {
    var summary = text.sighting + " " + p.ref + " — " + p.activity + ", " + p.observed;
    var marker = L.marker([p.lat, p.lon], {
      title: summary,
      icon: L.divIcon({
        className: "sighting-point",
        html: node("span", "visually-hidden", summary),
        iconSize: [24, 24],
      }),
    });
    marker.bindPopup(popup(p.ref, [p.activity + " · " + p.observed], links([[p.url, text.open_sighting]])));
    cluster.addLayer(marker);
    bounds.push([p.lat, p.lon]);
  });
  map.addLayer(cluster);

  // Keyboard: a popup opened with Enter takes the focus to its first link, and gives it back
  // to its marker when it closes; Escape closes it wherever the focus is in the map.
  var byKeyboard = false;
  el.addEventListener("keydown", function (e) {
    byKeyboard = true;
    if (e.key === "Escape") map.closePopup();
  });
  el.addEventListener("pointerdown", function () { byKeyboard = false; });
  map.on("popupopen", function (e) {
    if (!byKeyboard) return;
    var first = e.popup.getElement().querySelector(".popup-links a");
    if (first) first.focus();
  });
  map.on("popupclose", function (e) {
    var source = e.popup._source;
    var icon = source && source.getElement && source.getElement();
    if (byKeyboard && icon && el.contains(document.activeElement)) icon.focus();
  });
  // A cluster opened with Enter zooms in and disappears: continue from the map itself.
  cluster.on("clusterkeypress", function (e) {
    if (e.originalEvent.key === "Enter") map.once("zoomend", function () { el.focus(); });
  });

  base.outlines.then(function (outlines) {
    // A kecamatan's marker stands where the outlines put its name (inside its outline, apart
    // from the others), else on the region's own point.
    var places = outlines ? outlines.places : {};
    config.markers.forEach(function (m) {
      var at = places[m.code] || L.latLng(m.lat, m.lon);
      kecamatanMarker(m, at).addTo(map);
      bounds.push(at);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    else if (outlines) map.fitBounds(outlines.bounds);
    el.dataset.markers = String(config.markers.length);
    el.dataset.points = String(config.points.length);
  });
})();
