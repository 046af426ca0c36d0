"""`learn read`: a lesson's page at a section, in the browser BROWSER names."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

PAGE = "# %% [markdown]\n# # A toy lesson\n# ## Doubling\n# text\n# ## Halving, and why\n"


def browser(tmp_path: Path) -> tuple[str, Path]:
    """A BROWSER command that writes the address it is given to a file."""
    seen = tmp_path / "opened.txt"
    script = tmp_path / "browser"
    script.write_text(f'#!/bin/sh\necho "$1" > {seen}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script), seen


def run_read(course, tmp_path, *args):
    import subprocess

    command, seen = browser(tmp_path)
    seen.unlink(missing_ok=True)
    env = {**os.environ, "BROWSER": command, "COLUMNS": "200"}
    learn = str(Path(sys.executable).with_name("learn"))
    run = subprocess.run(
        [learn, "read", *args], cwd=course.root, capture_output=True, text=True, env=env
    )
    return run, (seen.read_text().strip() if seen.exists() else "")


def test_the_published_page_at_a_section_named_by_a_word_of_it(course, tmp_path):
    (course.root / "docs" / "lessons").mkdir(parents=True)
    (course.root / "docs" / "lessons" / "toy.py").write_text(PAGE, encoding="utf-8")
    catalogue = course.root / "course.toml"
    catalogue.write_text(
        catalogue.read_text().replace(
            'title = "Toy course"', 'title = "Toy course"\nsite_url = "https://example.org/c/"'
        )
    )
    run, opened = run_read(course, tmp_path, "toy", "halving")
    assert run.returncode == 0, run.stderr
    assert opened == "https://example.org/c/lessons/toy/#halving-and-why"
    assert opened in run.stdout


def test_the_local_site_when_none_is_published_and_an_unknown_section_lists_them(course, tmp_path):
    (course.root / "docs" / "lessons").mkdir(parents=True)
    (course.root / "docs" / "lessons" / "toy.py").write_text(PAGE, encoding="utf-8")
    page = course.root / "site" / "lessons" / "toy" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<h2 id=doubling>Doubling</h2>", encoding="utf-8")
    run, opened = run_read(course, tmp_path, "toy", "Doubling")
    assert run.returncode == 0, run.stderr
    assert opened == page.as_uri() + "#doubling"
    run, opened = run_read(course, tmp_path, "toy", "tripling")
    assert run.returncode == 2 and not opened
    assert "Halving, and why" in run.stderr


def test_the_address_comes_from_the_catalogue_the_environment_or_mkdocs(course, monkeypatch):
    from grader.loop.read import site_url

    mkdocs = course.root / "mkdocs.yml"
    monkeypatch.delenv("COURSE_SITE_URL", raising=False)
    mkdocs.write_text('site_url: !ENV [COURSE_SITE_URL, "http://127.0.0.1:8000/"]\n')
    assert site_url(course) == "", "where mkdocs serve shows the site is no published site"
    monkeypatch.setenv("COURSE_SITE_URL", "https://host.test/dl/")
    assert site_url(course) == "https://host.test/dl"
    monkeypatch.delenv("COURSE_SITE_URL")
    mkdocs.write_text('site_url: !ENV [COURSE_SITE_URL, "https://host.test/c/"]\n')
    assert site_url(course) == "https://host.test/c"
    mkdocs.write_text("site_url: https://host.test/plain/\n")
    assert site_url(course) == "https://host.test/plain"


def test_without_a_site_or_its_builder_the_section_s_line_in_the_source(course, monkeypatch):
    """A learner's set-up has no site builder: the error names where to read instead,
    and says nothing of a build that never starts."""
    import pytest

    from grader.course import CourseError
    from grader.loop import read

    (course.root / "docs" / "lessons").mkdir(parents=True)
    (course.root / "docs" / "lessons" / "toy.py").write_text(PAGE, encoding="utf-8")
    monkeypatch.setitem(sys.modules, "mkdocs", None)  # what `import mkdocs` finds missing
    monkeypatch.delenv("COURSE_SITE_URL", raising=False)
    lesson = course.lesson("toy")
    with pytest.raises(CourseError, match=r"docs/lessons/toy.py, line 5 \('Halving, and why'\)"):
        read.open_page(course, lesson, "halving", opener=lambda url: True)
