"""`learn read`: open a lesson's page at a section, where a learner can read it.

The page is the published site's when the course names one (`site_url` in course.toml's
[course] table, COURSE_SITE_URL, or mkdocs.yml's site_url when it is not a local
address), else the course's own site/ folder, built on first use. The browser is
Python's `webbrowser`, so the BROWSER variable chooses it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import webbrowser
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from grader.course import Course, CourseError, Lesson, slugify

HEADING = re.compile(r"^# #{2,3} (.+)$", re.M)  # a heading of a percent-format page


def headings(course: Course, lesson: Lesson) -> list[str]:
    page = course.root / lesson.page
    return HEADING.findall(page.read_text(encoding="utf-8")) if page.is_file() else []


def find_section(course: Course, lesson: Lesson, wanted: str) -> str:
    """The heading `wanted` names: itself, or the first heading that contains its words."""
    known = headings(course, lesson) or [e.section for e in lesson.exercises]
    words = slugify(wanted)
    for heading in known:
        if slugify(heading) == words:
            return heading
    for heading in known:
        if words in slugify(heading):
            return heading
    listed = "\n  ".join(known)
    raise CourseError(f"{lesson.id} has no section {wanted!r}; its sections:\n  {listed}")


_MKDOCS_SITE_URL = re.compile(
    r"""^site_url:\s*(?:!ENV\s*\[\s*\w+\s*,\s*)?['"]?([^'"\s#\]]+)""", re.M
)


def site_url(course: Course) -> str:
    """The published site's address, or "" when the course names none: course.toml's
    [course] site_url, else COURSE_SITE_URL (what mkdocs.yml's site_url reads), else
    mkdocs.yml's own value or default, unless that is a local address (mkdocs serve's)."""
    with (course.root / "course.toml").open("rb") as file:
        url = tomllib.load(file).get("course", {}).get("site_url", "")
    url = url or os.environ.get("COURSE_SITE_URL", "")
    mkdocs = course.root / "mkdocs.yml"
    if not url and mkdocs.is_file():
        found = _MKDOCS_SITE_URL.search(mkdocs.read_text("utf-8"))
        local = found and urlsplit(found[1]).hostname in ("127.0.0.1", "localhost")
        url = found[1] if found and not local else ""
    return url.rstrip("/")


def local_page(course: Course, lesson: Lesson, heading: str | None = None) -> Path:
    """The lesson's page in the course's own site/, built with mkdocs if not there yet;
    without mkdocs, where to read the section in the page's source instead."""
    page = course.root / "site" / "lessons" / Path(lesson.page).stem / "index.html"
    if page.is_file():
        return page
    try:
        import mkdocs  # noqa: F401  (only to know it is installed)
    except ImportError:
        raise CourseError(
            f"the course names no published site and its own is not built: read "
            f"{source_place(course, lesson, heading)} in your editor, or install the site "
            "builder (.venv/bin/pip install -e '.[site]', with torch: over 1 GB) and run "
            "learn read again"
        ) from None
    print("Building the course's site into site/ (first time only; a minute or two)...")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=course.root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    if built.returncode != 0 or not page.is_file():
        raise CourseError(f"the site could not be built (mkdocs exited {built.returncode})")
    return page


def source_place(course: Course, lesson: Lesson, heading: str | None) -> str:
    """The page's source file, and the line where `heading` begins in it."""
    page = course.root / lesson.page
    if heading and page.is_file():
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            found = HEADING.match(line)
            if found and found[1] == heading:
                return f"{lesson.page}, line {number} ({heading!r})"
    return lesson.page


def address(course: Course, lesson: Lesson, section: str | None) -> str:
    heading = find_section(course, lesson, section) if section else None
    anchor = f"#{slugify(heading)}" if heading else ""
    url = site_url(course)
    if url:
        return f"{url}/lessons/{Path(lesson.page).stem}/{anchor}"
    return local_page(course, lesson, heading).as_uri() + anchor


def open_page(
    course: Course,
    lesson: Lesson,
    section: str | None,
    opener: Callable[[str], bool] = webbrowser.open,
) -> str:
    """Open the page (at `section`) and return its address, for the learner to copy."""
    url = address(course, lesson, section)
    opener(url)
    return url
