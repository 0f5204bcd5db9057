/* Product page: the delivery estimate follows the chosen province without a reload
   (without JavaScript the small form reloads the page with ?giao_den=). */
(function () {
  "use strict";
  var box = document.querySelector(".delivery-estimate");
  if (!box) return;
  var select = box.querySelector("select[name=giao_den]");
  var text = box.querySelector("[data-estimate-text]");
  var template = box.querySelector("[data-estimate-template]").innerHTML;
  box.querySelector("button[type=submit]").hidden = true;
  select.addEventListener("change", function () {
    var url = box.getAttribute("data-estimate-url") + "?sku=" +
      encodeURIComponent(box.getAttribute("data-sku")) + "&province=" + encodeURIComponent(select.value);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) {
        text.textContent = template.replace("{fee}", d.fee_display).replace("{place}", d.province_name)
          .replace("{a}", d.days_min).replace("{b}", d.days_max);
      })
      .catch(function () { select.form.submit(); });
  });
})();
