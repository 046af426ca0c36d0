"""The website, built once per test session and served on 127.0.0.1.

`built_site` runs `mkdocs build --strict` into a temporary folder (every lesson is
executed, through mkdocs-jupyter's cache in .cache/mkdocs-jupyter: a lesson whose
source did not change since the last build is not run again), inside a network
namespace with nothing but loopback when the machine allows one. `site_url` serves that
folder with the standard library's HTTP server on a free port. The browser fixtures
drive the system's Chromium with Playwright; they never download a browser.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sitekit import CHROMIUM_ARGS, REPO_URL, ROOT, SITE_URL


def offline_prefix() -> list[str] | None:
    """A command prefix that runs a command with no network but loopback, when possible.

    A new network namespace (unshare -n as root, or -rn in a user namespace) has no
    interface but `lo`, which the notebook kernels need and which `ip` brings up.
    """
    if not (shutil.which("unshare") and shutil.which("ip")):
        return None
    script = 'ip link set lo up && exec "$@"'
    for flags in ("-n", "-rn"):
        prefix = ["unshare", flags, "sh", "-c", script, "sh"]
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return None


@dataclass
class Build:
    path: Path
    offline: bool  # built inside a namespace with no network at all


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The site, built once with `mkdocs build --strict`, with no network when possible,
    as if published at SITE_URL from the repository at REPO_URL."""
    target = tmp_path_factory.mktemp("site")
    prefix = offline_prefix() or []
    command = [*prefix, sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COURSE_SITE_URL": SITE_URL}
    env["COURSE_REPO_URL"] = REPO_URL
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        log = (done.stdout + done.stderr)[-6000:]
        pytest.fail(f"`mkdocs build --strict` failed (exit {done.returncode}):\n{log}")
    return Build(target, offline=bool(prefix))


@pytest.fixture(scope="session")
def built_site(site_build: Build) -> Path:
    return site_build.path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """The built site, served by http.server on 127.0.0.1 and a free port."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def _chromium() -> str | None:
    wanted = os.environ.get("CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(reason: str):
    """Browser tests cannot run: a failure in CI, a skip with the reason elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)")
    pytest.skip(reason)


# One browser for the run: "package" would mean the same here (tests/site is no package),
# so it stays open to the end, beside every later test's processes.
@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed: pip install -c constraints.txt -e '.[dev]'")
    executable = _chromium()
    if executable is None:
        _unavailable(
            "no Chromium found: install it (Debian/Ubuntu: apt-get install chromium) "
            "or point CHROMIUM at one; Playwright is never allowed to download a browser"
        )
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        _unavailable(f"Chromium at {executable} did not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Visit:
    """A browser tab that remembers everything that went wrong in it."""

    page: object
    base: str
    problems: list[str] = field(default_factory=list)

    def open(self, url: str) -> None:
        self.page.goto(self.base + url, wait_until="networkidle")

    def assert_clean(self, what: str) -> None:
        assert not self.problems, f"{what}:\n  " + "\n  ".join(self.problems)


def _watch(page, base: str) -> Visit:
    visit = Visit(page, base)
    problems = visit.problems

    def route(route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            problems.append(f"request to another host: {route.request.url}")
            route.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"uncaught exception: {exc}"))
    # ERR_ABORTED is a fetch cut short by leaving the page (or by route() above, which
    # records its own reason): not a missing file.
    page.on(
        "requestfailed",
        lambda req: (
            problems.append(f"failed request: {req.url} ({req.failure})")
            if "ERR_ABORTED" not in (req.failure or "")
            else None
        ),
    )
    page.on(
        "response",
        lambda res: problems.append(f"HTTP {res.status}: {res.url}") if res.status >= 400 else None,
    )
    return visit


@pytest.fixture(params=["light", "dark"])
def scheme(request) -> str:
    return request.param


@contextlib.contextmanager
def open_tab(browser, site_url: str, scheme: str, width: int = 1280):
    """A tab `width` pixels wide in the light or dark palette, in a context of its own
    (its own renderer process: tabs work side by side), closed at the end."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    try:
        yield _watch(page, site_url)
    finally:
        page.unroute_all(behavior="ignoreErrors")  # no route handler left running at close
        context.close()


@pytest.fixture
def tab(browser, site_url):
    """A fresh light-mode tab on the served site."""
    with open_tab(browser, site_url, "light") as visit:
        yield visit


@pytest.fixture
def schemed_tab(browser, site_url, scheme):
    """A fresh tab in the light or the dark palette (as the system asks)."""
    with open_tab(browser, site_url, scheme) as visit:
        yield visit
