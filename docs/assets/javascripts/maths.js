// Typeset maths with the KaTeX copy shipped in assets/vendor/katex (no CDN), and load
// KaTeX only on a page that has maths.
//
// Markdown pages: pymdownx.arithmatex (generic mode) leaves \( \) and \[ \] in
// span/div.arithmatex. Notebook pages: markdown cells keep Jupyter's $ and $$.
// `$` is only looked for inside notebooks, where it always means maths.
(function () {
  "use strict";
  var brackets = [
    { left: "\\[", right: "\\]", display: true },
    { left: "\\(", right: "\\)", display: false },
  ];
  var dollars = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false },
  ].concat(brackets);
  // This script's own folder: KaTeX is at ../vendor/katex from it, at any page depth.
  var katex = new URL("../vendor/katex/", document.currentScript.src).href;
  var loading = null;

  function load() {
    if (loading) return loading;
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = katex + "katex.min.css";
    document.head.appendChild(css);
    loading = ["katex.min.js", "contrib/auto-render.min.js"].reduce(function (done, file) {
      return done.then(function () {
        return new Promise(function (resolve, reject) {
          var script = document.createElement("script");
          script.src = katex + file;
          script.onload = resolve;
          script.onerror = reject;
          document.head.appendChild(script);
        });
      });
    }, Promise.resolve());
    return loading;
  }

  function typeset(root, delimiters) {
    renderMathInElement(root, {
      delimiters: delimiters,
      throwOnError: false,
      ignoredClasses: ["jp-OutputArea", "highlight-ipynb", "clipboard-copy-txt"],
    });
  }

  function typesetAll() {
    var markdown = document.querySelectorAll(".arithmatex");
    var notebook = [].filter.call(document.querySelectorAll(".jp-MarkdownOutput"), function (el) {
      return el.textContent.indexOf("$") >= 0;
    });
    if (!markdown.length && !notebook.length) return; // no maths: no KaTeX
    load().then(function () {
      markdown.forEach(function (el) { typeset(el, brackets); });
      notebook.forEach(function (el) { typeset(el, dollars); });
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(typesetAll); // Material re-runs it after instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", typesetAll);
  }
})();
