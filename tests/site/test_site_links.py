"""Every link of the built site resolves, and nothing it loads lives on another host.

A small standard-library HTML parser reads every page of the site (the lesson pages
made from notebooks included), then checks each internal link: the file exists and,
when the link has a #fragment, the target page has an element with that id.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitekit import REPO_URL, ROOT, SITE_URL, lesson_url, lessons, site_path

from grader import course as course_mod

# Attributes that make the browser fetch something as part of the page.
RESOURCES = {
    ("script", "src"),
    ("link", "href"),
    ("img", "src"),
    ("source", "src"),
    ("iframe", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for element, attribute in RESOURCES:
            if tag == element and attrs.get(attribute):
                if tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
                    continue
                self.resources.append(attrs[attribute])


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[Path, Page]:
    return {path: parse(path) for path in sorted(built_site.rglob("*.html"))}


def resolve(site: Path, page: Path, href: str) -> tuple[Path, str] | None:
    """The file an internal link points to and its fragment; None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    if parts.path.startswith("/"):  # the 404 page's links: from the site_url's path
        target = site / unquote(parts.path).removeprefix(site_path()).lstrip("/")
    else:
        target = (page.parent / unquote(parts.path)).resolve()
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_the_site_has_every_page(built_site, pages):
    assert (built_site / "index.html") in pages
    for lesson in lessons():
        assert (built_site / lesson_url(lesson) / "index.html") in pages, lesson["id"]


def test_every_internal_link_and_anchor_resolves(built_site, pages):
    broken = []
    for page, parsed in pages.items():
        for href in parsed.links + parsed.resources:
            if href.startswith(("mailto:", "data:", "javascript:")):
                continue
            found = resolve(built_site, page, href)
            if found is None:
                continue
            target, fragment = found
            where = f"{page.relative_to(built_site)}: {href}"
            if not target.exists():
                broken.append(f"{where} -> no file {target.relative_to(built_site)}")
            elif fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                if fragment not in ids:
                    broken.append(f"{where} -> no id {fragment!r} in that page")
    assert not broken, f"{len(broken)} broken link(s):\n  " + "\n  ".join(broken)


def test_nothing_is_loaded_from_another_host(built_site, pages):
    remote = [
        f"{page.relative_to(built_site)}: {src}"
        for page, parsed in pages.items()
        for src in parsed.resources
        if urlsplit(src).scheme in ("http", "https") or src.startswith("//")
    ]
    assert not remote, "pages load files from the network:\n  " + "\n  ".join(remote)


def test_the_sections_learn_links_to_exist(built_site, pages):
    """`learn check` prints Lesson.section_link(section) for every failing exercise."""
    course = course_mod.load(ROOT)
    missing = []
    for lesson in course.lessons:
        for exercise in lesson.exercises:
            link = lesson.section_link(exercise.section)
            path, _, fragment = link.partition("#")
            page = built_site / path / "index.html"
            if page not in pages or fragment not in pages[page].ids:
                missing.append(f"{lesson.id} {exercise.name}: “{exercise.section}” ({link})")
    assert not missing, (
        "lesson pages lack the sections that course.toml names (a `## ` heading with "
        "exactly that title):\n  " + "\n  ".join(missing)
    )


def test_every_lesson_offers_its_notebooks(built_site, pages):
    for lesson in lessons():
        page = built_site / lesson_url(lesson) / "index.html"
        stem = Path(lesson["page"]).stem
        links = pages[page].links
        assert f"{stem}.ipynb" in links, f"{lesson['id']}: no link to the executed notebook"
        assert f"{stem}.py" in links, f"{lesson['id']}: no link to the source"


def test_every_lesson_ends_with_credits_and_further_reading(built_site, pages):
    missing = [
        lesson["id"]
        for lesson in lessons()
        if "credits-and-further-reading"
        not in pages[built_site / lesson_url(lesson) / "index.html"].ids
    ]
    assert not missing, f"no “## Credits and further reading” section in: {missing}"


def test_the_reference_has_a_section_for_every_command(built_site, pages):
    import click

    from grader import cli

    ids = pages[built_site / "reference" / "learn" / "index.html"].ids
    ctx = click.Context(cli.cli, info_name="learn")
    missing = [name for name in cli.cli.list_commands(ctx) if f"learn-{name}" not in ids]
    assert not missing, f"commands missing from reference/learn: {missing}"


def test_the_sitemap_and_canonical_links_use_the_site_url(built_site):
    """The build was told its address (COURSE_SITE_URL, see conftest): every page has it."""
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    for lesson in lessons():
        assert f"<loc>{SITE_URL}{lesson_url(lesson)}</loc>" in sitemap, lesson["id"]
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}">' in home
    lesson = (built_site / lesson_url(lessons()[0]) / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}{lesson_url(lessons()[0])}">' in lesson


def test_the_clone_lines_and_the_repository_link_use_the_repo_url(built_site):
    """The build was told where the repository is (COURSE_REPO_URL, see conftest)."""
    for page in ("index.html", "start/index.html"):
        source = (built_site / page).read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", source))  # highlighted code as read
        assert f"git clone {REPO_URL} course" in text, page
        assert f'<a href="{REPO_URL}"' in source, page  # said in words too, as a link
        assert source.count(f'href="{REPO_URL}"') >= 2, page  # and at the top of the page
        assert "repo_url" not in text, page
