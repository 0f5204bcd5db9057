/* Leaflet maps: the tourism map (#tour-map, clustered markers) and small location maps
 * (.mini-map). Markers are Leaflet's keyboard-focusable buttons (Tab, then Enter opens the
 * popup); the page also lists every place as plain links. */
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

  // The page's language: an English page shows the English name when there is one.
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  function nameOf(p) {
    return english && p.name_en ? p.name_en : p.name;
  }

  function popupHtml(p) {
    return '<strong><a href="' + esc(p.url) + '">' + esc(nameOf(p)) + "</a></strong><br>" +
      esc(p.kind_label) + (p.commune ? " · " + esc(p.commune) : "");
  }

  function icon(type) {
    return L.divIcon({
      className: "map-marker map-marker-" + type,
      html: '<span aria-hidden="true"></span>',
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -10],
    });
  }

  var mapEl = document.getElementById("tour-map");
  var dataEl = document.getElementById("map-data");
  if (mapEl && dataEl) {
    var data = JSON.parse(dataEl.textContent);
    var map = L.map(mapEl, { scrollWheelZoom: false }).setView([21.03, 105.8], 9);
    tiles(data.tileUrl, data.attribution).addTo(map);
    var cluster = L.markerClusterGroup ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.featureGroup();
    var counts = { tourism_site: 0, producer: 0 };
    data.features.forEach(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates; // GeoJSON order: [lon, lat]
      var marker = L.marker([c[1], c[0]], {
        keyboard: true,
        title: nameOf(p),
        alt: nameOf(p),
        icon: icon(p.type),
      });
      marker.bindPopup(popupHtml(p));
      marker.feature = f;
      cluster.addLayer(marker);
      counts[p.type] = (counts[p.type] || 0) + 1;
    });
    map.addLayer(cluster);
    if (data.features.length) {
      map.fitBounds(cluster.getBounds(), { padding: [20, 20], maxZoom: 14 });
    }
    // Leaflet's marker icons are focusable; give them an accessible name and role.
    cluster.on("animationend spiderfied", labelMarkers);
    map.on("zoomend moveend", labelMarkers);
    function labelMarkers() {
      mapEl.querySelectorAll(".leaflet-marker-icon").forEach(function (el) {
        if (!el.getAttribute("role")) el.setAttribute("role", "button");
        if (el.classList.contains("marker-cluster") && !el.getAttribute("aria-label")) {
          var label = mapEl.getAttribute("data-cluster-label") || "{n}";
          el.setAttribute("aria-label", label.replace("{n}", el.textContent.trim()));
        }
      });
    }
    labelMarkers();
    window.tourMap = { map: map, cluster: cluster, counts: counts };
    mapEl.setAttribute("data-markers", String(data.features.length));
  }

  document.querySelectorAll(".mini-map").forEach(function (el) {
    var lat = parseFloat(el.getAttribute("data-lat"));
    var lon = parseFloat(el.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) return;
    // Leaflet finds its marker pictures from the path of leaflet.css at run time, which fails
    // once the file names carry a hash (ManifestStaticFilesStorage): the template gives their
    // real URLs ({% static %}), and imagePath "" stops the guess.
    if (el.getAttribute("data-icon-url")) {
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions({
        iconUrl: el.getAttribute("data-icon-url"),
        iconRetinaUrl: el.getAttribute("data-icon-retina-url"),
        shadowUrl: el.getAttribute("data-shadow-url"),
      });
    }
    var mini = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 14);
    tiles(el.getAttribute("data-tile-url"), el.getAttribute("data-attribution")).addTo(mini);
    // More than one place (a batch's production stages): data-points = [[lat, lon, title], …].
    var points = [[lat, lon, el.getAttribute("data-title")]];
    try { points = JSON.parse(el.getAttribute("data-points") || "null") || points; } catch (e) { /* keep one */ }
    points.forEach(function (p) {
      L.marker([p[0], p[1]], { keyboard: true, title: p[2], alt: p[2] }).addTo(mini);
    });
    if (points.length > 1) mini.fitBounds(points.map(function (p) { return [p[0], p[1]]; }), { padding: [24, 24], maxZoom: 15 });
  });
})();
