"""The built site in a real browser: Chromium, driven by Playwright, fully offline.

Every request a page makes is checked: anything not for 127.0.0.1 is recorded and
aborted, so a page that would need the network fails here instead of in a classroom.
"""

from __future__ import annotations

import functools
import http.server
import io
import re
import threading
from pathlib import Path

import pytest
from PIL import Image
from sitekit import lesson_url, lessons, site_path

LESSON_IDS = [lesson["id"] for lesson in lessons()]


def luminance(rgb) -> float:
    """WCAG's relative luminance of an sRGB colour (0-255 channels)."""
    linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def how_it_reads(picture: bytes, background) -> tuple[tuple, float]:
    """A figure as shown: the colour of its background (the commonest colour along its
    edges, where a figure has margins, not data), and the share of its pixels that stand
    out from the page's background at 4.5:1 or more (text, axes, lines)."""
    image = Image.open(io.BytesIO(picture)).convert("RGB")
    width, height = image.size
    edges = [image.crop(box) for box in ((0, 0, width, 2), (0, height - 2, width, height))]
    edges += [image.crop(box) for box in ((0, 0, 2, height), (width - 2, 0, width, height))]
    counts: dict[tuple, int] = {}
    for edge in edges:
        for n, rgb in edge.getcolors(edge.width * edge.height):
            counts[rgb] = counts.get(rgb, 0) + n
    page = luminance(background)
    standing_out = sum(
        n
        for n, rgb in image.getcolors(width * height)
        if (max(luminance(rgb), page) + 0.05) / (min(luminance(rgb), page) + 0.05) >= 4.5
    )
    return max(counts, key=counts.get), standing_out / (width * height)


@pytest.mark.parametrize("lesson", lessons(), ids=LESSON_IDS)
def test_each_lesson_shows_its_outputs_and_figures(schemed_tab, scheme, lesson):
    """Every figure loads and is the one drawn for the palette: its background is the
    page's own (no light card on a dark page), with text and lines that stand out."""
    page = schemed_tab.page
    schemed_tab.open(lesson_url(lesson))
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.count() > 0, f"{lesson['id']}: no executed output on the page"
    figures = page.locator(".jp-OutputArea-output img:visible")
    assert figures.count() > 0, f"{lesson['id']}: no figure in the outputs"
    drawn_for = "dark" if scheme == "dark" else "light"
    assert figures.count() == page.locator(f".nb-figure--{drawn_for} img").count()
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    background = tuple(int(v) for v in re.findall(r"\d+", background)[:3])
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()  # figures load lazily, once near the view
        loaded = figure.evaluate(  # loaded and decoded: what the screenshot shows is it
            """img => (img.complete ? Promise.resolve() : new Promise((done, failed) => {
                img.addEventListener('load', done);
                img.addEventListener('error', failed);
            })).then(() => img.decode()).then(() => img.naturalWidth > 0, () => false)"""
        )
        assert loaded, f"{lesson['id']}: figure {i + 1} did not load"
        dominant, standing_out = how_it_reads(figure.screenshot(), background)
        where = f"{lesson['id']} figure {i + 1} ({scheme})"
        assert max(abs(a - b) for a, b in zip(dominant, background, strict=True)) <= 8, (
            f"{where}: its background is {dominant}, on a page of {background}"
        )
        assert standing_out >= 0.002, f"{where}: only {standing_out:.2%} of it stands out"
    assert page.locator("text=learn check " + lesson["id"]).count() >= 1
    schemed_tab.assert_clean(lesson["id"])


@pytest.mark.parametrize("lesson", lessons(), ids=LESSON_IDS)
def test_maths_is_typeset(tab, lesson):
    tab.open(lesson_url(lesson))
    page = tab.page
    assert page.locator(".katex-error").count() == 0, "KaTeX could not typeset something"
    # Text the reader sees must not show maths delimiters left untypeset.
    leftovers = page.evaluate(
        """() => [...document.querySelectorAll('.jp-MarkdownOutput')]
              .map(el => el.innerText)
              .filter(text => /\\$\\$|\\$[^$\\s][^$]*\\$/.test(text))"""
    )
    assert not leftovers, f"untypeset maths: {leftovers[:3]}"
    if lesson["id"] == "lesson1":
        assert page.locator(".jp-MarkdownOutput .katex").count() >= 10


def test_markdown_pages_typeset_maths_too(tab):
    tab.open("contributing/")
    assert tab.page.locator(".arithmatex .katex").count() >= 1
    assert tab.page.locator(".katex-error").count() == 0
    # Maths inside code is left alone: there it is an example of the syntax.
    assert tab.page.locator("pre .katex, code .katex").count() == 0
    tab.assert_clean("contributing")


def test_navigation_and_previous_next_links(tab):
    page = tab.page
    tab.open("")
    page.locator(".md-nav__link", has_text="1. What is a neural network?").first.click()
    page.wait_for_url(re.compile(r"/lessons/lesson1/$"))
    next_link = page.locator("a.md-footer__link--next")
    assert "2. Tensors" in next_link.inner_text()
    next_link.click()
    page.wait_for_url(re.compile(r"/lessons/lesson2/$"))
    page.locator("a.md-footer__link--prev").click()
    page.wait_for_url(re.compile(r"/lessons/lesson1/$"))
    # The course map on the home page links to every lesson.
    tab.open("")
    for lesson in lessons():
        assert page.locator(f'.course-map a[href="{lesson_url(lesson)}"]').count() == 1
    page.locator('.course-map a[href="lessons/lesson3/"]').click()
    page.wait_for_url(re.compile(r"/lessons/lesson3/$"))
    tab.assert_clean("navigation")


def search(page, words: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(words, delay=20)  # Material searches on key events
    meta = page.locator(".md-search-result__meta")
    meta.wait_for()
    page.wait_for_function(
        "() => !/Type to start searching|Initializing/i.test("
        "document.querySelector('.md-search-result__meta').innerText)"
    )
    links = page.locator("a.md-search-result__link")
    return [links.nth(i).get_attribute("href") for i in range(links.count())]


def test_search_finds_lesson_words(tab):
    tab.open("")
    hits = search(tab.page, "argmax")
    assert any("lessons/lesson1/" in hit for hit in hits), hits
    tab.assert_clean("search")


def test_search_does_not_return_tracebacks(tab):
    tab.open("")
    # "OverflowError" appears on lesson 1 only inside the traceback of its intended error.
    hits = search(tab.page, "OverflowError")
    assert not [hit for hit in hits if "lessons/" in hit], hits


def test_dark_mode_keeps_code_cells_dark(tab):
    page = tab.page
    tab.open(lesson_url(lessons()[0]))
    page.locator("label[title='Dark mode']").first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    colours = page.evaluate(
        """() => {
            const cell = document.querySelector('.jp-InputArea-editor');
            const code = document.querySelector('.highlight-ipynb pre');
            return [getComputedStyle(cell).backgroundColor, getComputedStyle(code).color];
        }"""
    )

    def lightness(css: str) -> float:
        r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255

    background, text = colours
    assert lightness(background) < 0.3, f"code cells stay light in dark mode: {background}"
    assert lightness(text) > 0.6, f"code text is dark on a dark cell: {text}"
    tab.assert_clean("dark mode")


def nav_label(lesson: dict) -> str:
    """What the sidebar, previous/next and the home page's map call a lesson."""
    return f"{lesson['id'].removeprefix('lesson')}. {lesson['title']}"


def test_the_sidebar_and_the_map_name_lessons_as_the_catalogue_does(tab):
    page = tab.page
    tab.open("")
    sidebar = page.locator(".md-sidebar--primary .md-nav__link").all_inner_texts()
    cards = page.locator(".course-map strong").all_inner_texts()
    for lesson in lessons():
        assert nav_label(lesson) in [text.strip() for text in sidebar], sidebar
        assert nav_label(lesson) in cards, cards
    tab.open(lesson_url(lessons()[1]))
    assert (
        page.locator("a.md-footer__link--prev")
        .inner_text()
        .strip()
        .endswith(nav_label(lessons()[0]))
    )
    tab.assert_clean("labels")


def test_maths_needs_no_script_and_its_stylesheet_only_where_there_is_maths(browser, site_url):
    """KaTeX typesets when the site is built: a page shows its maths with JavaScript
    off, and only a page with maths fetches KaTeX's stylesheet (and no script)."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url + "start/")
    assert not [url for url in fetched if "katex" in url], "KaTeX on a page without maths"
    page.goto(site_url + lesson_url(lessons()[0]))
    assert page.locator(".jp-MarkdownOutput .katex .katex-mathml math").count() >= 10
    katex = [url for url in fetched if "katex" in url]
    assert any(url.endswith("katex.min.css") for url in katex), katex
    assert not [url for url in katex if url.endswith(".js")], katex
    context.close()


def test_the_search_index_is_fetched_once_search_is_used(tab):
    """The index (the whole site's text) is held back until the search box is used."""
    fetched: list[str] = []
    tab.page.on("request", lambda request: fetched.append(request.url))
    tab.open(lesson_url(lessons()[0]))
    assert not [url for url in fetched if "search" in url], "search loaded on opening"
    with tab.page.expect_request("**/search/search_index.json"):
        tab.page.locator("input.md-search__input").click()
    tab.assert_clean("search on demand")


def test_the_learn_check_block_is_a_code_block_like_the_others(tab):
    page = tab.page
    lesson = lessons()[0]
    tab.open(lesson_url(lesson))
    block = page.locator(".lesson-card .highlight", has_text=f"learn check {lesson['id']}")
    assert block.locator("button.md-clipboard, .md-code__button").count() >= 1, "no copy button"
    sizes = page.evaluate(
        """() => [document.querySelector('.lesson-card .highlight code'),
                  document.querySelector('.highlight-ipynb pre')]
                 .map(el => getComputedStyle(el).fontSize)"""
    )
    assert sizes[0] == sizes[1], f"the command's type {sizes[0]}, the code's {sizes[1]}"
    # The card lists each exercise once; the page's own Exercises section is not repeated.
    names = [exercise["name"] for exercise in lesson["exercises"]]
    card = page.locator(".lesson-card").inner_text()
    assert all(name in card for name in names)
    tables = page.locator("article table", has_text=names[0]).count()
    assert tables == 1, f"the exercises are listed in {tables} tables"
    tab.assert_clean("learn check block")


def test_the_search_dialog_has_a_name(tab):
    tab.open("")
    assert tab.page.locator(".md-search[role=dialog]").get_attribute("aria-label")


class _PublishedHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under the path of its site_url, and 404.html for what is missing,
    as a static host does."""

    prefix = "/"

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        if not self.path.startswith(self.prefix):
            self.send_error(404)
            return None
        self.path = "/" + self.path[len(self.prefix) :]
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture
def published(built_site: Path):
    """The site served under the sub-path of mkdocs.yml's site_url."""
    prefix = site_path()
    handler = type("Handler", (_PublishedHandler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(built_site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", prefix
    server.shutdown()
    server.server_close()


def test_the_404_page_keeps_its_styling_under_the_sites_path(browser, published):
    origin, prefix = published
    context = browser.new_context()
    page = context.new_page()
    styles: list[int] = []
    page.on("response", lambda res: styles.append(res.status) if res.url.endswith(".css") else None)
    response = page.goto(f"{origin}{prefix}no/such/page/", wait_until="networkidle")
    assert response.status == 404
    assert styles and all(status == 200 for status in styles), styles
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
    assert header in ("sticky", "fixed"), "the 404 page lost Material's stylesheet"
    link = page.locator(".md-header__button.md-logo").get_attribute("href")
    assert link.startswith(prefix), f"the 404 page links home to {link}"
    context.close()
