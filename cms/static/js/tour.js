/* Virtual tour: Pannellum viewer + an accessible list of scenes and hotspots beside it.
 * Without WebGL (or without Pannellum) the flat preview image and the list still work.
 * No build step; plain ES2017. */
(function () {
  "use strict";
  var root = document.querySelector("[data-tour]");
  var configEl = document.getElementById("tour-config");
  if (!root || !configEl) return;
  var config = JSON.parse(configEl.textContent);
  var viewerEl = document.getElementById("tour-viewer");
  var fallback = document.getElementById("tour-fallback");
  var fallbackImg = document.getElementById("tour-fallback-img");
  var statusEl = document.getElementById("tour-status");
  var current = config.default.firstScene;
  var viewer = null;

  function hasWebGL() {
    try {
      var canvas = document.createElement("canvas");
      return !!(window.WebGLRenderingContext &&
        (canvas.getContext("webgl") || canvas.getContext("experimental-webgl")));
    } catch (e) {
      return false;
    }
  }

  function sceneTitle(key) {
    var scene = config.scenes[key];
    return scene ? scene.title : key;
  }

  function setUrl(key) {
    if (!window.history || !history.replaceState) return;
    var url = new URL(window.location.href);
    url.searchParams.set("scene", key);
    url.searchParams.delete("yaw");
    url.searchParams.delete("pitch");
    history.replaceState(null, "", url.toString());
  }

  function updateUi(key, announce) {
    current = key;
    root.querySelectorAll(".tour-scenes [data-scene]").forEach(function (a) {
      if (a.getAttribute("data-scene") === key) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    root.querySelectorAll(".tour-thumbs [data-scene], .tour-minimap [data-scene]").forEach(function (a) {
      a.classList.toggle("is-current", a.getAttribute("data-scene") === key);
    });
    root.querySelectorAll(".tour-minimap [data-scene]").forEach(function (a) {
      if (a.getAttribute("data-scene") === key) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    });
    root.querySelectorAll("[data-scene-panel]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-scene-panel") !== key;
    });
    var scene = config.scenes[key];
    if (scene && fallbackImg) {
      fallbackImg.src = scene.preview;
      fallbackImg.alt = fallbackImg.alt.replace(/:.*$/, ": " + scene.title);
    }
    if (announce && statusEl) statusEl.textContent = (root.getAttribute("data-viewing-label") || "{title}").replace("{title}", sceneTitle(key));
    root.setAttribute("data-current-scene", key);
    setUrl(key);
  }

  function goTo(key, yaw, pitch) {
    if (!config.scenes[key]) return false;
    if (viewer) {
      if (key === viewer.getScene()) {
        if (yaw !== undefined) viewer.lookAt(pitch, yaw, undefined, 800);
      } else {
        viewer.loadScene(key, pitch, yaw);
      }
    }
    updateUi(key, true);
    return true;
  }

  // Scene links (list, thumbnails, "go to scene" hotspots in the list).
  root.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-scene]");
    if (link && root.contains(link)) {
      if (goTo(link.getAttribute("data-scene"))) event.preventDefault();
      return;
    }
    var look = event.target.closest("button.tour-look");
    if (look && viewer) {
      goTo(look.getAttribute("data-look-scene"),
        parseFloat(look.getAttribute("data-yaw")), parseFloat(look.getAttribute("data-pitch")));
    }
  });

  function media(query) { return !!(window.matchMedia && window.matchMedia(query).matches); }
  var reduceMotion = media("(prefers-reduced-motion: reduce)");
  // A phone: touch screen or narrow. No auto-rotate (hotspots would drift under the finger),
  // and the viewer starts only when tapped, so the page stays responsive while it loads.
  var phone = media("(pointer: coarse)") || media("(max-width: 700px)");
  if (reduceMotion || phone) delete config.default.autoRotate;

  root.classList.add("tour-js");
  var startButton = root.querySelector("[data-tour-start]");
  var gyroButton = root.querySelector("[data-tour-gyro]");
  var started = false;

  function fallbackMode() {
    root.classList.add("tour-no-webgl");
    root.setAttribute("data-viewer", "fallback");
    viewerEl.hidden = true;
    fallback.hidden = false;
    if (startButton) startButton.hidden = true;
  }

  function loadPannellum(done) {
    if (window.pannellum) { done(); return; }
    var script = document.createElement("script");
    script.src = root.getAttribute("data-pannellum-src");
    script.onload = done;
    script.onerror = fallbackMode;
    document.head.appendChild(script);
  }

  function start() {
    if (started) return;
    started = true;
    if (startButton) startButton.hidden = true;
    if (!hasWebGL()) { fallbackMode(); return; }
    loadPannellum(function () {
      if (!window.pannellum) { fallbackMode(); return; }
      viewerEl.hidden = false;
      fallback.hidden = true;
      init(current);
    });
  }

  if (phone && startButton) {
    startButton.hidden = false;
    startButton.addEventListener("click", start);
    if (fallbackImg) fallbackImg.addEventListener("click", start);
  } else if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { observer.disconnect(); start(); }
    });
    observer.observe(root.querySelector(".tour-stage") || root);
  } else {
    start();
  }

  function init(firstScene) {
    config.default.firstScene = firstScene;
    viewer = window.pannellum.viewer(viewerEl, config);
    root.classList.add("tour-has-viewer");
    root.setAttribute("data-viewer", "pannellum");
    root.querySelectorAll("button.tour-look").forEach(function (b) { b.hidden = false; });
    window.tourViewer = viewer;

    viewer.on("scenechange", function (key) { updateUi(key, true); });
    // Pannellum's scene/info hotspots are plain <div>s: make them keyboard buttons too
    // (product hotspots are already links). Off-screen ones are visibility:hidden, so skipped.
    // Every scene's hotspots are checked (ids are unique per scene), so a scene that finished
    // loading after another was asked for is labelled too.
    function labelHotspots() {
      Object.keys(config.scenes).forEach(function (key) {
        (config.scenes[key].hotSpots || []).forEach(labelHotspot);
      });
    }
    function labelHotspot(hs) {
      // Every element of that hotspot: while a scene is reloaded its old and new ones coexist.
      viewerEl.querySelectorAll(".pnlm-hotspot-base." + hs.id).forEach(function (el) {
        labelElement(el, hs);
      });
    }
    function labelElement(el, hs) {
      if (el.closest("a") || el.hasAttribute("tabindex")) return;
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "button");
      var goto = root.getAttribute("data-goto-label") || "{title}";
      el.setAttribute("aria-label", hs.type === "scene" ? goto.replace("{title}", sceneTitle(hs.sceneId)) : hs.text);
      el.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          e.stopPropagation();
          el.click();
        }
      });
    }
    // Pannellum creates hotspots when a scene is rendered, not always before its "load" event:
    // label them as soon as they enter the DOM.
    if ("MutationObserver" in window) {
      new MutationObserver(labelHotspots).observe(viewerEl, { childList: true, subtree: true });
    }
    function loaded() {
      labelHotspots();
      root.setAttribute("data-loaded-scene", viewer.getScene());
      offerGyroscope();
      setTimeout(offerGyroscope, 1500);  // support is known after the first orientation event
    }
    viewer.on("load", loaded);
    // Started late (on a tap), the first scene may have loaded before the handler was set.
    if (viewer.isLoaded()) loaded();
    viewer.on("error", function () {
      root.classList.add("tour-no-webgl");
      fallback.hidden = false;
    });
  }

  // Look around by turning the phone, where the device has a gyroscope (Pannellum detects it).
  function offerGyroscope() {
    if (!gyroButton || !viewer || !viewer.isOrientationSupported()) return;
    gyroButton.hidden = false;
  }
  if (gyroButton) {
    gyroButton.addEventListener("click", function () {
      if (!viewer) return;
      if (viewer.isOrientationActive()) {
        viewer.stopOrientation();
        gyroButton.setAttribute("aria-pressed", "false");
        return;
      }
      var ask = window.DeviceOrientationEvent && DeviceOrientationEvent.requestPermission;
      var granted = ask ? DeviceOrientationEvent.requestPermission() : Promise.resolve("granted");
      granted.then(function (state) {
        if (state !== "granted") return;
        viewer.startOrientation();
        gyroButton.setAttribute("aria-pressed", "true");
      }).catch(function () {});
    });
  }

  // Editors in preview: click the panorama to read the yaw/pitch for a hotspot.
  if (root.hasAttribute("data-editor")) {
    var picker = document.getElementById("tour-picker");
    var output = document.getElementById("tour-picker-value");
    var copy = document.getElementById("tour-picker-copy");
    var down = null;
    viewerEl.addEventListener("mousedown", function (e) { down = [e.clientX, e.clientY]; });
    viewerEl.addEventListener("mouseup", function (e) {
      if (!viewer || !down || Math.abs(e.clientX - down[0]) + Math.abs(e.clientY - down[1]) > 4) return;
      if (e.target.closest(".pnlm-controls-container, .pnlm-hotspot-base")) return;
      var coords = viewer.mouseEventToCoords(e);
      var pitch = coords[0].toFixed(1), yaw = coords[1].toFixed(1);
      output.textContent = "yaw: " + yaw + ", pitch: " + pitch;
      output.setAttribute("data-yaw", yaw);
      output.setAttribute("data-pitch", pitch);
      picker.hidden = false;
    });
    copy.addEventListener("click", function () {
      var text = output.textContent;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).catch(function () {});
      }
      copy.textContent = root.getAttribute("data-copied-label");
      setTimeout(function () { copy.textContent = root.getAttribute("data-copy-label"); }, 1500);
    });
  }
})();
