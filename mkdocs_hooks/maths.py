"""mkdocs hook: the maths is typeset when the site is built, not in the reader's browser.

KaTeX (the copy in docs/assets/vendor/katex) runs in V8 through mini-racer, so a page
loads no script for its maths (KaTeX is 273 kB) and shows it at once, with or without
JavaScript; only a page that has maths links KaTeX's stylesheet, which fetches the
fonts that maths uses. KaTeX writes MathML beside its HTML, for screen readers.

What counts as maths is what KaTeX's auto-render took in the browser: in markdown
pages, pymdownx.arithmatex (generic mode) leaves `\\(...\\)` and `\\[...\\]` in
span/div.arithmatex; in notebook pages, markdown cells keep Jupyter's `$...$` and
`$$...$$` (the brackets work there too). Code, preformatted text and cell outputs are
left as they are. A formula KaTeX cannot read is a build warning (so `--strict` fails),
and shows its source in red on the page.
"""

from __future__ import annotations

import html
import logging
import re
from functools import cache
from pathlib import Path

from htmlkit import div_end  # beside this hook
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.maths")

KATEX = "assets/vendor/katex"  # under docs/: katex.min.js (for the build), katex.min.css
BRACKETS = [("\\[", "\\]", True), ("\\(", "\\)", False)]
DOLLARS = [("$$", "$$", True), *BRACKETS, ("$", "$", False)]
SKIPPED = {"pre", "code", "script", "style", "textarea", "option", "noscript"}

_ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
_MARKDOWN_CELL = re.compile(r'<div class="[^"]*\bjp-MarkdownOutput\b[^"]*"[^>]*>')
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|<!--.*?-->", re.S)


@cache
def _katex():
    try:
        from py_mini_racer import MiniRacer
    except ImportError:
        raise PluginError(
            "the maths is typeset with mini-racer, which is not installed: "
            "pip install -c constraints.txt -e '.[site]'"
        ) from None

    engine = MiniRacer()
    docs = Path(__file__).resolve().parents[1] / "docs"
    engine.eval("var window = globalThis, self = globalThis;")  # KaTeX's UMD wrapper
    engine.eval((docs / KATEX / "katex.min.js").read_text(encoding="utf-8"))
    return engine


def typeset(tex: str, display: bool, where: str) -> str:
    """KaTeX's HTML and MathML for `tex`; a warning and KaTeX's red source if it fails."""
    options = {"displayMode": display, "throwOnError": True, "output": "htmlAndMathml"}
    try:
        return _katex().call("katex.renderToString", tex, options)
    except Exception as exc:  # mini-racer's JSEvalException: KaTeX's ParseError
        log.warning("%s: KaTeX cannot typeset %r: %s", where, tex, str(exc).splitlines()[0])
        options["throwOnError"] = False
        return _katex().call("katex.renderToString", tex, options)


def _end(text: str, right: str, start: int) -> int:
    """Where `right` closes the maths that starts at `start`: outside braces, skipping
    escaped characters (auto-render's findEndOfMath)."""
    depth, at = 0, start
    while at < len(text):
        if depth <= 0 and text.startswith(right, at):
            return at
        char = text[at]
        if char == "\\":
            at += 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        at += 1
    return -1


def typeset_text(text: str, delimiters, where: str) -> str | None:
    """Plain `text` (not HTML) as HTML with its maths typeset (auto-render's splitting),
    or None if it holds no maths."""
    out, left_of = [], re.compile("|".join(re.escape(left) for left, _, _ in delimiters))
    while (found := left_of.search(text)) is not None:
        left, right, display = next(d for d in delimiters if text.startswith(d[0], found.start()))
        start = found.start() + len(left)
        end = _end(text, right, start)
        if end < 0:
            break
        out += [
            html.escape(text[: found.start()], quote=False),
            typeset(text[start:end], display, where),
        ]
        text = text[end + len(right) :]
    return "".join(out) + html.escape(text, quote=False) if out else None


def typeset_html(fragment: str, delimiters, where: str) -> str:
    """`fragment` with the maths of its text typeset; code and the like left alone."""
    out, at, skipping = [], 0, []

    def text(raw: str) -> str:
        typeset = None if skipping else typeset_text(html.unescape(raw), delimiters, where)
        return raw if typeset is None else typeset

    for tag in _TAG.finditer(fragment):
        out.append(text(fragment[at : tag.start()]))
        closing, name = tag[1], (tag[2] or "").lower()
        if name in SKIPPED and not tag[0].endswith("/>"):
            if closing and skipping and skipping[-1] == name:
                skipping.pop()
            elif not closing:
                skipping.append(name)
        out.append(tag[0])
        at = tag.end()
    out.append(text(fragment[at:]))
    return "".join(out)


def typeset_page(body: str, where: str) -> str:
    """Every formula of the page typeset: arithmatex blocks and markdown cells."""

    def arithmatex(match: re.Match) -> str:
        inner = typeset_html(match[2], BRACKETS, where)
        return f'<{match[1]} class="arithmatex">{inner}</{match[1]}>'

    body = _ARITHMATEX.sub(arithmatex, body)
    pieces, at = [], 0
    for cell in _MARKDOWN_CELL.finditer(body):
        if cell.start() < at:
            continue
        end = div_end(body, cell.start())
        pieces += [body[at : cell.end()], typeset_html(body[cell.end() : end], DOLLARS, where)]
        at = end
    return "".join(pieces) + body[at:]


def on_post_page(output, page, config):
    # After the search index took the page's text: it keeps the TeX, not KaTeX's spans.
    typeset_output = typeset_page(output, page.file.src_uri)
    if typeset_output == output:
        return output
    css = get_relative_url(f"{KATEX}/katex.min.css", page.url)
    link = f'<link rel="stylesheet" href="{html.escape(css)}">'
    return typeset_output.replace("</head>", f"{link}\n</head>", 1)
