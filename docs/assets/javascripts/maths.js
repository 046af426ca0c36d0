// Typeset maths with the KaTeX copy shipped in assets/vendor/katex (no CDN).
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

  function typeset(root, delimiters) {
    renderMathInElement(root, {
      delimiters: delimiters,
      throwOnError: false,
      ignoredClasses: ["jp-OutputArea", "highlight-ipynb", "clipboard-copy-txt"],
    });
  }

  function typesetAll() {
    document.querySelectorAll(".arithmatex").forEach(function (el) {
      typeset(el, brackets);
    });
    document.querySelectorAll(".jp-MarkdownOutput").forEach(function (el) {
      typeset(el, dollars);
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(typesetAll); // Material re-runs it after instant navigation
  } else {
    document.addEventListener("DOMContentLoaded", typesetAll);
  }
})();
