"""What a learner reads about a failure is true and only what helps: call, expected, got,
the example; never hypothesis's or pytest's internals."""

from __future__ import annotations

import json
import textwrap

PROPERTY_TESTS = """
import pytest
from hypothesis import given, strategies as st

from grader.testkit import call, exercise_module, expect_equal

ops = exercise_module("toy.ops")


@pytest.mark.exercise("double")
@given(st.integers(0, 10**6))
def test_double_anything(x):
    expect_equal(call(ops.double, x), 2 * x)


@pytest.mark.exercise("halve")
class TestHalve:
    @given(st.integers(-100, 100))
    def test_a_float_comes_back(self, x):
        got = call(ops.halve, x)
        assert isinstance(got.value, float), f"{got.text}\\n  expected a float, got {got.value!r}"

    def test_halves_with_a_function(self):
        expect_equal(call(ops.apply, ops.halve, 8), 4)
"""

# Right up to 10, then wrong and slow: hypothesis finds the failure at once and would
# shrink it for far longer than the test's time limit.
SLOW_TO_SHRINK = """
import time


def double(x):
    if x <= 10:
        return 2 * x
    time.sleep(0.3)
    return 2 * x + 1


def halve(x):
    return x // 2


def apply(fn, x):
    return fn(x) + 1
"""


def check(toy, learn, source: str, timeout: str = "3") -> dict[str, dict]:
    (toy.root / "grader" / "tests" / "toy" / "test_ops.py").write_text(
        PROPERTY_TESTS, encoding="utf-8"
    )
    toy.write_ops(textwrap.dedent(source))
    run = learn("check", "toy", "--format", "json", "--timeout", timeout, cwd=toy.root)
    assert run.returncode == 1, run.stdout + run.stderr
    return {t["test"].split("::")[-1]: t for t in json.loads(run.stdout)[0]["tests"]}


def test_a_failure_hypothesis_is_slow_to_shrink_is_reported_not_timed_out(course, toy, learn):
    tests = check(toy, learn, SLOW_TO_SHRINK)
    found = tests["test_double_anything"]
    assert found["status"] == "failed", found
    assert "expected" in found["message"] and "example: x=" in found["message"]
    assert "endless loop" not in found["message"] and "Flaky" not in found["message"]


def test_no_assertion_rewriting_noise_and_no_self_in_the_example(course, toy, learn):
    tests = check(toy, learn, SLOW_TO_SHRINK)
    message = tests["test_a_float_comes_back"]["message"]
    assert message.splitlines() == ["halve(0)", "  expected a float, got 0", "example: x=0"]
    called = tests["test_halves_with_a_function"]["message"]
    assert called.splitlines()[0] == "apply(halve, 8)"  # a function by name, no address


def test_a_time_out_hypothesis_wraps_is_still_a_time_out():
    from hypothesis.errors import FlakyStrategyDefinition

    from grader.plugin import TestTimeout, classify
    from grader.results import Status

    try:
        try:
            raise TestTimeout("still running after 1 s")
        except TestTimeout:
            raise FlakyStrategyDefinition("Inconsistent data generation!") from None
    except FlakyStrategyDefinition as exc:
        status, message, _ = classify(exc)
    assert (status, message) == (Status.TIMED_OUT, "still running after 1 s")


def test_a_file_that_does_not_load_is_shown_once_with_its_lines_and_the_fix(course, toy, learn):
    toy.write_ops("def double(x)\n    return 2 * x\n")
    run = learn("check", "toy", cwd=toy.root)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.count("exercises/toy/ops.py does not load") == 1, run.stdout
    assert "> 1 | def double(x)" in run.stdout and "fix: the line marked >" in run.stdout
    assert "read:" not in run.stdout  # nothing to reread for a file that does not load
    (toy.root / "exercises" / "toy" / "ops.py").unlink()
    run = learn("check", "toy", cwd=toy.root)
    assert run.stdout.count("exercises/toy/ops.py does not load") == 1, run.stdout
    assert "fix: `learn reset toy ops.py` puts its stub back" in run.stdout


def test_what_the_code_printed_and_the_section_its_test_names(course, toy, learn):
    tests = toy.root / "grader" / "tests" / "toy" / "test_ops.py"
    tests.write_text(
        tests.read_text().replace(
            '@pytest.mark.exercise("halve")',
            '@pytest.mark.exercise("halve")\n@pytest.mark.section("Halving, again")',
        )
    )
    toy.write_ops("def double(x):\n    return 2 * x\n\n\ndef halve(x):\n    print('half of', x)\n"
                  "    return x\n")  # fmt: skip
    run = learn("check", "toy", cwd=toy.root)
    assert "your code printed:" in run.stdout and "half of 8" in run.stdout, run.stdout
    assert 'read: learn read toy "Halving, again"' in run.stdout
    record = json.loads(learn("check", "toy", "--format", "json", cwd=toy.root).stdout)
    halve = next(t for t in record[0]["tests"] if t["exercise"] == "halve")
    assert halve["output"] == "half of 8" and halve["section"] == "Halving, again"


def test_an_exercise_not_started_points_at_its_own_section(course, toy, learn):
    """Not at the section a test of one particular mistake names: the learner has not
    begun, and the exercise's section is where it begins."""
    tests = toy.root / "grader" / "tests" / "toy" / "test_ops.py"
    tests.write_text(
        tests.read_text().replace(
            '@pytest.mark.exercise("halve")',
            '@pytest.mark.exercise("halve")\n@pytest.mark.section("Halving, again")',
        )
    )
    run = learn("check", "toy", cwd=toy.root)
    assert 'read: learn read toy "Halving"' in run.stdout, run.stdout
    assert "Halving, again" not in run.stdout


def test_the_first_screen_names_the_file_to_open_and_counts_tests(course, toy, learn):
    run = learn("check", "toy", cwd=toy.root)
    assert "Nothing started yet: open exercises/toy/ops.py" in run.stdout, run.stdout
    assert "(tests: 3 not started)" in run.stdout


BLAME_TESTS = """
import pytest

from grader.testkit import call, exercise_module, expect_equal

ops = exercise_module("toy.ops")


@pytest.mark.exercise("double")
def test_the_tests_own_arithmetic():
    expect_equal(call(ops.double, 2), 4)
    assert [1, 2][5] == 1  # a bug in the test: nothing the learner wrote is involved


@pytest.mark.exercise("double")
def test_an_attribute_of_the_learners_object():
    assert ops.Doubler().factor == 2


@pytest.mark.exercise("halve")
def test_a_call_with_the_arguments_of_the_contract():
    expect_equal(call(ops.halve, 8), 4)
"""

BLAMED = """
def double(x):
    return 2 * x


class Doubler:
    pass


def halve():
    return 4
"""


def test_an_error_of_the_tests_own_is_never_the_learners(course, toy):
    """In either transport, a test's own exception is "error in the test", with where it
    was raised; a missing attribute or a call the learner's code does not accept is theirs."""
    from grader.authoring.verify import run_both
    from grader.results import Status
    from grader.runner import RunOptions

    (toy.root / "grader" / "tests" / "toy" / "test_ops.py").write_text(BLAME_TESTS)
    toy.write_ops(BLAMED)
    results = run_both(course, course.lesson("toy"), toy.root / "exercises", RunOptions())
    for transport, result in results.items():
        by = {t.test.split("::")[-1]: t for t in result.tests}
        own = by["test_the_tests_own_arithmetic"]
        assert own.status is Status.TEST_ERROR, (transport, own)
        assert own.message.startswith("IndexError: list index out of range"), own.message
        assert "toy/test_ops.py:" in own.message and "in test_the_tests_own_arithmetic" in (
            own.message
        )
        for name in ("test_an_attribute_of_the_learners_object",
                     "test_a_call_with_the_arguments_of_the_contract"):  # fmt: skip
            assert by[name].status is Status.ERROR, (transport, by[name])


def test_what_the_code_printed_is_shown_under_either_transport(course, toy):
    from grader.authoring.verify import run_both
    from grader.runner import RunOptions

    toy.write_ops("def double(x):\n    return 2 * x\n\n\ndef halve(x):\n    print('half of', x)\n"
                  "    return x\n")  # fmt: skip
    results = run_both(course, course.lesson("toy"), toy.root / "exercises", RunOptions())
    for transport, result in results.items():
        halve = next(t for t in result.tests if t.exercise == "halve")
        assert halve.output == "half of 8", (transport, halve)


def test_input_in_their_code_says_so_under_either_transport(course, toy):
    """Not pytest's "reading from stdin while output is captured. Consider using -s"."""
    from grader.authoring.verify import run_both
    from grader.plugin import NO_INPUT
    from grader.results import Status
    from grader.runner import RunOptions

    toy.write_ops("def double(x):\n    return 2 * float(input('x? '))\n\n\n"
                  "def halve(x):\n    return x / 2\n")  # fmt: skip
    results = run_both(course, course.lesson("toy"), toy.root / "exercises", RunOptions())
    for transport, result in results.items():
        double = [t for t in result.tests if t.exercise == "double"]
        assert {(t.status, t.message) for t in double} == {(Status.ERROR, NO_INPUT)}, transport


def test_an_operator_their_class_lacks_is_their_error(course, toy):
    """`2 * v` in a test, where their class has no __rmul__: the TypeError is raised in
    the test's line, but names their class: theirs, in either transport."""
    from grader.authoring.verify import run_both
    from grader.results import Status
    from grader.runner import RunOptions

    (toy.root / "grader" / "tests" / "toy" / "test_ops.py").write_text(
        "import pytest\n\nfrom grader.testkit import exercise_module\n\n"
        'ops = exercise_module("toy.ops")\n\n\n@pytest.mark.exercise("double")\n'
        "def test_scaled():\n    assert (2 * ops.Box(1)).value == 2\n"
    )
    toy.write_ops("class Box:\n    def __init__(self, value):\n        self.value = value\n")
    results = run_both(course, course.lesson("toy"), toy.root / "exercises", RunOptions())
    for transport, result in results.items():
        (test,) = result.tests
        assert test.status is Status.ERROR, (transport, test)
        assert "unsupported operand" in test.message
