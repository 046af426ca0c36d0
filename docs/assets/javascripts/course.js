// Small fixes to what Material and the notebook template render.
//
// - Every block that scrolls sideways (a long code line, a wide output, a figure kept
//   legible on a phone) becomes a focus stop, so the keyboard can scroll it too, and
//   gets the class course-scrolls (a figure then says that it scrolls).
// - The search dialog gets a name for screen readers.
(function () {
  "use strict";
  var SCROLLERS = ".md-typeset pre, .jp-RenderedImage, .md-typeset__table, .md-typeset .highlight code";

  function keyboardScroll() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      el.classList.toggle("course-scrolls", scrolls);
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-course-scroll", "");
      } else if (!scrolls && el.hasAttribute("data-course-scroll")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-course-scroll");
      }
    });
  }

  function nameSearch() {
    var dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  function setUp() {
    keyboardScroll();
    nameSearch();
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(keyboardScroll, 200);
  });
  // Figures load lazily: their width is known only once they are in.
  document.addEventListener("load", function (event) {
    if (event.target.tagName === "IMG") keyboardScroll();
  }, true);
  if (typeof document$ !== "undefined") {
    document$.subscribe(setUp); // Material re-runs it after instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
