"""`learn grade` end to end on the real lesson 1: an honest submission gets exactly the
grade `learn check` gives it, test by test; a forged one gets nothing. The same with
the full sandbox (as root) and with process limits only (as a plain user: see
conftest.py, which runs this module again as one)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from grader import course as course_mod
from grader.authoring import mutation
from grader.examiner import grade as grading
from grader.examiner.host import Limits
from grader.results import Status
from grader.runner import RunOptions, run_lesson

ROOT = Path(__file__).resolve().parents[2]
FORGER = """
import gc

import pytest
from _pytest.config import Config


class _Forger:
    @pytest.hookimpl(tryfirst=True, hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        object.__setattr__(call, "excinfo", None)
        yield


next(o for o in gc.get_objects() if isinstance(o, Config)).pluginmanager.register(_Forger())
"""

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not (ROOT / "solutions" / "lesson1").is_dir(),
    reason="learn grade runs on Linux; this needs the course's lesson 1",
)


@pytest.fixture(scope="module")
def lesson1(tmp_path_factory):
    course = course_mod.load(ROOT)
    lesson = course.lesson("lesson1")
    folder = tmp_path_factory.mktemp("lesson1") / "class"
    shutil.copytree(ROOT / "solutions" / "lesson1", folder / "reference" / "lesson1")
    shutil.copytree(ROOT / "exercises" / "lesson1", folder / "stubs" / "lesson1")
    (mutant,) = [m for m in mutation.find(course, lesson) if m.name == "sigmoid_overflows"]
    solution = (ROOT / "solutions" / "lesson1" / "neuron.py").read_text()
    wrong = folder / "overflow" / "lesson1"
    shutil.copytree(ROOT / "solutions" / "lesson1", wrong)
    (wrong / "neuron.py").write_text(mutation.apply(solution, mutant.path.read_text()))
    forged = folder / "forged" / "lesson1"
    shutil.copytree(ROOT / "exercises" / "lesson1", forged)
    (forged / "neuron.py").write_text((forged / "neuron.py").read_text() + FORGER)
    options = grading.GradeOptions(
        out=folder.parent / "out", lessons=["lesson1"], jobs=2, limits=Limits(timeout=10)
    )
    report = grading.grade(course, folder, options)
    return course, lesson, folder, {g.submission: g.lessons[0] for g in report.graded}


def test_the_reference_gets_full_marks_and_the_stubs_nothing(lesson1):
    _, _, _, results = lesson1
    assert results["reference"].passed and results["reference"].score == 54
    assert results["stubs"].score == 0
    assert {t.status for t in results["stubs"].tests} == {Status.NOT_STARTED}


def test_a_partly_wrong_submission_gets_what_learn_check_gives_it(lesson1):
    course, lesson, folder, results = lesson1
    coach = run_lesson(course, lesson, folder / "overflow", RunOptions(timeout=10))
    graded = results["overflow"]
    assert 0 < graded.score < graded.max_score
    assert {t.test: t.status for t in graded.tests} == {t.test: t.status for t in coach.tests}
    assert graded.score == coach.score


def test_a_forged_submission_gets_nothing_and_is_flagged(lesson1):
    """Its hook would have passed every test in the process that ran them; here the
    tests run in the judge, which it never reaches: the stubs it wraps score nothing,
    and what it reaches for is flagged for review."""
    _, _, _, results = lesson1
    forged = results["forged"]
    assert forged.score == 0
    assert any(flag.startswith("review:") for flag in forged.flags)
