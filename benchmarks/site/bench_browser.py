"""Checking a lesson in the page against `learn check` in the terminal.

Serves a built site (``--site``, else it builds one with `mkdocs build --strict`) on
127.0.0.1, opens a lesson (``--lesson``, lesson 1 unless told) in Chromium (Playwright,
the system's browser) and times:

- first result: from the start of the navigation to the first check's result, the
  solution in the editor: what a reader waits for on a fresh visit (the page, Pyodide,
  the wheels, the tests);
- warm check: each later check in the same page (Python already started);

against `learn check LESSON --path solutions --format json`, with the warm worker off
(LEARN_WARM=0: every check starts Python) and on (its second and later checks).

    .venv/bin/python benchmarks/site/bench_browser.py --repeat 5 [--lesson lesson5]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEARN = str(Path(sys.executable).with_name("learn"))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path) -> str:
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/"


def in_browser(base: str, lesson: str, repeat: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    files = {
        f"{lesson}/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "solutions" / lesson).glob("*.py"))
    }
    check = f"files => window.learn.check('{lesson}', files, {{save: false}})"
    first, warm = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM") or shutil.which("chromium"),
            args=["--no-sandbox"],
        )
        for _ in range(repeat):
            context = browser.new_context()  # nothing cached: a first visit
            page = context.new_page()
            page.goto(base + f"lessons/{lesson}/", wait_until="commit")
            page.wait_for_function("() => window.learn")
            result = page.evaluate(check, files)
            first.append(page.evaluate("() => performance.now()") / 1000)
            assert result[0]["passed"], result[0]["status"]
            started = time.perf_counter()
            page.evaluate(check, files)
            warm.append(time.perf_counter() - started)
            context.close()
        browser.close()
    return first, warm


def in_terminal(lesson: str, repeat: int, warm_worker: bool) -> list[float]:
    env = {**os.environ, "LEARN_WARM": "60" if warm_worker else "0"}
    command = [LEARN, "check", lesson, "--path", "solutions", "--format", "json"]
    times = []
    for attempt in range(repeat + warm_worker):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=False)
        if not (warm_worker and attempt == 0):  # the first one leaves the worker
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lesson", default="lesson1", help="one checked in the browser")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        site = args.site
        if site is None:
            site = Path(scratch) / "site"
            build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
            subprocess.run(build, cwd=ROOT, check=True, capture_output=True)
        if not (site / "assets" / "learn" / "course.json").is_file():
            sys.exit("this site has no in-browser checking: run python mkdocs_hooks/pyodide.py")
        first, warm = in_browser(serve(site), args.lesson, args.repeat)
    cold_terminal = in_terminal(args.lesson, args.repeat, warm_worker=False)
    warm_terminal = in_terminal(args.lesson, args.repeat, warm_worker=True)
    rows = [
        ("page load to first result (browser)", first),
        ("check, Python started (browser)", warm),
        ("learn check, LEARN_WARM=0 (terminal)", cold_terminal),
        ("learn check, warm worker (terminal)", warm_terminal),
    ]
    load = os.getloadavg()[0]
    print(f"{args.lesson}, solution, {args.repeat} runs each, load average {load:.1f}")
    print(f"{'':40} {'median':>8} {'min':>8} {'max':>8}")
    for name, times in rows:
        median = statistics.median(times)
        print(f"{name:40} {median:7.2f}s {min(times):7.2f}s {max(times):7.2f}s")


if __name__ == "__main__":
    main()
