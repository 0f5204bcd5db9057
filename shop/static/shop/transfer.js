/* The bank-transfer order page: copy buttons beside the account, amount and memo, and a quiet
   check every 5 s (for at most 30 min) so the page shows "paid" the moment the bank's
   notification arrives. Without JavaScript the page still shows everything to copy by hand. */
(function () {
  "use strict";
  var box = document.querySelector("[data-order-status]");
  if (!box) return;
  var status = box.querySelector(".vietqr-status");
  box.querySelectorAll("[data-copy]").forEach(function (code) {
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = document.documentElement.lang === "en" ? "Copy" : "Sao chép";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.textContent.trim()).then(function () {
        status.textContent = (document.documentElement.lang === "en" ? "Copied: " : "Đã sao chép: ") + code.textContent.trim();
      });
    });
    code.insertAdjacentElement("afterend", button);
  });
  var tries = 0;
  var timer = setInterval(function () {
    if (++tries > 360) return clearInterval(timer);
    fetch(box.getAttribute("data-order-status"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.paid) {
          clearInterval(timer);
          status.textContent = box.getAttribute("data-paid-text");
          window.location.reload();
        }
      })
      .catch(function () {});
  }, 5000);
})();
