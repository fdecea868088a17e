// What every map starts from (the dashboard's and the sighting form's pick map): the tiles when
// a tile server is configured (MAP_TILE_URL), and the approximate kelurahan and kecamatan
// outlines (static/geo, written by `manage.py region_outlines`), which are the base layer when
// there are no tiles and are drawn over them otherwise. Nothing is loaded from another host
// unless a tile server is configured.
//
// TimporaMap.create(element, config, options) → { map, outlines: Promise }
//   config: the page's map config (tiles, attribution, center, outlines, outlines_attribution,
//           controls: the zoom buttons' and the popup close button's labels)
//   options: { zoom, center, labels (default true) }
//   outlines resolves, once drawn, to { bounds, places: region code → L.LatLng of its name }
//   (null when there are none). The element gets data-outlines="<number drawn>" or "failed".
(function () {
  // One pale fill per kecamatan, so the kelurahan of one kecamatan read as one area.
  var FILLS = ["#f3dce7", "#d8efe2", "#dae7f6", "#f6efcd", "#e7ddf4", "#f8e1cc"];
  var KELURAHAN_LABEL_ZOOM = 14;

  // A region's name: a permanent tooltip (not a marker: it is neither focusable nor counted
  // among the markers), in its own pane under the markers.
  function label(feature, className) {
    var text = document.createElement("span");
    text.textContent = feature.properties.name;
    var at = feature.properties.label;
    var kecamatan = feature.properties.level === "kecamatan";
    return L.tooltip({
      permanent: true,
      // A kecamatan's name sits under its place, which a marker of the dashboard may take.
      direction: kecamatan ? "bottom" : "center",
      offset: kecamatan ? [0, 12] : [0, 0],
      className: "region-label " + className,
      interactive: false,
      opacity: 1,
      pane: "labels",
    }).setLatLng([at[1], at[0]]).setContent(text);
  }

  function escaped(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function drawOutlines(map, el, data, tiled, withLabels) {
    var fills = {};
    var n = 0;
    data.features.forEach(function (f) {
      if (f.properties.level === "kecamatan") fills[f.properties.code] = FILLS[n++ % FILLS.length];
    });
    function level(name) {
      return function (f) { return f.properties.level === name; };
    }
    var cells = L.geoJSON(data, {
      filter: level("kelurahan"),
      interactive: false,
      className: "outline outline-kelurahan", // set when a path is made, not by style
      style: function (f) {
        return {
          color: "#7d8794",
          weight: 1,
          fillColor: fills[f.properties.parent] || FILLS[0],
          fillOpacity: tiled ? 0.08 : 1,
        };
      },
    }).addTo(map);
    var borders = L.geoJSON(data, {
      filter: level("kecamatan"),
      interactive: false,
      className: "outline outline-kecamatan",
      style: { color: "#2f3742", weight: 2.5, dashArray: "7 4", fill: false },
    }).addTo(map);
    if (withLabels) {
      var labels = L.layerGroup().addTo(map);
      data.features.forEach(function (f) {
        if (!f.properties.label) return;
        labels.addLayer(label(f, "label-" + f.properties.level));
      });
      var zoomed = function () {
        el.classList.toggle("show-kelurahan-labels", map.getZoom() >= KELURAHAN_LABEL_ZOOM);
      };
      map.on("zoomend", zoomed);
      zoomed();
    }
    map.attributionControl.addAttribution(escaped(data.attribution || ""));
    el.dataset.outlines = String(cells.getLayers().length + borders.getLayers().length);
    var places = {};
    data.features.forEach(function (f) {
      var at = f.properties.label;
      if (at) places[f.properties.code] = L.latLng(at[1], at[0]);
    });
    return { bounds: cells.getBounds(), places: places };
  }

  function create(el, config, options) {
    options = options || {};
    var tiled = Boolean(config.tiles);
    // Without tiles nothing else sets the zoom range (clustering needs one).
    var map = L.map(el, { minZoom: 8, maxZoom: 19, zoomControl: false });
    map.setView(options.center || config.center, options.zoom || 12);
    var controls = config.controls || {};
    L.control.zoom({ zoomInTitle: controls.zoom_in, zoomOutTitle: controls.zoom_out }).addTo(map);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && controls.close) {
        close.setAttribute("aria-label", controls.close);
        close.title = controls.close;
      }
    });
    map.createPane("labels").style.zIndex = 450; // over the outlines, under markers and popups
    el.classList.add(tiled ? "map-tiled" : "map-offline");
    if (tiled) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution || "" }).addTo(map);
    }
    var outlines = Promise.resolve(null);
    if (config.outlines && window.fetch) {
      outlines = fetch(config.outlines, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          data.attribution = config.outlines_attribution;
          return drawOutlines(map, el, data, tiled, options.labels !== false);
        })
        .catch(function () {
          // The markers still work on the plain background.
          el.dataset.outlines = "failed";
          return null;
        });
    }
    return { map: map, outlines: outlines };
  }

  window.TimporaMap = { create: create };
})();
