"""mkdocs hooks that shape how the lesson pages read (after mkdocs_hooks/lessons.py).

- each figure becomes a file beside its page (cacheable, loaded lazily, in 256
  colours) instead of base64 inside the HTML, with the alt text its code cell gives
  it (below), a link that opens it at full size, and a size the page never shrinks
  below legibility (a narrower screen scrolls it sideways instead); a figure also
  drawn for the dark palette becomes two, one shown in each (the hidden one is never
  fetched: it is lazy and not displayed);
- code cells tagged `plot` (`# %% tags=["plot"]`) are folded behind a "Show the
  plotting code" button; the downloaded notebook keeps them as they are;
- a card at the top of each lesson: reading time, what you will write, the exercises
  with their points and the section that teaches each, and the commands to check,
  watch and get hints;
- the `learn check` command in a lesson is a Material code block (copy button, the
  type size of the rest of the code);
- the notebook stylesheet (JupyterLab's, ~600 kB) keeps only the rules whose classes
  the pages use;
- the glossary page lists every term a lesson puts in bold (a name of at most four
  words; a bolded sentence is emphasis, not a term), linked to its section;
- `{{ repo_url }}` in a page (the clone lines) becomes mkdocs.yml's repo_url, which
  COURSE_REPO_URL sets.

Alt text: the code cell that draws a figure says what it shows in a comment at its
top, `# alt: Four scatter plots of ...`, continued on lines indented after the `#`
(`#   ...`) to stay within 100 columns; a cell that draws several figures has one
`# alt:` per figure, in order. A figure without one gets its axes' titles from the
code, and the build says which figures lack a text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import logging
import math
import re
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
from htmlkit import div_end  # beside this hook
from PIL import Image

from grader import course as course_mod

log = logging.getLogger("mkdocs.hooks.pages")

FIGURES = "figures"  # beside each lesson page: lessons/lessonN/figures/<hash>.png
MIN_SCALE = 0.85  # a figure is never shown smaller than this share of its own size
WORDS_PER_MINUTE = 200  # reading pace for prose; code is counted at a tenth of it
GLOSSARY_MARK = "<!-- glossary -->"
REPO_MARK = "{{ repo_url }}"


@dataclass
class Lessons:
    by_page: dict[str, course_mod.Lesson]  # docs-relative source path -> lesson
    points: dict[str, float] = field(default_factory=dict)  # "lesson1/step" -> points


lessons = Lessons({})
cache = Path(".cache/course-pages")  # beside mkdocs-jupyter's cache; set in on_config


def lesson_pages(root: Path, docs: Path) -> dict[str, course_mod.Lesson]:
    """The catalogue's lessons by their page, relative to `docs`."""
    found = {}
    for lesson in course_mod.load(root).lessons:
        try:
            page = (root / lesson.page).resolve().relative_to(docs.resolve()).as_posix()
        except ValueError:
            continue  # lessons.py reports it
        found[page] = lesson
    return found


# What `learn check` grades each exercise out of, on a machine without a GPU: the
# points of the tests pytest collects for it (`points` and `exercise` marks, see
# grader/plugin.py). Collected in a separate process, once per version of the tests.
_COLLECT = """
import json, sys, pytest

class Points:
    found = {}

    def pytest_collection_modifyitems(self, items):
        for item in items:
            if item.get_closest_marker("gpu"):
                continue
            mark, points = item.get_closest_marker("exercise"), item.get_closest_marker("points")
            key = item.path.parent.name + "/" + (mark.args[0] if mark else item.path.stem)
            self.found[key] = self.found.get(key, 0) + (points.args[0] if points else 1)

code = pytest.main(["--collect-only", "-qq", "-p", "no:cacheprovider", sys.argv[1]], [Points()])
print(json.dumps(Points.found) if code == 0 else "{}")
"""


def exercise_points(root: Path, cache: Path) -> dict[str, float]:
    tests = sorted((root / "grader" / "tests").rglob("*.py"))
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in tests)).hexdigest()[:16]
    kept = cache / f"points-{digest}.json"
    if kept.exists():
        return json.loads(kept.read_text(encoding="utf-8"))
    done = subprocess.run(
        [sys.executable, "-c", _COLLECT, str(root / "grader" / "tests")],
        cwd=root,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.strip().splitlines()
    points = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    if not points:
        log.warning("could not collect the grader's tests for the lesson cards: %s", done.stderr)
        return {}
    cache.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps(points), encoding="utf-8")
    return points


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    lessons.by_page = lesson_pages(root, Path(config.docs_dir))
    global cache
    cache = root / ".cache" / "course-pages"
    lessons.points = exercise_points(root, cache)
    return config


# -- figures ---------------------------------------------------------------------------------


def _png_facts(data: bytes) -> tuple[int, float | None]:
    """The PNG's width in pixels and its resolution in dots per inch (pHYs), if given."""
    width = struct.unpack(">I", data[16:20])[0]
    at = data.find(b"pHYs")
    if at < 0:
        return width, None
    per_metre_x, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    return width, per_metre_x * 0.0254 if unit == 1 else None


def alt_comments(code: str) -> list[str]:
    """The `# alt:` texts in the comment lines a cell starts with (see the module)."""
    alts: list[str] = []
    for line in code.splitlines():
        if not line.startswith("#"):
            break
        text = re.match(r"#\s*alt:\s*(.*)", line)
        if text:
            alts.append(text[1].strip())
        elif alts and re.match(r"#\s{2,}\S", line):
            alts[-1] += " " + line[1:].strip()
    return alts


def cell_alts(source: Path) -> list[list[str]]:
    """For each code cell of the lesson, in order: the alt texts it gives its figures."""
    cells = jupytext.read(source).cells
    return [alt_comments(cell.source) for cell in cells if cell.cell_type == "code"]


_TITLE_CALL = re.compile(r"""\.(?:set_title|suptitle|title)\(\s*f?(["'])(.+?)\1""")


def guessed_alt(code: str) -> str:
    """An alt text from the titles the code gives its axes, for a cell without one."""
    titles = [re.sub(r"\{[^}]*\}", "…", t) for _, t in _TITLE_CALL.findall(code)]
    titles = [" ".join(t.replace("\\n", " ").split()) for t in titles]
    titles = list(dict.fromkeys(titles))
    return "Figure: " + "; ".join(titles) if titles else "Figure"


_CODE_CELL = re.compile(r'<div class="jp-Cell jp-CodeCell[^"]*"[^>]*\bid="[^"]*"')
_IMG = re.compile(r'<img\b[^>]*\bsrc="data:image/png;base64,([^"]+)"[^>]*>')
_ATTR = re.compile(r'\b(width|height)="(\d+)"')


def _cell_code(chunk: str) -> str:
    code = re.search(r'<div class="highlight-ipynb[^"]*"><pre>(.*?)</pre>', chunk, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", code[1])) if code else ""


def figures_as_files(content: str, alts: list[list[str]], folder: Path, name: str) -> str:
    """Write each inlined PNG to `folder` and point its <img> there (see the module)."""
    starts = [m.start() for m in _CODE_CELL.finditer(content)]
    pieces, last, missing, seen = [], 0, [], set()
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(content)
        chunk = content[start:end]
        given = alts[number] if number < len(alts) else []
        images = list(_IMG.finditer(chunk))
        out, at = [], 0
        for index, image in enumerate(images):
            if index < len(given):
                alt = given[index]
            else:
                alt = guessed_alt(_cell_code(chunk))
                missing.append(f"code cell {number + 1}")
            if alt in seen:  # every figure has a text of its own
                alt = f"{alt} (figure {len(seen) + 1})"
            seen.add(alt)
            out += [chunk[at : image.start()], _figure(image, alt, folder)]
            at = image.end()
        pieces += [content[last:start], *out, chunk[at:]]
        last = end
    pieces.append(content[last:])
    if missing:
        log.info("%s: figures without alt text, in %s", name, ", ".join(missing))
    return "".join(pieces)


def smaller_png(data: bytes, name: str) -> bytes:
    """The figure in 256 colours: a quarter of the bytes, the same picture (matplotlib's
    anti-aliased lines and colour maps need no more). Kept in the cache between builds."""
    kept = cache / "figures" / name
    if kept.exists():
        return kept.read_bytes()
    image = Image.open(io.BytesIO(data))
    fewer = image.convert("RGBA").quantize(256, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    fewer.save(out, format="PNG", optimize=True, dpi=image.info.get("dpi", (72, 72)))
    smaller = out.getvalue() if out.tell() < len(data) else data
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(smaller)
    return smaller


_DARK_TWIN = re.compile(r'\bdata-dark-png="([^"]+)"')


def _figure(image: re.Match, alt: str, folder: Path) -> str:
    """The figure as a link to its file around an <img>; two of them, one shown in each
    palette, where the figure was also drawn for the dark one (mkdocs_hooks/lessons.py)."""
    size = dict(_ATTR.findall(image[0]))
    twin = _DARK_TWIN.search(image[0])
    if twin is None:
        return _figure_link(base64.b64decode(image[1]), alt, folder, size, "")
    return "".join(
        _figure_link(base64.b64decode(data), alt, folder, size, f" nb-figure--{scheme}")
        for data, scheme in ((image[1], "light"), (twin[1], "dark"))
    )


def _figure_link(data: bytes, alt: str, folder: Path, size: dict, scheme: str) -> str:
    file = f"{hashlib.sha256(data).hexdigest()[:16]}.png"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file).write_bytes(smaller_png(data, file))
    pixels, dpi = _png_facts(data)
    width = int(size.get("width", pixels))
    height = int(size.get("height", 0)) or None
    # CSS pixels per typographic point at the figure's own size: how big its text is.
    per_point = f' data-px-per-pt="{width / pixels * dpi / 72:.3f}"' if dpi else ""
    src = f"{FIGURES}/{file}"
    dims = f'width="{width}"' + (f' height="{height}"' if height else "")
    return (
        f'<a class="nb-figure{scheme}" href="{src}" style="--figure-width: {width}px; '
        f'--figure-min: {math.floor(width * MIN_SCALE)}px" '
        f'title="Open the figure at full size">'
        f'<img src="{src}" alt="{html.escape(alt)}" {dims} loading="lazy" decoding="async"'
        f"{per_point}></a>"
    )


# -- folded plotting code, quieter focus stops --------------------------------------------


_PLOT_CELL = re.compile(r'<div class="jp-Cell jp-CodeCell[^"]*\bcelltag_plot\b[^"]*"[^>]*\bid=')
_INPUT = '<div class="jp-Cell-inputWrapper" tabindex="0">'


def fold_plot_cells(content: str) -> str:
    """Put the code of cells tagged `plot` in a closed <details>; the figure stays out."""
    for cell in reversed(list(_PLOT_CELL.finditer(content))):
        start = content.find(_INPUT, cell.start())
        if start < 0:
            continue
        end = div_end(content, start)
        content = (
            f'{content[:start]}<details class="plot-code"><summary>Show the plotting code'
            f"</summary>{content[start:end]}</details>{content[end:]}"
        )
    # A code cell is a focus stop only where it scrolls (assets/javascripts/course.js).
    return content.replace(_INPUT, '<div class="jp-Cell-inputWrapper">')


# -- the learn commands, as Material code blocks -------------------------------------------

_BASH_BLOCK = re.compile(
    r'<pre><code class="language-(?:bash|console|sh)">(.*?)</code></pre>', re.S
)


def material_code_blocks(content: str) -> str:
    """Shell blocks of markdown cells as Material renders its own: copy button and type."""
    return _BASH_BLOCK.sub(
        r'<div class="language-bash highlight"><pre><span></span><code>\1</code></pre></div>',
        content,
    )


# -- the lesson card -----------------------------------------------------------------------


def reading_minutes(source: Path) -> int:
    words = 0.0
    for cell in jupytext.read(source).cells:
        count = len(re.findall(r"\w+", cell.source))
        words += count if cell.cell_type == "markdown" else count / 10
    return max(1, round(words / WORDS_PER_MINUTE))


def _code(text: str) -> str:
    return f"<code>{html.escape(text)}</code>"


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def lesson_card(lesson: course_mod.Lesson, minutes: int, points: dict[str, float]) -> str:
    files = list(dict.fromkeys(f"exercises/{lesson.id}/{e.file}" for e in lesson.exercises))
    rows = "".join(
        f"<tr><td>{_code(e.name)}</td>"
        f"<td>{_points(points.get(f'{lesson.id}/{e.name}'))}</td>"
        f'<td><a href="#{course_mod.slugify(e.section)}">{html.escape(e.section)}</a></td></tr>'
        for e in lesson.exercises
    )
    check = f"learn check {lesson.id}"
    names = ", ".join(_code(e.name) for e in lesson.exercises)
    return (
        '<aside class="lesson-card" aria-label="This lesson at a glance">'
        f"<p><strong>About {minutes} minutes to read.</strong> "
        f"You will write {names}, in {' and '.join(_code(f) for f in files)}.</p>"
        '<table><thead><tr><th scope="col">Exercise</th><th scope="col">Points</th>'
        f'<th scope="col">Taught in</th></tr></thead><tbody>{rows}</tbody></table>'
        "<p>Check your work from the course folder (a fresh clone: <code>./learn</code>):</p>"
        f'<div class="language-bash highlight"><pre><span></span><code>{check}</code></pre></div>'
        f"<p>{_code(f'learn watch {lesson.id}')} checks again each time you save a file; "
        f"{_code(f'learn hint {lesson.id}')} shows the next hint for the first exercise "
        "that did not pass in your last check.</p></aside>"
    )


def with_card(content: str, card: str) -> str:
    """The card right after the page's title."""
    end = content.find("</h1>")
    if end < 0:
        return card + content
    end += len("</h1>")
    return content[:end] + card + content[end:]


# -- the glossary --------------------------------------------------------------------------

_BOLD = re.compile(r"\*\*([^*\n]+?)\*\*")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.M)


def is_term(bold: str) -> bool:
    """Bold text that names something (at most four words), not an emphasised sentence."""
    words = bold.split()
    named = re.search(r"[A-Za-z]", bold) and not re.search(r"[.,:;!?]", bold)
    return 0 < len(words) <= 4 and bool(named)


@dataclass
class Term:
    name: str
    where: str  # "Lesson 1: One neuron"
    link: str  # docs-relative, with the section's anchor
    sentence: str  # the sentence that puts it in bold, as written


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z$`(*])")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def glossary_entries(docs: Path, by_page: dict[str, course_mod.Lesson]) -> list[Term]:
    """Each bolded term where it first appears, in alphabetical order."""
    found: dict[str, Term] = {}
    for page, lesson in by_page.items():
        section, anchor = "", ""
        for cell in jupytext.read(docs / page).cells:
            if cell.cell_type != "markdown":
                continue
            # Paragraphs and list items, each a text of its own.
            for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", cell.source):
                heading = _HEADING.match(paragraph.strip())
                if heading:
                    if len(heading[1]) > 1:
                        section, anchor = heading[2], "#" + course_mod.slugify(heading[2])
                    continue
                text = re.sub(r"^(?:[-*]|\d+\.)\s+", "", " ".join(paragraph.split()))
                for sentence in _SENTENCE_END.split(text):
                    for name in filter(is_term, _BOLD.findall(sentence)):
                        key = name.strip().lower()
                        if key in found:
                            continue
                        where = f"Lesson {lesson.number}" + (f": {section}" if section else "")
                        found[key] = Term(name.strip(), where, page + anchor, sentence)
    return sorted(found.values(), key=lambda term: term.name.lower())


def glossary_markdown(docs: Path, by_page: dict[str, course_mod.Lesson]) -> str:
    lines = ["| Term | Where it is defined | In its words |", "| --- | --- | --- |"]
    for term in glossary_entries(docs, by_page):
        said = _LINK.sub(r"\1", term.sentence).replace("|", "\\|")
        lines.append(f"| [{term.name}]({term.link}) | {term.where} | {said} |")
    return "\n".join(lines)


# -- mkdocs events ---------------------------------------------------------------------------


def on_page_markdown(markdown, page, config, files):
    markdown = markdown.replace(REPO_MARK, config.repo_url)
    if GLOSSARY_MARK in markdown:
        docs = Path(config.docs_dir)
        return markdown.replace(GLOSSARY_MARK, glossary_markdown(docs, lessons.by_page))
    return markdown


def on_page_content(content, page, config, files):
    lesson = lessons.by_page.get(page.file.src_uri)
    if lesson is None:
        if page.file.src_uri.endswith(".py"):  # a notebook page that is not a lesson
            return material_code_blocks(fold_plot_cells(content))
        return content
    source = Path(page.file.abs_src_path)
    folder = Path(page.file.abs_dest_path).parent / FIGURES
    content = figures_as_files(content, cell_alts(source), folder, page.file.src_uri)
    content = material_code_blocks(fold_plot_cells(content))
    card = lesson_card(lesson, reading_minutes(source), lessons.points)
    return with_card(content, card)


# -- the notebook stylesheet, trimmed to what the pages use --------------------------------

NOTEBOOK_CSS = "assets/stylesheets/notebook.css"  # written by lessons.py's on_post_build
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_CLASS_ATTR = re.compile(r'class="([^"]*)"')


def _blocks(css: str):
    """The top-level statements of `css`: (prelude, body) pairs, body None for `@x ...;`."""
    at, depth, start = 0, 0, 0
    while at < len(css):
        char = css[at]
        if char == ";" and depth == 0:
            yield css[start:at].strip(), None
            start = at + 1
        elif char == "{":
            if depth == 0:
                brace = at
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                yield css[start:brace].strip(), css[brace + 1 : at]
                start = at + 1
        at += 1


def _may_match(selectors: str, classes: set[str]) -> bool:
    for selector in selectors.split(","):
        wanted = set(_CLASS.findall(re.sub(r":not\([^)]*\)", "", selector)))
        if wanted <= classes:
            return True
    return False


def _map_rules(css: str, rule) -> list[str]:
    """Each style rule of `css` through `rule(prelude, body)` (what replaces it; "" drops
    it), inside @media and @supports too; statements and other @-rules are kept."""
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith(("@media", "@supports")):
            inner = "\n".join(_map_rules(body, rule))
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        elif kept := rule(prelude, body):
            out.append(kept)
    return out


def used_css(css: str, classes: set[str]) -> str:
    """The rules of `css` that can match: a selector whose classes all occur in `classes`
    (or that names none); @media and @supports are trimmed inside, other @-rules kept."""
    return "\n".join(
        _map_rules(css, lambda prelude, body: f"{prelude}{{{body}}}" * _may_match(prelude, classes))
    )


_VAR = re.compile(r"var\(\s*(--[\w-]+)")


def _declarations(body: str) -> list[str]:
    """The declarations of a rule's body, split at the semicolons outside quotes and
    brackets (a data: URI holds semicolons of its own)."""
    parts, depth, quote, start = [], 0, "", 0
    for at, char in enumerate(body):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append(body[start:at])
            start = at + 1
    parts.append(body[start:])
    return [part.strip() for part in parts if part.strip()]


def _property(declaration: str) -> str:
    return declaration.split(":", 1)[0].strip()


def _reads(css: str) -> set[str]:
    """The custom properties that the rules of `css` read, other than from one another."""
    found = set()
    for prelude, body in _blocks(css):
        if body is None:
            continue
        if prelude.startswith(("@media", "@supports")):
            found |= _reads(body)
        elif prelude.startswith("@"):  # @keyframes, @font-face: whatever they name
            found.update(_VAR.findall(body))
        else:
            for declaration in _declarations(body):
                if not _property(declaration).startswith("--"):
                    found.update(_VAR.findall(declaration))
    return found


def _without(css: str, unread) -> str:
    def rule(prelude: str, body: str) -> str:
        kept = [d for d in _declarations(body) if not unread(_property(d))]
        return f"{prelude}{{{';'.join(kept)}}}" if kept else ""

    # An identical rule earlier in the sheet changes nothing: keep the last.
    return "\n".join(reversed(dict.fromkeys(reversed(_map_rules(css, rule)))))


def without_unused_variables(css: str, elsewhere: str) -> str:
    """`css` without the custom properties (`--name: value`) that nothing reads: not its
    own rules, not `elsewhere` (the site's other styles and pages), not a custom
    property that is read in turn. Identical rules are kept once."""
    values: dict[str, list[str]] = {}
    for declaration in _declarations(re.sub(r"[{}]", ";", css)):
        name = _property(declaration)
        if name.startswith("--"):
            values.setdefault(name, []).append(declaration)
    read = _reads(css) | set(_VAR.findall(elsewhere))
    pending = list(read)
    while pending:
        for value in values.get(pending.pop(), []):
            new = set(_VAR.findall(value)) - read
            read |= new
            pending += new
    return _without(css, lambda name: name.startswith("--") and name not in read)


def on_post_build(config):
    site = Path(config.site_dir)
    css = site / NOTEBOOK_CSS
    if not css.exists():
        return
    classes = {"jupyter-wrapper"}
    elsewhere = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        elsewhere.append(text)
        for attr in _CLASS_ATTR.findall(text):
            classes.update(attr.split())
    for other in site.joinpath("assets").rglob("*.css"):
        if other != css:
            elsewhere.append(other.read_text(encoding="utf-8"))
    trimmed = used_css(css.read_text(encoding="utf-8"), classes)
    trimmed = without_unused_variables(trimmed, "\n".join(elsewhere))
    css.write_text(trimmed + "\n", encoding="utf-8")
