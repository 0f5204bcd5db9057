/* Product page on a phone: variant chips update the price, the −/+ stepper, the sticky buy bar
   and the gallery's zoom dialog. Everything works without it: the chips are radio buttons, the
   quantity a number field, the pictures links to their large versions. */
(function () {
  "use strict";
  var form = document.querySelector("[data-buy-box]");

  /* --- chips and stepper ------------------------------------------------------------- */
  if (form) {
    var qty = form.querySelector("input[name=quantity]");
    var prices = document.querySelectorAll("[data-buy-price]");
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.name !== "sku" || !input.checked) return;
      prices.forEach(function (el) { el.textContent = input.getAttribute("data-price"); });
      if (qty) {
        qty.max = input.getAttribute("data-available");
        if (parseInt(qty.value, 10) > parseInt(qty.max, 10)) qty.value = qty.max;
      }
    });
    form.querySelectorAll("[data-step]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var step = parseInt(button.getAttribute("data-step"), 10);
        var value = (parseInt(qty.value, 10) || 1) + step;
        var max = parseInt(qty.max, 10) || 99;
        qty.value = Math.min(Math.max(value, 1), max);
        qty.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }

  /* --- sticky buy bar: shown while the buy buttons are above the viewport, hidden while the
     footer is in view; the page gets a bottom padding so the bar never covers content. --- */
  var bar = document.querySelector("[data-sticky-buy]");
  var main = form && form.querySelector("[data-buy-main]");
  if (bar && main && "IntersectionObserver" in window) {
    var scrolledPast = false;
    var footerVisible = false;
    var update = function () {
      var show = scrolledPast && !footerVisible;
      bar.hidden = !show;
      document.body.classList.toggle("has-sticky-buy", show);
    };
    new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        scrolledPast = !entry.isIntersecting && entry.boundingClientRect.top < 0;
      });
      update();
    }).observe(main);
    var footer = document.querySelector(".site-footer");
    if (footer) {
      new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) { footerVisible = entry.isIntersecting; });
        update();
      }).observe(footer);
    }
  }

  /* --- gallery: the dots follow the swiped picture ------------------------------------- */
  var gallery = document.querySelector("[data-gallery]");
  if (!gallery) return;
  var track = gallery.querySelector(".gallery-track");
  var slides = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-slide"));
  var dots = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-dots a"));
  if (dots.length && "IntersectionObserver" in window) {
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.intersectionRatio < 0.6) return;
        var index = slides.indexOf(entry.target);
        dots.forEach(function (dot, i) {
          if (i === index) dot.setAttribute("aria-current", "true");
          else dot.removeAttribute("aria-current");
        });
      });
    }, { root: track, threshold: [0.6] });
    slides.forEach(function (slide) { seen.observe(slide); });
    dots.forEach(function (dot, i) {
      dot.addEventListener("click", function (event) {
        event.preventDefault();
        track.scrollTo({ left: slides[i].offsetLeft - track.offsetLeft, behavior: "smooth" });
      });
    });
  }

  /* --- zoom dialog: arrows change picture, Escape closes (the dialog's own cancel), Tab stays
     inside, focus returns to the picture that opened it. ------------------------------ */
  var dialog = document.querySelector("[data-lightbox]");
  var links = Array.prototype.slice.call(gallery.querySelectorAll("[data-zoom]"));
  if (!dialog || !links.length || typeof dialog.showModal !== "function") return;
  var img = dialog.querySelector("[data-lightbox-img]");
  var caption = dialog.querySelector("[data-lightbox-caption]");
  var count = dialog.querySelector("[data-lightbox-count]");
  var current = 0;
  var opener = null;

  function show(index) {
    current = (index + links.length) % links.length;
    var link = links[current];
    var picture = link.querySelector("img");
    img.src = link.href;
    img.alt = picture ? picture.alt : "";
    if (link.getAttribute("data-width")) {
      img.width = parseInt(link.getAttribute("data-width"), 10);
      img.height = parseInt(link.getAttribute("data-height"), 10);
    }
    caption.textContent = link.getAttribute("data-caption") || "";
    count.textContent = count.getAttribute("data-template")
      .replace("{n}", current + 1).replace("{total}", links.length);
  }
  function close() {
    dialog.close();
  }
  links.forEach(function (link, i) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab, as asked
      event.preventDefault();
      opener = link;
      show(i);
      dialog.showModal();
      dialog.querySelector("[data-lightbox-close]").focus();
    });
  });
  dialog.addEventListener("close", function () {
    if (opener) opener.focus();
  });
  dialog.querySelector("[data-lightbox-close]").addEventListener("click", close);
  dialog.querySelector("[data-lightbox-prev]").addEventListener("click", function () { show(current - 1); });
  dialog.querySelector("[data-lightbox-next]").addEventListener("click", function () { show(current + 1); });
  dialog.addEventListener("click", function (event) {
    if (event.target === dialog) close(); // the backdrop
  });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
    else if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    else if (event.key === "Tab") {
      var focusable = Array.prototype.filter.call(
        dialog.querySelectorAll("button"), function (b) { return !b.hidden; });
      var first = focusable[0];
      var last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
    }
  });
})();
