"""Helpers shared by the site tests: where things are, and which pages exist."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# axe-core, vendored, injected into a page by Playwright; SERIOUS turns its result into
# one line for each serious or critical violation.
AXE = ROOT / "tests" / "site" / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = """(result) => result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x): ` +
         v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' +
            (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160))
         .join(' | '))"""


# Where the tests' build says it is published (COURSE_SITE_URL, read by mkdocs.yml's
# site_url): under a sub-path, as on GitHub Pages, the case where the 404 page's absolute
# links and the sitemap must be right. The .test domain is never reached.
SITE_URL = "https://course.test/deep-learning/"
# The repository the tests' build names (COURSE_REPO_URL, read by mkdocs.yml's repo_url):
# a host Material's script would ask for a star count, as it asks GitLab, were that not
# left out (overrides/partials/source.html); every browser test would see the request.
REPO_URL = "https://gitlab.course.test/deep-learning/course.git"


def site_path() -> str:
    """The path of SITE_URL ('/deep-learning/'): the 404 page's links start with it."""
    return urlsplit(SITE_URL).path


def lessons() -> list[dict]:
    """The lessons of course.toml, in order."""
    return tomllib.loads((ROOT / "course.toml").read_text(encoding="utf-8"))["lessons"]


def lesson_url(lesson: dict) -> str:
    """lessons/lesson1/ for docs/lessons/lesson1.py."""
    page = Path(lesson["page"]).relative_to("docs")
    return f"{page.with_suffix('').as_posix()}/"


def page_urls() -> list[str]:
    """Every page of the site, as a URL relative to its root ('' is the home page)."""
    urls = []
    for path in sorted(DOCS.rglob("*.md")):
        rel = path.relative_to(DOCS).with_suffix("")
        if rel.name == "index":
            rel = rel.parent
        urls.append("" if rel == Path(".") else f"{rel.as_posix()}/")
    return urls + [lesson_url(lesson) for lesson in lessons()]


def load_hook(name: str):
    """One of mkdocs_hooks/*.py, imported the way mkdocs imports hooks."""
    import importlib.util
    import sys

    hooks = ROOT / "mkdocs_hooks"
    spec = importlib.util.spec_from_file_location(f"hook_{name}", hooks / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(hooks))  # as mkdocs does: a hook imports the modules beside it
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(hooks))
    return module
