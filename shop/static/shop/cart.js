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
  /* Cached product pages carry no CSRF token: take it from the cookie, or ask for one. */
  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return Promise.resolve(field.value);
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return Promise.resolve(decodeURIComponent(match[1]));
    return fetch("/shop/csrf/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { return data.token; });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-shop-cart") || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var body = new FormData(form);
    csrfToken(form)
      .then(function (token) {
        body.set("csrfmiddlewaretoken", token);
        return fetch(form.action, {
          method: "POST",
          body: body,
          headers: { Accept: "application/json", "X-CSRFToken": token },
          credentials: "same-origin",
        });
      })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        document.dispatchEvent(new Event("cart:changed"));
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
