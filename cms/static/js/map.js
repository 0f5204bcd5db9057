/* Leaflet maps: the digital map (#tour-map: layers, legend, offline background) and small
 * location maps (.mini-map). Markers are Leaflet's keyboard-focusable buttons (Tab, then Enter
 * opens the popup); the page also lists every feature in a table, and its filters are a GET
 * form, so nothing here is needed to reach the data.
 *
 * Layers: the layer checkboxes of the filter form ([data-layer-toggle]) add and remove their
 * markers at once (no reload), hide the matching table section, count and legend rows, and keep
 * the address bar in step (history.replaceState), so a reload or a shared link shows the same.
 *
 * Offline background: when the tile server cannot be reached (a tile error before any tile
 * loaded, most tiles failing, or nothing loaded after 8 s) the tile layer is removed and a
 * neutral background is drawn locally — Ha Noi's approximate outline (a static GeoJSON file)
 * and the communes' names from the page's data. */
(function () {
  "use strict";
  if (!window.L) return;

  function tiles(tileUrl, attribution) {
    return L.tileLayer(tileUrl, { attribution: attribution, maxZoom: 19 });
  }

  function esc(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  var mapEl = document.getElementById("tour-map");
  var dataEl = document.getElementById("map-data");
  // The page's language: an English page shows the English name when there is one.
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  function nameOf(p) {
    return english && p.name_en ? p.name_en : p.name;
  }

  if (mapEl && dataEl) digitalMap(mapEl, JSON.parse(dataEl.textContent));

  function digitalMap(mapEl, data) {
    var embed = mapEl.hasAttribute("data-embed");
    var target = embed ? ' target="_blank" rel="noopener"' : "";
    var levelWord = mapEl.getAttribute("data-level-label") || "";
    var starsWord = mapEl.getAttribute("data-stars-label") || "";
    var traceWord = mapEl.getAttribute("data-trace-label") || "";

    function link(url, text) {
      return url ? '<a href="' + esc(url) + '"' + target + ">" + esc(text) + "</a>" : esc(text);
    }

    function popupHtml(p) {
      if (p.type === "ntm_result") {
        return "<strong>" + esc(p.name) + "</strong><br>" + esc(p.status_label) + " (" +
          esc(levelWord) + " " + esc(p.level) + ") · " + esc(p.year) +
          (p.model_field ? "<br>" + esc(p.model_field) : "") +
          (p.decision_number ? "<br>" + esc(p.decision_number) : "") +
          (p.note ? "<br><small>" + esc(p.note) + "</small>" : "");
      }
      var html = "<strong>" + link(p.url, nameOf(p)) + "</strong><br>" + esc(p.kind_label) +
        (p.commune ? " · " + esc(p.commune) : "");
      if (p.best_stars) html += "<br>" + esc(p.best_stars) + " " + esc(starsWord);
      if (p.producer) html += "<br>" + esc(p.producer);
      if (p.trace_url) html += "<br>" + link(p.trace_url, traceWord);
      return html;
    }

    function icon(p) {
      if (p.type === "ntm_result") {
        return L.divIcon({
          className: "map-marker map-marker-ntm ntm-" + p.status,
          html: '<span aria-hidden="true">' + esc(p.level) + "</span>",
          iconSize: [24, 24],
          iconAnchor: [12, 12],
          popupAnchor: [0, -12],
        });
      }
      return L.divIcon({
        className: "map-marker map-marker-" + p.type,
        html: '<span aria-hidden="true"></span>',
        iconSize: [22, 22],
        iconAnchor: [11, 11],
        popupAnchor: [0, -10],
      });
    }

    function title(p) {
      if (p.type === "ntm_result") return p.name + " — " + p.status_label + " (" + levelWord + " " + p.level + ")";
      return nameOf(p) + (p.kind_label ? " — " + p.kind_label : "");
    }

    var map = L.map(mapEl, { scrollWheelZoom: false, maxZoom: 19 }).setView([21.03, 105.8], 9);
    // One cluster group for every layer, so that no two markers overlap (each stays a target of
    // its own, WCAG 2.2 target size). A group holding communes shows their statuses as coloured
    // squares beside its count; zoomed in, each commune is its own numbered, coloured square.
    function clusterIcon(group) {
      var children = group.getAllChildMarkers();
      var statuses = {};
      children.forEach(function (m) {
        var p = m.feature && m.feature.properties;
        if (p && p.type === "ntm_result") statuses[p.status] = true;
      });
      var n = children.length;
      var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
      var squares = Object.keys(statuses).sort().map(function (st) {
        return '<i class="ntm-' + esc(st) + '"></i>';
      }).join("");
      return L.divIcon({
        html: "<div><span>" + n + "</span></div>" +
          (squares ? '<b class="cluster-ntm" aria-hidden="true">' + squares + "</b>" : ""),
        className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(40, 40),
      });
    }
    var cluster = L.markerClusterGroup
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40, iconCreateFunction: clusterIcon })
      : L.featureGroup();
    var byLayer = { ntm: [], sites: [], producers: [], products: [] };
    var byId = {};
    var active = {};
    (data.layers || []).forEach(function (id) { active[id] = true; });

    data.features.forEach(function (f) {
      if (!f.geometry) return;
      var p = f.properties;
      var c = f.geometry.coordinates; // GeoJSON order: [lon, lat]
      var marker = L.marker([c[1], c[0]], {
        keyboard: true,
        title: title(p),
        alt: title(p),
        icon: icon(p),
        riseOnHover: true,
      });
      marker.bindPopup(popupHtml(p));
      marker.feature = f;
      (byLayer[p.layer] = byLayer[p.layer] || []).push(marker);
      byId[f.id] = marker;
    });

    function groupOf() { return cluster; }

    function show(id, on) {
      var group = groupOf(id);
      var markers = byLayer[id] || [];
      if (group.addLayers) {
        if (on) group.addLayers(markers); else group.removeLayers(markers);
      } else {
        markers.forEach(function (m) { if (on) group.addLayer(m); else group.removeLayer(m); });
      }
      active[id] = on;
      document.querySelectorAll('[data-layer-table="' + id + '"], [data-layer-count="' + id + '"], [data-legend-layer="' + id + '"]').forEach(function (el) {
        el.hidden = !on;
      });
      mapEl.setAttribute("data-layers", Object.keys(active).filter(function (k) { return active[k]; }).join(" "));
      labelMarkers();
    }

    Object.keys(byLayer).forEach(function (id) { if (active[id]) show(id, true); });
    map.addLayer(cluster);

    var focus = data.focus && byId[data.focus];
    var all = [];
    Object.keys(byLayer).forEach(function (id) { if (active[id]) all = all.concat(byLayer[id]); });
    if (focus) {
      map.setView(focus.getLatLng(), 15);
      if (cluster.zoomToShowLayer && cluster.hasLayer(focus)) {
        cluster.zoomToShowLayer(focus, function () { focus.openPopup(); });
      } else {
        focus.openPopup();
      }
    } else if (all.length) {
      map.fitBounds(L.featureGroup(all).getBounds(), { padding: [20, 20], maxZoom: 14 });
    }

    // Layer toggles: the form's checkboxes act at once.
    document.querySelectorAll("[data-layer-toggle]").forEach(function (box) {
      box.addEventListener("change", function () {
        show(box.value, box.checked);
        keepAddress();
      });
    });

    function keepAddress() {
      if (!window.history || !history.replaceState) return;
      var params = new URLSearchParams(window.location.search);
      params.delete("layer");
      var boxes = document.querySelectorAll("[data-layer-toggle]");
      var on = Array.prototype.filter.call(boxes, function (b) { return b.checked; });
      if (on.length && on.length < boxes.length) {
        on.forEach(function (b) { params.append("layer", b.value); });
      }
      var query = params.toString();
      history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }

    // Leaflet's marker icons are focusable; give them an accessible name and role.
    cluster.on("animationend spiderfied", labelMarkers);
    map.on("zoomend moveend", labelMarkers);
    function labelMarkers() {
      mapEl.querySelectorAll(".leaflet-marker-icon").forEach(function (el) {
        if (el.classList.contains("commune-label")) return;
        if (!el.getAttribute("role")) el.setAttribute("role", "button");
        if (el.classList.contains("marker-cluster")) {
          var label = mapEl.getAttribute("data-cluster-label") || "{n}";
          el.setAttribute("aria-label", label.replace("{n}", el.textContent.trim()));
        } else if (!el.getAttribute("aria-label") && el.getAttribute("title")) {
          el.setAttribute("aria-label", el.getAttribute("title"));
        }
      });
    }

    // ---- tiles, and the offline background when they cannot be had --------------------------
    var tileLayer = tiles(data.tileUrl, data.attribution);
    var loaded = 0, failed = 0, offline = false;
    tileLayer.on("tileload", function () { loaded += 1; });
    tileLayer.on("tileerror", function () {
      failed += 1;
      if (!loaded || (failed >= 3 && failed > loaded)) goOffline();
    });
    tileLayer.addTo(map);
    var watchdog = window.setTimeout(function () { if (!loaded) goOffline(); }, 8000);

    var labels = L.layerGroup(), minorLabels = L.layerGroup();
    function goOffline() {
      if (offline) return;
      offline = true;
      window.clearTimeout(watchdog);
      map.removeLayer(tileLayer);
      mapEl.classList.add("map-offline");
      mapEl.setAttribute("data-background", "offline");
      var note = document.getElementById("map-offline-note");
      if (note) {
        note.textContent = mapEl.getAttribute("data-offline-label") || "";
        note.hidden = false;
      }
      (data.communes || []).forEach(function (row) {
        var label = L.marker([row[1], row[2]], {
          icon: L.divIcon({ className: "commune-label", html: esc(row[0]), iconSize: null }),
          interactive: false,
          keyboard: false,
        });
        (row[3] ? labels : minorLabels).addLayer(label);
      });
      map.addLayer(labels);
      zoomLabels();
      map.on("zoomend", zoomLabels);
      var url = mapEl.getAttribute("data-outline-url");
      if (url && window.fetch) {
        fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (outline) {
          if (!outline) return;
          var shape = L.geoJSON(outline, {
            interactive: false,
            style: { color: "#5f7a52", weight: 2, fillColor: "#f6f8f1", fillOpacity: 1 },
          });
          shape.addTo(map);
          shape.bringToBack();
          mapEl.setAttribute("data-outline", "drawn");
        }).catch(function () { /* labels alone still orient the visitor */ });
      }
    }
    function zoomLabels() {
      if (map.getZoom() >= 11) map.addLayer(minorLabels); else map.removeLayer(minorLabels);
    }

    labelMarkers();
    window.tourMap = {
      map: map,
      cluster: cluster,
      layers: byLayer,
      counts: Object.keys(byLayer).reduce(function (acc, id) { acc[id] = byLayer[id].length; return acc; }, {}),
      visible: function (id) {
        var group = groupOf(id);
        return (byLayer[id] || []).filter(function (m) { return group.hasLayer(m); }).length;
      },
      isOffline: function () { return offline; },
      goOffline: goOffline,
    };
    mapEl.setAttribute("data-markers", String(data.features.length));
  }

  document.querySelectorAll(".mini-map").forEach(function (el) {
    var lat = parseFloat(el.getAttribute("data-lat"));
    var lon = parseFloat(el.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) return;
    // Leaflet finds its marker pictures from the path of leaflet.css at run time, which fails
    // once the file names carry a hash (ManifestStaticFilesStorage): the template gives their
    // real URLs ({% static %}). Its default icon also has a shadow picture with no 2× version
    // (blurred on a phone's screen): the marker here is the pin alone, in 1× and 2×, and its
    // shadow is drawn by CSS (.mini-map .leaflet-marker-icon).
    var pin = null;
    if (el.getAttribute("data-icon-url")) {
      pin = L.icon({
        iconUrl: el.getAttribute("data-icon-url"),
        iconRetinaUrl: el.getAttribute("data-icon-retina-url"),
        iconSize: [25, 41],
        iconAnchor: [12, 41],
        popupAnchor: [1, -34],
        tooltipAnchor: [16, -28],
      });
    }
    var mini = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 14);
    tiles(el.getAttribute("data-tile-url"), el.getAttribute("data-attribution")).addTo(mini);
    // More than one place (a batch's production stages): data-points = [[lat, lon, title], …].
    var points = [[lat, lon, el.getAttribute("data-title")]];
    try { points = JSON.parse(el.getAttribute("data-points") || "null") || points; } catch (e) { /* keep one */ }
    points.forEach(function (p) {
      var options = { keyboard: true, title: p[2], alt: p[2] };
      if (pin) options.icon = pin;
      L.marker([p[0], p[1]], options).addTo(mini);
    });
    if (points.length > 1) mini.fitBounds(points.map(function (p) { return [p[0], p[1]]; }), { padding: [24, 24], maxZoom: 15 });
  });
})();
