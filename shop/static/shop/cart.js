/* Progressive enhancement for the cart forms: without JavaScript they post and redirect as usual;
   with it, they post with fetch, update the page in place and announce the result. */
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
    box.className = isError ? "messages error" : "messages success";
    box.textContent = text;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-shop-cart") || !window.fetch) return;
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
        if (!data.ok) { announce(data.error, true); return; }
        if (form.closest(".cart-lines")) { window.location.reload(); return; }
        announce(form.getAttribute("data-success") || "OK", false);
      })
      .catch(function () { form.submit(); });
  });
})();
