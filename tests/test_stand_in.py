"""The grader's own lesson 5 (grader/stand_in), which nn.py and lesson 6 are graded with,
meets lesson 5's contract as lesson 5's tests state it: a learner's file graded with it
gets what it would get with a correct lesson 5, whatever part of the contract it uses."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader import course as course_mod
from grader.results import Status
from grader.runner import RunOptions, run_lesson

ROOT = Path(__file__).resolve().parents[1]


def test_the_stand_in_passes_every_test_of_lesson5(tmp_path):
    shutil.copytree(ROOT / "grader" / "stand_in", tmp_path / "lesson5")
    course = course_mod.load(ROOT)
    result = run_lesson(course, course.lesson("lesson5"), tmp_path, RunOptions(timeout=60))
    failed = [f"{t.test}: {t.message}" for t in result.tests if t.status is not Status.PASSED]
    assert result.tests and not failed, failed[:3]
