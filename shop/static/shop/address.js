/* Address picker: type-ahead for the commune (current or pre-2025 names, with or without
   diacritics) over /shop/api/communes/. Without JavaScript the form still works: the
   province button lists that province's communes and the search text is resolved on submit. */
(function () {
  "use strict";
  var box = document.querySelector(".address-picker");
  if (!box) return;
  var url = box.getAttribute("data-communes-url");
  var province = box.querySelector("select[name=province]");
  var input = box.querySelector("[data-commune-search]");
  var select = box.querySelector("select[name=commune]");
  var list = box.querySelector("#commune-suggestions");
  var status = box.querySelector("[data-commune-status]");
  var timer = null;
  var active = -1;
  box.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  province.addEventListener("change", function () {
    var button = document.createElement("input");
    button.type = "hidden"; button.name = "change_province"; button.value = "1";
    province.form.appendChild(button);
    province.form.submit();
  });

  function close() {
    list.hidden = true; list.innerHTML = ""; active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(item) {
    if (item.province_code !== province.value) {
      // A commune of another province (found by an old name): switch the province with it.
      province.value = item.province_code;
    }
    var option = select.querySelector('option[value="' + item.code + '"]');
    if (!option) {
      option = document.createElement("option");
      option.value = item.code; option.textContent = item.label;
      select.appendChild(option);
    }
    select.value = item.code;
    input.value = item.label;
    status.textContent = item.label;
    close();
  }

  function show(results) {
    list.innerHTML = "";
    results.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "commune-option-" + i;
      li.setAttribute("role", "option");
      li.className = "commune-option";
      li.textContent = item.label;
      if (item.legacy.length) {
        var old = document.createElement("small");
        old.textContent = item.legacy.slice(0, 3).join("; ");
        li.appendChild(old);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    status.textContent = results.length + " " + (list.getAttribute("data-count-label") || "");
    list._results = results;
  }

  function search() {
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    var scoped = q.indexOf(",") === -1 ? "&province=" + encodeURIComponent(province.value) : "";
    fetch(url + "?q=" + encodeURIComponent(q) + scoped, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { show(data.results); })
      .catch(close);
  }

  function move(step) {
    var items = list.querySelectorAll("[role=option]");
    if (!items.length) return;
    if (active >= 0) items[active].removeAttribute("aria-selected");
    active = (active + step + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "Enter" && active >= 0 && list._results) {
      e.preventDefault(); choose(list._results[active]);
    } else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
