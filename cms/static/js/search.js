/* Header search suggestions: ARIA 1.2 combobox with a listbox popup.
 * Without JavaScript the form simply submits to /tim-kiem/. Vanilla JS, no build step. */
(function () {
  "use strict";
  var DELAY = 200;

  function init(form) {
    var input = form.querySelector("[role=combobox]");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var status = form.querySelector("[data-search-status]");
    var url = form.getAttribute("data-suggest-url");
    var labels = { product: form.getAttribute("data-label-product"), site: form.getAttribute("data-label-site") };
    var timer = null, controller = null, items = [], active = -1, lastQuery = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (opt, i) { opt.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.url = s.url;
        var kind = document.createElement("span");
        kind.className = "suggest-type";
        kind.textContent = labels[s.type] || s.type;
        li.appendChild(document.createTextNode(s.title + " "));
        li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); go(i); });
        list.appendChild(li);
      });
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      if (status) {
        status.textContent = suggestions.length
          ? form.getAttribute("data-count-text").replace("%s", suggestions.length)
          : (input.value.trim() ? form.getAttribute("data-none-text") : "");
      }
    }

    function go(index) {
      var s = items[index];
      if (s && s.url) window.location.assign(s.url);
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      if (q.length < 2) { render([]); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === q) render(data.suggestions || []); })
        .catch(function () { /* aborted or offline: keep the plain form */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (!open && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        setActive(active + 1);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        setActive(active - 1);
      } else if (e.key === "Enter" && open && active >= 0) {
        e.preventDefault();
        go(active);
      } else if (e.key === "Escape") {
        if (open) { e.preventDefault(); close(); } else { input.value = ""; lastQuery = ""; }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("form[data-suggest-url]").forEach(init);

  /* The search page's and the catalogue's filters are a folded panel on a phone; open on a
     wide screen. */
  if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("[data-search-filters]").forEach(function (panel) { panel.open = true; });
  }
})();
