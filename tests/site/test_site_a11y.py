"""Every page at a phone's width and a laptop's, in both palettes: accessible and legible.

Each page is opened at 390 px and 1280 px wide, side by side (two tabs, each in a
renderer process of its own), first in the light palette, then switched to the dark
one with Material's own toggle, as a reader does. axe-core (vendored in
tests/site/vendor/axe-core, injected by Playwright) must find nothing serious or
critical: every rule in the light palette, the rules about colours again in the dark
one. In each of the four, the page must not scroll sideways; outputs keep their lines
whole; code that is wider than its column scrolls and can be reached by keyboard; at
1280 px the code column holds the 100 columns the lessons are written to; every figure
shown has an alt text of its own and, at 390 px, text at least 9 px tall. A full-page
screenshot of each is left in artifacts/screenshots (SCREENSHOT_DIR) for a course
writer to look at. The tabs record any console error, failed request or request off
the machine (conftest).

axe-core is what takes time (seconds a lesson page: thousands of highlighted code
tokens to check for contrast), so each tab's run is started and left to work while the
other tab is screenshot and measured, and only then awaited.
"""

from __future__ import annotations

import contextlib

import pytest
from conftest import open_tab
from sitekit import AXE, SCREENSHOTS, SERIOUS, page_urls

WIDTHS = {"phone": 390, "laptop": 1280}
CODE_COLUMNS = 100  # the lessons' line length (ruff's, in pyproject.toml)
FIGURE_TEXT_PT = 10  # matplotlib's default text size: tick labels, axis labels, legends
MIN_TEXT_PX = 9


def load_everything(page) -> None:
    """Figures load lazily: load them all (both palettes'), so that sizes and
    screenshots are final."""
    page.evaluate(
        """() => Promise.all([...document.images].map(img => {
            img.loading = 'eager';
            return img.complete ? null : new Promise(done => {
                img.addEventListener('load', done); img.addEventListener('error', done);
            });
        }))"""
    )
    page.evaluate("window.dispatchEvent(new Event('resize'))")  # course.js: scrollers
    page.wait_for_timeout(300)


def to_dark(page) -> None:
    """Material's palette toggle, clicked as a reader would."""
    page.emulate_media(color_scheme="dark")
    page.locator("label[title='Dark mode']:visible").first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    load_everything(page)  # scrollers again, for the figures now shown


# The rules whose outcome colours can change: in the dark palette only these run again,
# the page being otherwise the one checked in the light palette (the switch changes a
# few attributes of <body>, which figure is displayed and the toggle's own icon).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

# Started without waiting for it (axe.run works synchronously for most of its run, so
# it starts from a timer): the promise is kept in the page, awaited by axe_findings.
START_AXE = (
    """(rules) => {
    const options = {resultTypes: ['violations']};
    if (rules) options.runOnly = {type: 'rule', values: rules};
    window.courseAxe = new Promise(ready => setTimeout(ready))
        .then(() => axe.run(document, options)).then("""
    + SERIOUS
    + ");\n}"
)


def axe_findings(page) -> list[str]:
    return page.evaluate("() => window.courseAxe")


LAYOUT = """(args) => {
    const [columns, minText, textPt] = args;
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > window.innerWidth + 1)
        problems.push(`the page scrolls sideways: ${root.scrollWidth}px`);
    for (const pre of document.querySelectorAll('.jp-OutputArea-output pre')) {
        const style = getComputedStyle(pre);
        if (style.whiteSpace !== 'pre' || style.wordBreak === 'break-all')
            problems.push(`an output breaks its lines (${style.whiteSpace}, ${style.wordBreak})`);
    }
    // Blocks with something to read that scroll sideways (not an editor's own
    // scrollbar, which holds nothing and scrolls with the editor's caret).
    const scrollers = [...document.querySelectorAll('article *')].filter(el => {
        const x = getComputedStyle(el).overflowX;
        const content = (el.textContent || '').trim() || el.querySelector('img');
        return (x === 'auto' || x === 'scroll') && content &&
               el.scrollWidth > el.clientWidth + 1;
    });
    for (const el of scrollers) {
        const focusable = el.tabIndex >= 0 || el.querySelector('a[href], button, [tabindex]');
        if (!focusable)
            problems.push(`a block scrolls but the keyboard cannot reach it: ` +
                          `${el.className || el.tagName} ` +
                          `"${(el.textContent || "").trim().slice(0, 40)}"`);
    }
    if (window.innerWidth >= 1280) {
        for (const pre of document.querySelectorAll('.highlight-ipynb pre')) {
            const style = getComputedStyle(pre);
            const canvas = document.createElement('canvas').getContext('2d');
            canvas.font = `${style.fontSize} ${style.fontFamily}`;
            const char = canvas.measureText('0'.repeat(100)).width / 100;
            const room = pre.clientWidth - parseFloat(style.paddingLeft)
                         - parseFloat(style.paddingRight);
            if (room < columns * char) {
                problems.push(`a code cell holds ${Math.floor(room / char)} columns`);
                break;
            }
        }
    }
    const alts = new Map();
    const shown = [...document.querySelectorAll('article img')].filter(i => i.checkVisibility());
    for (const img of shown) {
        const alt = (img.getAttribute('alt') || '').trim();
        if (!alt) problems.push(`a figure without alt text: ${img.src}`);
        alts.set(alt, (alts.get(alt) || 0) + 1);
        const perPoint = parseFloat(img.dataset.pxPerPt || '0');
        const natural = parseFloat(img.getAttribute('width') || '0');
        if (perPoint && natural) {
            const text = img.getBoundingClientRect().width / natural * perPoint * textPt;
            if (text < minText)
                problems.push(`figure "${alt.slice(0, 50)}": its text is ${text.toFixed(1)} px`);
        }
    }
    for (const [alt, n] of alts)
        if (n > 1) problems.push(`${n} figures share the alt text "${alt.slice(0, 60)}"`);
    return problems;
}"""


@pytest.mark.parametrize("url", page_urls(), ids=lambda url: url.strip("/") or "home")
def test_each_page_is_accessible_and_legible(browser, site_url, url):
    problems: list[str] = []
    with contextlib.ExitStack() as stack:
        tabs = {
            width: stack.enter_context(open_tab(browser, site_url, "light", width))
            for width in WIDTHS.values()
        }
        for tab in tabs.values():  # both load at once
            tab.page.goto(tab.base + url, wait_until="commit")
        for tab in tabs.values():
            tab.page.wait_for_load_state("networkidle")
            load_everything(tab.page)
            tab.page.add_script_tag(path=str(AXE))
            assert tab.page.locator("article h1").count() >= 1, f"{url}: no title"
        for scheme in ("light", "dark"):
            for width, tab in tabs.items():
                if scheme == "dark":
                    to_dark(tab.page)
                name = f"{url.strip('/').replace('/', '-') or 'home'}-{width}-{scheme}"
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                tab.page.screenshot(
                    path=SCREENSHOTS / f"{name}.jpeg", full_page=True, type="jpeg", quality=70
                )
                found = tab.page.evaluate(LAYOUT, [CODE_COLUMNS, MIN_TEXT_PX, FIGURE_TEXT_PT])
                problems += [f"{name}: {problem}" for problem in found]
                rules = COLOUR_RULES if scheme == "dark" else None
                tab.page.evaluate(START_AXE, rules)  # runs on while the other tab is looked at
            for width, tab in tabs.items():
                name = f"{width} px, {scheme}"
                problems += [f"{name}: axe: {finding}" for finding in axe_findings(tab.page)]
        assert not problems, f"{url or 'home'}:\n  " + "\n  ".join(problems)
        for width, tab in tabs.items():
            tab.assert_clean(f"{url or 'home'} at {width} px")
