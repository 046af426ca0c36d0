"""The runner on real child processes: statuses, reconciliation, time limits."""

from __future__ import annotations

import sys

import pytest

from grader import course as course_mod
from grader.course import CourseError
from grader.results import Status
from grader.runner import RunOptions, resolve_target, run_lesson


@pytest.fixture(params=[1, 2], ids=["one process", "two side by side"])
def shares(request) -> int:
    """Every runner test holds for one test process and for shares run side by side."""
    return request.param


def grade(toy, shares: int, folder: str = "exercises", timeout: float = 5.0):
    course = course_mod.load(toy.root)
    lesson = course.lesson("toy")
    options = RunOptions(timeout=timeout, shares=shares)
    return run_lesson(course, lesson, toy.root / folder, options)


def statuses(result) -> dict[str, Status]:
    return {t.test.split("::")[-1]: t.status for t in result.tests}


def test_reference_passes(toy, shares):
    result = grade(toy, shares, "solutions")
    assert set(statuses(result).values()) == {Status.PASSED}
    assert result.passed and result.score == result.max_score == 4


def test_device_fixture_reports_missing_gpu_as_not_run(toy, shares):
    toy.add_device_tests()
    result = grade(toy, shares, "solutions")
    found = statuses(result)
    assert found["test_halve_on_device[cpu]"] is Status.PASSED
    gpu = [t for t in result.tests if t.gpu]
    assert gpu, "the device fixture must add a GPU case even without a GPU"
    for test in gpu:
        assert test.status in (Status.PASSED, Status.NOT_RUN)
        if test.status is Status.NOT_RUN:
            assert "CUDA or MPS" in test.message
            assert test.points and not test.counts
    assert result.passed
    assert result.max_score == 5 + sum(t.points for t in gpu if t.counts)


def test_stub_is_not_started(toy, shares):
    toy.write_ops(
        """
        def double(x):
            raise NotImplementedError("write double")

        def halve(x):
            raise NotImplementedError("write halve")
        """
    )
    result = grade(toy, shares)
    assert {t.status for t in result.tests} == {Status.NOT_STARTED}
    assert not result.passed


def test_wrong_answer_fails_with_call_expected_and_got(toy, shares):
    toy.write_ops("def double(x):\n    return x + 2\n\ndef halve(x):\n    return x / 2\n")
    result = grade(toy, shares)
    failed = next(t for t in result.tests if t.test.endswith("test_double_negative"))
    assert failed.status is Status.FAILED
    assert "double(-3)" in failed.message and "-6" in failed.message and "-1" in failed.message
    assert statuses(result)["test_double_two"] is Status.PASSED  # 2 + 2 == 4 by luck


def test_exception_in_learner_code_points_at_their_line(toy, shares):
    toy.write_ops("def double(x):\n    return x * undefined_name\n\ndef halve(x):\n    return x\n")
    result = grade(toy, shares)
    error = next(t for t in result.tests if t.exercise == "double")
    assert error.status is Status.ERROR
    assert "NameError" in error.message
    assert error.location == "toy/ops.py:2 in double"


def test_syntax_error_is_an_error_with_file_and_line(toy, shares):
    toy.write_ops("def double(x)\n    return 2 * x\n")
    result = grade(toy, shares)
    assert {t.status for t in result.tests} == {Status.ERROR}
    assert "SyntaxError" in result.tests[0].message
    assert result.tests[0].location == "toy/ops.py:1"


def test_missing_file_is_reported_per_test(toy, shares):
    (toy.root / "exercises" / "toy").mkdir(parents=True)
    result = grade(toy, shares)
    assert {t.status for t in result.tests} == {Status.ERROR}
    assert "ops.py is missing" in result.tests[0].message


def test_endless_loop_times_out_and_the_rest_still_run(toy, shares):
    toy.write_ops(
        "def double(x):\n    while True:\n        pass\n\ndef halve(x):\n    return x / 2\n"
    )
    result = grade(toy, shares, timeout=1)
    found = statuses(result)
    assert found["test_double_two"] is Status.TIMED_OUT
    assert found["test_halve"] is Status.PASSED


def test_child_killed_mid_run_marks_that_test_crashed_and_reruns_the_rest(toy, shares):
    toy.write_ops(
        """
        import os, signal

        def double(x):
            if x == -3:
                os.kill(os.getpid(), signal.SIGKILL)
            return 2 * x

        def halve(x):
            return x / 2
        """
    )
    result = grade(toy, shares)
    found = statuses(result)
    assert found["test_double_two"] is Status.PASSED
    assert found["test_double_negative"] is Status.CRASHED
    assert "signal 9" in next(t.message for t in result.tests if t.status is Status.CRASHED)
    assert found["test_halve"] is Status.PASSED
    assert len(result.tests) == 3, "no test may be lost"


def test_a_child_that_always_dies_leaves_every_test_crashed_never_lost(toy, shares):
    toy.write_ops("import os\nos._exit(3)\n")
    result = grade(toy, shares)
    assert len(result.tests) == 3
    assert {t.status for t in result.tests} == {Status.CRASHED}
    assert not result.passed and result.score == 0


def test_an_exercise_that_keeps_killing_the_process_costs_no_other_exercise(
    toy, monkeypatch, shares
):
    """Restarts are counted per exercise: past the budget, the rest of that exercise's
    tests are marked, and the next exercise's tests still run and pass."""
    monkeypatch.setattr("grader.runner.MAX_RESTARTS", 0)
    toy.write_ops(
        "import os\n\ndef double(x):\n    os._exit(3)\n\ndef halve(x):\n    return x / 2\n"
    )
    result = grade(toy, shares)
    found = statuses(result)
    assert found["test_halve"] is Status.PASSED
    assert {found["test_double_two"], found["test_double_negative"]} == {Status.CRASHED}
    messages = [t.message for t in result.tests if t.exercise == "double"]
    assert any("exited with code 3" in m for m in messages), messages
    assert all("...." not in m for m in messages), "pytest's progress dots are no message"


def test_alarm_ignored_is_killed_by_the_parent(toy, monkeypatch, shares):
    monkeypatch.setattr("grader.runner.KILL_GRACE", 1.0)
    toy.write_ops(
        """
        import signal, time

        def double(x):
            signal.signal(signal.SIGALRM, signal.SIG_IGN)
            time.sleep(60)

        def halve(x):
            return x / 2
        """
    )
    result = grade(toy, shares, timeout=1)
    found = statuses(result)
    assert found["test_double_two"] is Status.TIMED_OUT
    assert "killed after" in next(t.message for t in result.tests if t.test.endswith("two"))
    assert found["test_halve"] is Status.PASSED


def test_shares_run_side_by_side_and_report_as_one_run(toy):
    course = course_mod.load(toy.root)
    records: list[dict] = []
    options = RunOptions(shares=2, on_record=records.append)
    result = run_lesson(course, course.lesson("toy"), toy.root / "solutions", options)
    collected = [r for r in records if r["event"] == "collected"]
    assert len(collected) == 1, "one lesson, collected once"
    assert len({r["pid"] for r in records if r["event"] == "start"}) == 2
    assert [t.test for t in result.tests] == [t["test"] for t in collected[0]["tests"]]
    assert result.passed


def test_target_resolution(toy):
    course = course_mod.load(toy.root)
    lesson = course.lesson("toy")
    solutions = toy.root / "solutions"
    assert resolve_target(course, lesson, solutions) == solutions
    assert resolve_target(course, lesson, solutions / "toy") == solutions
    with pytest.raises(CourseError, match="no such folder"):
        resolve_target(course, lesson, toy.root / "nowhere")
    with pytest.raises(CourseError, match="has no toy/ folder"):
        resolve_target(course, lesson, toy.root / "grader")


DRAWING = """
import os

from hypothesis import given, strategies as st

from grader.testkit import exercise_module

ops = exercise_module("toy.ops")


@given(st.floats(-100, 100))
def test_draws(x):
    ops.double(x)
    with open(os.environ["DRAWN"], "a") as drawn:
        drawn.write(repr(x) + "\\n")
"""


def test_the_examples_do_not_depend_on_the_learners_code(toy, tmp_path, monkeypatch):
    """Hypothesis would mix constants read from the learner's source into its examples:
    two learners with the same functions would be tested on different inputs."""
    (toy.root / "grader" / "tests" / "toy" / "test_drawing.py").write_text(DRAWING)
    constants = ", ".join(f"{n}.{n}25" for n in range(60))
    solution = (toy.root / "solutions" / "toy" / "ops.py").read_text()
    drawn = []
    for extra in ("", f"UNUSED = ({constants})\n"):
        toy.write_ops(extra + solution)
        monkeypatch.setenv("DRAWN", str(tmp_path / f"drawn{len(drawn)}.txt"))
        grade(toy, 1)
        drawn.append((tmp_path / f"drawn{len(drawn)}.txt").read_text().split())
    assert len(drawn[0]) > 10 and drawn[0] == drawn[1]


def test_without_torch_there_is_no_device_rather_than_an_import_error(monkeypatch):
    """`learn grade --gpu require` on a machine without torch: a clear refusal (no
    device), not a traceback from deep in the plugin."""
    from grader.plugin import available_devices

    monkeypatch.setitem(sys.modules, "torch", None)  # what `import torch` finds missing
    assert available_devices() == []
