/* Posting a shop form with fetch from a cached page (cart.js, restock.js). Cached pages carry
   no CSRF token: it comes from the form (an uncached page), the cookie, or /shop/csrf/.
   window.shopPost(form, body) resolves to the JSON answer. */
(function () {
  "use strict";
  if (window.shopPost) return;
  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return Promise.resolve(field.value);
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return Promise.resolve(decodeURIComponent(match[1]));
    return fetch("/shop/csrf/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { return data.token; });
  }
  window.shopPost = function (form, body) {
    return csrfToken(form)
      .then(function (token) {
        body.set("csrfmiddlewaretoken", token);
        return fetch(form.action, {
          method: "POST",
          body: body,
          headers: { Accept: "application/json", "X-CSRFToken": token },
          credentials: "same-origin",
        });
      })
      .then(function (response) { return response.json(); });
  };
})();
