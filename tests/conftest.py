"""A tiny course on disk, built fresh for each test that needs one.

Its lesson `toy` has one exercise file whose functions do whatever a test asks
(pass, fail, loop forever, kill the process...), so the grader can be tested on
real child processes without touching the real lessons.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader import course as course_mod
from grader.authoring import stubs

# `learn check` leaves a warm worker behind for the next check; the tests' checks must
# not (tests/test_daemon.py turns it back on where that is what is tested).
os.environ["LEARN_WARM"] = "0"

CATALOGUE = """
[course]
title = "Toy course"

[[lessons]]
id = "toy"
title = "A toy lesson"
page = "docs/lessons/toy.py"

  [[lessons.exercises]]
  name = "double"
  file = "ops.py"
  section = "Doubling"
  hints = ["Multiply by two.", "`return 2 * x`"]

  [[lessons.exercises]]
  name = "halve"
  file = "ops.py"
  section = "Halving"
  hints = ["Divide by two."]
"""

SOLUTION = '''
"""Toy exercises."""


def double(x: float) -> float:
    """Twice x."""
    # BEGIN SOLUTION
    return 2 * x
    # END SOLUTION


def halve(x: float) -> float:
    """Half of x."""
    # BEGIN SOLUTION
    return x / 2
    # END SOLUTION
'''

TESTS = """
import pytest

from grader.testkit import call, exercise_module, expect_equal

ops = exercise_module("toy.ops")


@pytest.mark.exercise("double")
def test_double_two():
    expect_equal(call(ops.double, 2), 4)


@pytest.mark.exercise("double")
@pytest.mark.points(2)
def test_double_negative():
    expect_equal(call(ops.double, -3), -6)


@pytest.mark.exercise("halve")
def test_halve():
    expect_equal(call(ops.halve, 8), 4)
"""

DEVICE_TESTS = """
import pytest

from grader.testkit import call, exercise_module

ops = exercise_module("toy.ops")


@pytest.mark.exercise("halve")
def test_halve_on_device(device):
    import torch

    got = call(ops.halve, torch.tensor(8.0, device=device))
    assert got.value.item() == 4.0 and got.value.device.type == device
"""


class Toy:
    """Paths of the toy course, and a way to write the learner's ops.py."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def add_device_tests(self) -> None:
        path = self.root / "grader" / "tests" / "toy" / "test_device.py"
        path.write_text(DEVICE_TESTS, encoding="utf-8")

    def write_stubs(self) -> course_mod.Course:
        """The exercises as a learner gets them (stubs from the solutions); the course."""
        stubs.write(course_mod.load(self.root))
        return course_mod.load(self.root)

    def write_ops(self, source: str, folder: str = "exercises") -> Path:
        path = self.root / folder / "toy" / "ops.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path


LEARN = str(Path(sys.executable).with_name("learn"))


@pytest.fixture
def learn():
    """Runs the installed `learn` as a learner's shell would: a bare environment, and no
    warm worker left behind."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [LEARN, *args], cwd=cwd, capture_output=True, text=True, timeout=300,
            env={"COLUMNS": "200", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
                 "LEARN_WARM": "0"},
        )  # fmt: skip

    return run


@pytest.fixture
def toy(tmp_path: Path) -> Toy:
    root = tmp_path / "course"
    (root / "grader" / "tests" / "toy").mkdir(parents=True)
    (root / "course.toml").write_text(CATALOGUE, encoding="utf-8")
    (root / "grader" / "tests" / "toy" / "test_ops.py").write_text(TESTS, encoding="utf-8")
    course = Toy(root)
    course.write_ops(SOLUTION, "solutions")
    return course


@pytest.fixture
def course(toy, monkeypatch) -> course_mod.Course:
    """The toy course as a learner starts it: stubs written, commands run from its folder."""
    monkeypatch.chdir(toy.root)
    monkeypatch.setenv("COLUMNS", "160")
    return toy.write_stubs()
