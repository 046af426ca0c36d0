"""Every page at a phone's width and a laptop's, in both palettes: accessible and legible.

Each page is opened at 390 px and 1280 px wide, light and dark. axe-core (vendored in
tests/site/vendor/axe-core, injected by Playwright) must find nothing serious or
critical; the page must not scroll sideways; outputs keep their lines whole; code that
is wider than its column scrolls and can be reached by keyboard; at 1280 px the code
column holds the 100 columns the lessons are written to; every figure has an alt text
of its own and, at 390 px, text at least 9 px tall. A full-page screenshot of each is
left in artifacts/screenshots (SCREENSHOT_DIR) for a course writer to look at. The
tab records any console error, failed request or request off the machine (conftest).
"""

from __future__ import annotations

import pytest
from conftest import open_tab
from sitekit import ROOT, SCREENSHOTS, page_urls

AXE = ROOT / "tests" / "site" / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = {"phone": 390, "laptop": 1280}
CODE_COLUMNS = 100  # the lessons' line length (ruff's, in pyproject.toml)
FIGURE_TEXT_PT = 10  # matplotlib's default text size: tick labels, axis labels, legends
MIN_TEXT_PX = 9


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def width(request) -> int:
    return WIDTHS[request.param]


@pytest.fixture
def sized_tab(browser, site_url, scheme, width):
    yield from open_tab(browser, site_url, scheme, width)


def load_everything(page) -> None:
    """Figures load lazily: load them all, so that sizes and screenshots are final."""
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


def axe_findings(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x): ` +
                     v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' +
                        (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160))
                     .join(' | '));
        }"""
    )
    return found


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
                          `${el.className || el.tagName} "${(el.textContent || "").trim().slice(0, 40)}"`);
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
    for (const img of document.querySelectorAll('article img')) {
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
def test_each_page_is_accessible_and_legible(sized_tab, scheme, width, url):
    page = sized_tab.page
    sized_tab.open(url)
    load_everything(page)
    assert page.locator("article h1").count() >= 1, f"{url}: no title"
    name = f"{url.strip('/').replace('/', '-') or 'home'}-{width}-{scheme}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.jpeg", full_page=True, type="jpeg", quality=70)
    problems = page.evaluate(LAYOUT, [CODE_COLUMNS, MIN_TEXT_PX, FIGURE_TEXT_PT])
    problems += [f"axe: {finding}" for finding in axe_findings(page)]
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)
    sized_tab.assert_clean(name)
