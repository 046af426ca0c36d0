"""Page weight of each lesson of a built site: what a reader's browser downloads.

    .venv/bin/python benchmarks/site/bench_weight.py SITE_DIR [--json out.json]

SITE_DIR is the output of `mkdocs build`. For each lesson page it reports the HTML
document alone, and what Chromium fetches (response bodies, every file counted once)
when the page is opened in a 1280 x 900 window with an empty cache: on opening, and
after scrolling to the bottom (every lazy figure loaded). On a lesson solved in the
page, it then focuses the learner's code, as a reader who starts to edit, and adds
what that fetches until Python is ready: the editor (CodeMirror) and, apart, Python
(Pyodide, the wheels, the course's tests). Each is given as the bytes of the files,
and gzipped as a web server would send text (HTML, CSS, JavaScript, JSON; images,
fonts, WebAssembly and archives as they are). A second table splits the page scrolled
to the end by kind of file, gzipped: what weighs. --scheme dark opens the pages in the dark
palette. The site is served by the standard library on 127.0.0.1; nothing else is
reached.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import sys
import threading
import tomllib
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def lesson_urls() -> list[tuple[str, str]]:
    course = tomllib.loads((ROOT / "course.toml").read_text(encoding="utf-8"))
    return [(lesson["id"], f"lessons/{Path(lesson['page']).stem}/") for lesson in course["lessons"]]


TEXT = ("text/", "javascript", "json", "svg")
KINDS = {  # what a file is, from its content type
    "HTML": "text/html",
    "CSS": "text/css",
    "JavaScript": "javascript",
    "JSON": "json",
    "fonts": "font",
    "figures": "image/",
}


def kind(content_type: str) -> str:
    return next((name for name, marker in KINDS.items() if marker in content_type), "other")


def weigh(browser, base: str, url: str, scheme: str) -> dict[str, int]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    sizes: dict[str, tuple[int, int, str]] = {}  # url -> (bytes, bytes as sent, kind)

    def record(response) -> None:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted fetch has no body
            return
        content_type = response.headers.get("content-type", "")
        text = any(marker in content_type for marker in TEXT)
        sent = len(gzip.compress(body)) if text else len(body)
        sizes[response.url] = (len(body), sent, kind(content_type))

    page.on("response", record)
    page.goto(base + url, wait_until="networkidle")
    page.wait_for_timeout(1500)  # what the page's scripts fetch after it loaded (KaTeX)
    page.wait_for_load_state("networkidle")
    opened = dict(sizes)
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height, 600):  # as a reader scrolls: lazy figures load on the way
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(20)
    page.wait_for_load_state("networkidle")
    scrolled = dict(sizes)
    figures = {
        "opened": total(opened),
        "scrolled": total(scrolled),
        "scrolled_gzip_by_kind": {name: 0 for name in [*KINDS, "other"]},
    }
    for _, sent, what in scrolled.values():
        figures["scrolled_gzip_by_kind"][what] += sent
    if page.locator(".learn-solve").count():  # a lesson solved in the page: start to edit
        with page.expect_response(lambda r: r.url.endswith("/course.zip"), timeout=300_000):
            page.locator(".learn-plain").focus()  # the worker fetches course.zip last
        page.wait_for_load_state("networkidle")
        used = {key: value for key, value in sizes.items() if key not in scrolled}
        editor = {key: value for key, value in used.items() if "/codemirror/" in key}
        figures["editor"] = total(editor)
        figures["python"] = total({k: v for k, v in used.items() if k not in editor})
    context.close()
    return figures


def total(sizes: dict[str, tuple[int, int, str]]) -> tuple[int, int]:
    """Bytes of the files, and as sent gzipped."""
    return sum(raw for raw, _, _ in sizes.values()), sum(sent for _, sent, _ in sizes.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--scheme", choices=["light", "dark"], default="light")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no Chromium on PATH")
    handler = functools.partial(Quiet, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    rows = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for lesson, url in lesson_urls():
            html = (args.site / url / "index.html").stat().st_size
            rows[lesson] = {"html": html, **weigh(browser, base, url, args.scheme)}
        browser.close()
    server.shutdown()
    columns = ["opened", "scrolled", "editor", "python"]
    print(
        "| lesson | HTML | on opening | gzipped | scrolled to the end | gzipped "
        "| + editor | gzipped | + Python | gzipped |"
    )
    print("| --- " * 10 + "|")
    for lesson, row in rows.items():
        cells = [f"{row['html'] / 1000:.0f}"]
        for column in columns:
            cells += [f"{size / 1000:.0f}" for size in row[column]] if column in row else ["", ""]
        print(f"| {lesson} | " + " | ".join(cells) + " |")
    print("\nScrolled to the end, gzipped, by kind (kB):\n")
    kinds = [*KINDS, "other"]
    print("| lesson | " + " | ".join(kinds) + " |")
    print("| --- " * (len(kinds) + 1) + "|")
    for lesson, row in rows.items():
        split = row["scrolled_gzip_by_kind"]
        print(f"| {lesson} | " + " | ".join(f"{split[k] / 1000:.0f}" for k in kinds) + " |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
