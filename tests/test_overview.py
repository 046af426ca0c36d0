"""`learn list` / `learn progress`: every lesson, a bar for the course, what to do next."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from grader.cli import cli
from grader.loop import overview, progress
from grader.results import LessonResult, Status, TestResult

SECOND_LESSON = """
[[lessons]]
id = "later"
title = "A lesson still being written"
page = "docs/lessons/later.py"

  [[lessons.exercises]]
  name = "triple"
  file = "more.py"
  section = "Tripling"
"""


@pytest.fixture
def course(toy, monkeypatch):
    with (toy.root / "course.toml").open("a") as catalogue:
        catalogue.write(SECOND_LESSON)
    monkeypatch.chdir(toy.root)
    monkeypatch.setenv("COLUMNS", "200")
    return toy.write_stubs()


def result(double: Status, halve: Status) -> LessonResult:
    return LessonResult(
        "toy",
        "x",
        [TestResult("a", "double", 3, double), TestResult("b", "halve", 1, halve)],
    )


@pytest.mark.parametrize("name", ["list", "progress"])
def test_before_any_check_it_says_where_to_start(course, name):
    run = CliRunner().invoke(cli, [name])
    assert run.exit_code == 0, run.output
    assert "not checked yet" in run.output and "not ready yet" in run.output
    assert "0/3 exercises (0%)" in run.output
    assert "next: start toy (A toy lesson): `learn read toy`" in run.output, "a command"
    assert "exercises/toy/ops.py" in run.output and "learn watch toy" in run.output


def test_after_a_check_it_shows_points_status_and_the_exercise_to_fix(course):
    progress.record(course.root, result(Status.PASSED, Status.FAILED))
    run = CliRunner().invoke(cli, ["list"])
    assert "3/4" in run.output and "failed" in run.output and "1/2" in run.output
    assert "1/3 exercises (33%)" in run.output
    assert "next: toy: `halve` in exercises/toy/ops.py (failed)" in run.output
    assert "learn hint toy halve" in run.output


def test_when_every_ready_lesson_passes_it_says_so(course):
    progress.record(course.root, result(Status.PASSED, Status.PASSED))
    view = overview.overview(course)
    assert view.exercises_done == 2 and view.exercises_total == 3
    assert view.next_step() == "every lesson so far passes; later not ready yet"


def test_a_corrupt_progress_file_is_no_progress(course):
    (course.root / ".learn").mkdir()
    (course.root / ".learn" / "progress.json").write_text('{"lessons": {"toy": {"exercises": 5}}}')
    run = CliRunner().invoke(cli, ["progress"])
    assert run.exit_code == 0 and "0/3 exercises" in run.output
