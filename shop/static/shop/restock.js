/* "Báo khi có hàng": the product page's GET form is posted with fetch (post.js) and the answer
   shown in its status line; without a script the GET
   leads to the shop's own form page. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-restock-form") || !window.shopPost || !window.FormData) return;
    event.preventDefault();
    var status = form.querySelector("[data-restock-status]");
    var body = new FormData(form);
    window.shopPost(form, body)
      .then(function (data) {
        status.textContent = data.message || data.error || "";
        status.classList.toggle("error", !data.ok);
        if (data.ok) form.querySelector("[name=email]").value = "";
      })
      .catch(function () { form.submit(); });
  });
})();
