/* The site header's per-visitor part. Public pages are cached and identical for every visitor,
   so the cart count comes from the `cart_count` cookie the shop keeps up to date; cart.js
   fires "cart:changed" after adding or updating in place. */
(function () {
  "use strict";
  function readCount() {
    var match = document.cookie.match(/(?:^|;\s*)cart_count=(\d+)/);
    return match ? parseInt(match[1], 10) : 0;
  }
  function show() {
    var n = readCount();
    document.querySelectorAll("[data-cart-count]").forEach(function (box) {
      var number = box.querySelector("[data-n]");
      var label = box.querySelector("[data-label]");
      if (number) number.textContent = n;
      if (label) label.textContent = n + " " + (box.getAttribute("data-items-text") || "");
      box.hidden = n === 0;
    });
  }
  document.addEventListener("cart:changed", show);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();
