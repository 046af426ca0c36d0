"""Generating stubs from marked solutions."""

from __future__ import annotations

import ast

import pytest

from grader import course as course_mod
from grader.authoring import stubs
from grader.course import CourseError

SOURCE = '''"""A module."""

import math


def area(r: float) -> float:
    """Area of a circle of radius r."""
    # BEGIN SOLUTION
    return math.pi * r * r
    # END SOLUTION


# BEGIN SOLUTION
def _helper():
    return 1
# END SOLUTION


class Box:
    """A box."""

    def volume(self) -> float:
        """Its volume."""
        # BEGIN SOLUTION
        return 1.0
        # END SOLUTION
'''


@pytest.fixture
def lesson(toy):
    return course_mod.load(toy.root).lesson("toy")


def test_solution_blocks_become_not_implemented(lesson):
    stub = stubs.make_stub(SOURCE, lesson, "toy/ops.py")
    ast.parse(stub)
    assert "math.pi" not in stub and "_helper" not in stub
    assert "def area(r: float) -> float:" in stub
    assert '"""Area of a circle of radius r."""' in stub
    assert stub.count("raise NotImplementedError") == 2
    assert "Box.volume: yours to write" in stub
    namespace: dict = {}
    exec(compile(stub, "stub", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="area"):
        namespace["area"](1.0)


def test_the_message_names_the_exercise_section(lesson):
    source = "def double(x):\n    # BEGIN SOLUTION\n    return 2 * x\n    # END SOLUTION\n"
    stub = stubs.make_stub(source, lesson, "ops.py")
    assert "“Doubling”" in stub and lesson.page in stub


@pytest.mark.parametrize(
    "source, problem",
    [
        ("# BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("# END SOLUTION\n", "without"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION\n", "inside another"),
    ],
)
def test_unbalanced_markers_are_errors(lesson, source, problem):
    with pytest.raises(CourseError, match=problem):
        stubs.make_stub(source, lesson, "ops.py")


def test_out_of_date_stubs_are_found_and_rewritten(toy):
    course = course_mod.load(toy.root)
    stub = toy.root / "exercises" / "toy" / "ops.py"
    assert stub in stubs.out_of_date(course)
    written = stubs.write(course)
    assert stub in written
    assert stubs.out_of_date(course) == []
    toy.write_ops("def double(x):\n    return 2 * x\n")  # a learner's work
    assert stubs.out_of_date(course) == [stub]


def test_the_real_exercises_are_in_sync():
    assert stubs.out_of_date(course_mod.load()) == []
