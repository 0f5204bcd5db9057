// The rich-text editor (Draftail) renders a contenteditable textbox without an accessible
// name; name it after its field's label so screen readers announce "Mô tả chi tiết".
(function () {
  function nameEditors(root) {
    root.querySelectorAll('[contenteditable="true"][role="textbox"]').forEach(function (box) {
      if (box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby")) return;
      var label = null;
      for (var node = box.parentElement; node && !label; node = node.parentElement) {
        label = node.querySelector("label.w-field__label, label");
      }
      if (!label) return;
      if (!label.id) label.id = "rte-label-" + Math.random().toString(36).slice(2);
      box.setAttribute("aria-labelledby", label.id);
    });
  }
  function start() {
    nameEditors(document);
    new MutationObserver(function () { nameEditors(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
