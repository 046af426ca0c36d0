"""torch on demand: the lessons that import it install it on their first check; the
plain Python lessons never do, and outside the course's own .venv nothing is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import course as course_mod
from grader.course import CourseError
from grader.loop import install


def test_the_torch_lessons_are_those_whose_tests_import_it():
    course = course_mod.load(Path(__file__).parents[1])
    needing = [lesson.id for lesson in course.lessons if install.needs_torch(course, lesson)]
    assert needing == ["lesson2", "lesson3", "lesson4"]


def test_a_plain_python_lesson_installs_nothing(course, monkeypatch):
    monkeypatch.setattr(install, "torch_installed", lambda: False)  # as on a fresh set-up
    said = []
    install.ensure_torch(course, course.lessons, say=said.append)
    assert said == []


def test_outside_the_courses_venv_it_says_how_and_installs_nothing(course, monkeypatch):
    (course.tests_dir / "toy" / "test_tensors.py").write_text("import torch\n")
    monkeypatch.setattr(install, "torch_installed", lambda: False)
    said = []
    with pytest.raises(CourseError) as raised:
        install.ensure_torch(course, course.lessons, say=said.append)
    assert "toy uses PyTorch, which is not installed" in str(raised.value)
    assert "pip install -c constraints.txt -e '.[torch]'" in str(raised.value)
    assert said == [] and not (course.root / ".venv").exists()
