/* Copy buttons ([data-copy-target] = the id of a read-only textarea or input): hidden until
 * this script runs, since without it the text is still there to select and copy by hand. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) return;
    var status = button.closest("details, section, form, div");
    status = status && status.querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      function done() {
        if (status) status.textContent = button.getAttribute("data-copied-label") || "";
      }
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          try { document.execCommand("copy"); done(); } catch (e) { /* selected: copy by hand */ }
        });
      } else {
        try { document.execCommand("copy"); done(); } catch (e) { /* selected: copy by hand */ }
      }
    });
  });
})();
