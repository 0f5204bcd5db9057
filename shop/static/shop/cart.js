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
  /* On a product page the buyer may have scrolled far from the top: the confirmation is a
     toast at the bottom of the screen, with a link to the cart and a close button. */
  function toast(text, isError, cartUrl, cartText, closeText) {
    var box = document.getElementById("cart-toast");
    if (!box) {
      box = document.createElement("div");
      box.id = "cart-toast";
      box.className = "cart-toast";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    box.textContent = "";
    box.classList.toggle("error", !!isError);
    var message = document.createElement("p");
    message.textContent = text;
    box.appendChild(message);
    if (!isError && cartUrl) {
      var link = document.createElement("a");
      link.href = cartUrl;
      link.textContent = cartText;
      box.appendChild(link);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "cart-toast-close";
    close.textContent = closeText;
    close.addEventListener("click", function () { box.hidden = true; });
    box.appendChild(close);
    box.hidden = false;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-shop-cart") || !window.shopPost || !window.FormData) return;
    event.preventDefault();
    var body = new FormData(form);
    var submitter = event.submitter;
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    window.shopPost(form, body)
      .then(function (data) {
        document.dispatchEvent(new Event("cart:changed"));
        if (data.ok && data.redirect) {  // "Mua ngay": straight to the checkout
          window.location.assign(data.redirect);
          return;
        }
        if (form.hasAttribute("data-buy-box")) {
          toast(data.message, !data.ok, form.getAttribute("data-cart-url"),
                form.getAttribute("data-cart-text"), form.getAttribute("data-close-text"));
        } else {
          announce(data.message, !data.ok);
        }
        if (!data.ok) return;
        var row = form.closest("[data-sku]");
        if (row) {
          if (data.quantity === 0) {
            var list = row.closest(".cart-lines");
            row.remove();
            if (list && !list.querySelector("[data-sku]")) {
              list.closest(".cart-group").remove();
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
