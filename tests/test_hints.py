"""`learn hint`: a ladder per exercise, one rung per call, remembered per learner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from grader.cli import cli
from grader.loop import hints, progress
from grader.results import LessonResult, Status, TestResult


def hint(*args: str):
    return CliRunner().invoke(cli, ["hint", *args])


def test_each_call_reveals_the_next_hint_and_repeats_the_earlier_ones(course):
    first = hint("toy", "double")
    assert first.exit_code == 0, first.output
    assert "1. Multiply by two." in first.output and "`return 2 * x`" not in first.output
    assert "hint 1 of 2" in first.output
    second = hint("toy", "double")
    assert "1. Multiply by two." in second.output and "2. `return 2 * x`" in second.output
    assert "last hint" in second.output
    third = hint("toy", "double")  # the ladder is climbed: everything again, nothing new
    assert "hint 2 of 2" in third.output and "--again" in third.output
    assert progress.hints_seen(course.root, "toy", "double") == 2


def test_again_starts_the_ladder_over(course):
    hint("toy", "double")
    hint("toy", "double")
    again = hint("toy", "double", "--again")
    assert "hint 1 of 2" in again.output and "`return 2 * x`" not in again.output


def test_each_exercise_has_its_own_ladder_and_the_section_to_reread(course):
    hint("toy", "double")
    hint("toy", "double")
    halve = hint("toy", "halve")
    assert "1. Divide by two." in halve.output and "hint 1 of 1" in halve.output
    assert 'read: learn read toy "Halving"' in halve.output
    assert progress.hints_seen(course.root, "toy", "double") == 2


def test_default_exercise_is_the_first_not_passing_in_the_last_check(course):
    assert "double" in hint("toy").output.splitlines()[0]  # before any check: the first
    result = LessonResult(
        "toy",
        "x",
        [
            TestResult("t1", "double", 1, Status.PASSED),
            TestResult("t2", "halve", 1, Status.FAILED),
        ],
    )
    progress.record(course.root, result)
    assert hints.default_exercise(course, course.lesson("toy")).name == "halve"
    assert "halve" in hint("toy").output.splitlines()[0]
    result.tests[1].status = Status.PASSED
    progress.record(course.root, result)
    done = hint("toy")
    assert done.exit_code == 0 and "Every exercise of toy passed" in done.output


def test_unknown_exercise_or_lesson_is_a_usage_error(course):
    # main() turns CourseError into exit 2; through CliRunner it surfaces as the exception
    result = hint("toy", "triple")
    assert result.exit_code != 0 and "has no exercise 'triple'" in str(result.exception)
    result = hint("nope")
    assert "unknown lesson 'nope'" in str(result.exception)


def test_a_damaged_progress_file_restarts_the_ladder_instead_of_crashing(course):
    folder = course.root / ".learn"
    folder.mkdir(exist_ok=True)
    for junk in ("{oops", '{"lessons": {}, "hints": []}', '{"lessons": {}, "hints": {"toy": 3}}'):
        (folder / "progress.json").write_text(junk)
        result = hint("toy", "double")
        assert result.exit_code == 0 and "hint 1 of 2" in result.output
    data = json.loads((folder / "progress.json").read_text())
    assert data["hints"] == {"toy": {"double": 1}}
