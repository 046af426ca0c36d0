"""The built site in a real browser: Chromium, driven by Playwright, fully offline.

Every request a page makes is checked: anything not for 127.0.0.1 is recorded and
aborted, so a page that would need the network fails here instead of in a classroom.
"""

from __future__ import annotations

import re

import pytest
from sitekit import SCREENSHOTS, lesson_url, lessons, page_urls

LESSON_IDS = [lesson["id"] for lesson in lessons()]


@pytest.mark.parametrize("url", page_urls(), ids=lambda url: url.strip("/") or "home")
def test_every_page_loads_cleanly(schemed_tab, url):
    schemed_tab.open(url)
    assert schemed_tab.page.locator("article h1").count() >= 1, f"{url}: no title"
    schemed_tab.assert_clean(f"{url or 'home'} ({schemed_tab.page.url})")


@pytest.mark.parametrize("lesson", lessons(), ids=LESSON_IDS)
def test_each_lesson_shows_its_outputs_and_figures(schemed_tab, scheme, lesson):
    page = schemed_tab.page
    schemed_tab.open(lesson_url(lesson))
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.count() > 0, f"{lesson['id']}: no executed output on the page"
    figures = page.locator(".jp-OutputArea-output img")
    assert figures.count() > 0, f"{lesson['id']}: no figure in the outputs"
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        loaded = figure.evaluate("img => img.complete && img.naturalWidth > 0")
        assert loaded, f"{lesson['id']}: figure {i + 1} did not load"
    assert page.locator("text=learn check " + lesson["id"]).count() >= 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"{lesson['id']}-{scheme}.png", full_page=True)
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
    page.locator(".md-nav__link", has_text="Lesson 1: What is a neural network?").first.click()
    page.wait_for_url(re.compile(r"/lessons/lesson1/$"))
    next_link = page.locator("a.md-footer__link--next")
    assert "Lesson 2" in next_link.inner_text()
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
