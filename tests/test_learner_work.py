"""A learner's work is never lost nor touched: `learn dev stubs` leaves edited exercises
alone (or backs them up with --force), the course's own checks judge the committed stubs,
and `learn check --path` writes nothing into the folder it grades."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from grader import course as course_mod
from grader.authoring import stubs, verify

MINE = "def double(x):\n    return 2 * x\n\ndef halve(x):\n    return x / 2\n"

PROPERTY_TESTS = """
import pytest
from hypothesis import given, strategies as st

from grader.testkit import call, exercise_module, expect_equal

ops = exercise_module("toy.ops")


@pytest.mark.exercise("double")
@given(st.integers())
def test_double_any(x):
    expect_equal(call(ops.double, x), 2 * x)
"""


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=Learner", "-c", "user.email=learner@example.com"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def clone(toy):
    """The toy course as a learner clones it: its stubs generated and committed in git."""
    toy.write_stubs()
    git(toy.root, "init", "-q")
    git(toy.root, "add", ".")
    git(toy.root, "commit", "-q", "-m", "the course")
    return toy


def test_learn_dev_stubs_refuses_to_overwrite_work_and_force_keeps_a_backup(clone, learn):
    mine = clone.write_ops(MINE)
    refused = learn("dev", "stubs", cwd=clone.root)
    assert refused.returncode == 2, refused
    assert "exercises/toy/ops.py" in refused.stderr and "--force" in refused.stderr
    assert "Traceback" not in refused.stderr and mine.read_text() == MINE

    forced = learn("dev", "stubs", "--force", cwd=clone.root)
    assert forced.returncode == 0, forced
    (backup,) = (clone.root / ".learn" / "backups").rglob("*.py")
    assert backup.read_text() == MINE
    assert backup.relative_to(clone.root / ".learn" / "backups").parts[1:] == (
        "exercises",
        "toy",
        "ops.py",
    )
    assert mine.read_text() == stubs.planned(course_mod.load(clone.root))[mine]


def test_a_stale_stub_nobody_edited_is_regenerated_silently(clone, learn):
    clone.write_ops(
        '"""Toy exercises."""\n\n\ndef double(x):\n    # BEGIN SOLUTION\n    return x + x\n'
        "    # END SOLUTION\n",
        "solutions",
    )
    run = learn("dev", "stubs", cwd=clone.root)
    assert run.returncode == 0 and "wrote exercises/toy/ops.py" in run.stdout, run
    assert not (clone.root / ".learn" / "backups").exists()


def test_the_sync_check_judges_the_committed_stubs_not_the_learners_files(clone, learn):
    clone.write_ops(MINE)
    run = learn("dev", "stubs", "--check", cwd=clone.root)
    assert run.returncode == 0, run
    assert "exercises/toy/ops.py: edited here; checked the stub committed in git" in run.stdout


def test_verify_grades_the_generated_stubs_not_the_learners_files(clone):
    clone.write_ops(MINE)  # passes every test: the learner's files are not "not started"
    course = course_mod.load(clone.root)
    report = verify.verify(course, list(course.lessons), jobs=2)
    assert all(check.ok for check in report.checks), report.checks


def test_outside_git_the_working_files_are_checked_and_work_is_still_kept(toy, learn):
    toy.write_stubs()
    mine = toy.write_ops(MINE)
    check = learn("dev", "stubs", "--check", cwd=toy.root)
    assert check.returncode == 1 and "out of date: exercises/toy/ops.py (no stub in git)" in (
        check.stdout
    )
    assert learn("dev", "stubs", cwd=toy.root).returncode == 2 and mine.read_text() == MINE


def test_check_path_writes_nothing_into_the_graded_folder(toy, learn):
    (toy.root / "grader" / "tests" / "toy" / "test_property.py").write_text(PROPERTY_TESTS)
    folder = toy.write_ops(MINE, "graded").parent.parent

    def snapshot() -> dict:
        return {p: p.read_bytes() if p.is_file() else None for p in folder.rglob("*")}

    before = snapshot()
    run = learn("check", "toy", "--path", str(folder), cwd=toy.root)
    assert run.returncode == 0, run
    assert snapshot() == before
