/* Progressive enhancement for cart forms marked data-shop-cart: without JavaScript they post and
   redirect as usual; with it they post with fetch, update the page in place and announce the
   result in a live region. */
(function () {
  "use strict";
  function announce(text, isError) {
    var box = document.getElementById("cart-status");
    if (!box) {
      box = document.createElement("p");
      box.id = "cart-status";
      box.setAttribute("role", "status");
      var main = document.getElementById("main");
      main.insertBefore(box, main.firstChild);
    }
    box.className = "messages " + (isError ? "error" : "success");
    box.textContent = text;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-shop-cart") || !window.fetch || !window.FormData) return;
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        document.querySelectorAll("[data-cart-count]").forEach(function (el) {
          el.textContent = data.cart_count;
        });
        announce(data.message, !data.ok);
        if (!data.ok) return;
        var row = form.closest("tr[data-sku]");
        if (row) {
          if (data.quantity === 0) {
            var table = row.closest("table");
            row.remove();
            if (table && !table.querySelector("tr[data-sku]")) {
              table.closest(".cart-group").remove();
            }
          } else {
            row.querySelector(".line-total").textContent = data.line_total_display;
          }
          [["[data-cart-subtotal]", data.subtotal_display],
           ["[data-cart-shipping]", data.shipping_display],
           ["[data-cart-total]", data.total_display]].forEach(function (pair) {
            document.querySelectorAll(pair[0]).forEach(function (el) {
              if (pair[1]) el.textContent = pair[1];
            });
          });
          document.querySelectorAll(".cart-group[data-producer]").forEach(function (el) {
            var fee = (data.group_fees || {})[el.getAttribute("data-producer")];
            var cell = el.querySelector(".fee");
            if (fee && cell) cell.textContent = fee;
          });
          document.querySelectorAll(".group-subtotal[data-producer]").forEach(function (el) {
            var value = data.group_subtotals[el.getAttribute("data-producer")];
            if (value) el.textContent = value;
          });
          if (data.cart_count === 0) window.location.reload();
        }
      })
      .catch(function () { form.submit(); });
  });
})();
