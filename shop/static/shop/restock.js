/* "Báo khi có hàng": the product page's GET form is posted with fetch (a CSRF token from the
   cookie or /shop/csrf/) and the answer shown in its status line; without a script the GET
   leads to the shop's own form page. */
(function () {
  "use strict";
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return Promise.resolve(decodeURIComponent(match[1]));
    return fetch("/shop/csrf/", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { return data.token; });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-restock-form") || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var status = form.querySelector("[data-restock-status]");
    var body = new FormData(form);
    csrfToken()
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
        status.textContent = data.message || data.error || "";
        status.classList.toggle("error", !data.ok);
        if (data.ok) form.querySelector("[name=email]").value = "";
      })
      .catch(function () { form.submit(); });
  });
})();
