"""`learn check`: every status looks different, `--all`, the progress bar, the progress file."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner
from rich.console import Console

from grader.cli import cli
from grader.loop import progress
from grader.loop.livebar import LiveBar

STATUS_LESSON = """
[[lessons]]
id = "statuses"
title = "One exercise per status"
page = "docs/lessons/statuses.py"
"""
EXERCISES = ("fine", "wrong", "broken", "loops", "todo")
STATUS_TESTS = """
import pytest

from grader.testkit import call, exercise_module, expect_equal

ops = exercise_module("statuses.ops")


@pytest.mark.exercise("fine")
def test_fine():
    expect_equal(call(ops.fine), 1)


@pytest.mark.exercise("wrong")
def test_wrong():
    expect_equal(call(ops.wrong), 1)


@pytest.mark.exercise("broken")
def test_broken():
    expect_equal(call(ops.broken), 1)


@pytest.mark.exercise("loops")
def test_loops():
    expect_equal(call(ops.loops), 1)


@pytest.mark.exercise("todo")
def test_todo():
    expect_equal(call(ops.todo), 1)
"""
GPU_LESSON = """
[[lessons]]
id = "gpu"
title = "Needs a GPU"
page = "docs/lessons/gpu.py"

  [[lessons.exercises]]
  name = "anywhere"
  file = "ops.py"
  section = "Anywhere"

  [[lessons.exercises]]
  name = "gpu_only"
  file = "ops.py"
  section = "GPU only"
"""
GPU_TESTS = """
import pytest


@pytest.mark.exercise("anywhere")
def test_anywhere():
    assert True


@pytest.mark.exercise("gpu_only")
@pytest.mark.gpu
def test_gpu_only():
    assert True
"""
LEARNER = """
def fine():
    return 1


def wrong():
    return 2


def broken():
    return undefined_name


def loops():
    while True:
        pass


def todo():
    raise NotImplementedError("todo: yours to write")
"""


@pytest.fixture
def course(toy, monkeypatch):
    """The toy course plus a lesson whose exercises each end in a different status."""
    catalogue = STATUS_LESSON + "".join(
        f'\n  [[lessons.exercises]]\n  name = "{name}"\n  file = "ops.py"\n'
        f'  section = "Section {name}"\n'
        for name in EXERCISES
    )
    with (toy.root / "course.toml").open("a") as file:
        file.write(catalogue)
    tests = toy.root / "grader" / "tests" / "statuses"
    tests.mkdir()
    (tests / "test_ops.py").write_text(STATUS_TESTS)
    learner = toy.root / "exercises" / "statuses"
    learner.mkdir(parents=True)
    (learner / "__init__.py").touch()
    (learner / "ops.py").write_text(LEARNER)
    monkeypatch.chdir(toy.root)
    monkeypatch.setenv("COLUMNS", "200")
    return toy.write_stubs()


def rows(output: str) -> dict[str, str]:
    """The table's first line for each exercise: name -> the rest of the row."""
    found = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃").split("│")]
        if len(cells) >= 3 and cells[0] in EXERCISES:
            found[cells[0]] = " | ".join(cells[1:])
    return found


def test_each_status_looks_different_and_points_into_the_learners_code(course, learn):
    run = learn("check", "statuses", "--timeout", "1", cwd=course.root)
    assert run.returncode == 1, run.stdout + run.stderr
    found = rows(run.stdout)
    assert set(found) == set(EXERCISES), run.stdout
    labels = {name: row.split("|")[0].strip() for name, row in found.items()}
    assert labels == {
        "fine": "✔ passed",
        "wrong": "✘ failed",
        "broken": "‼ error in your code",
        "loops": "⧗ timed out",
        "todo": "○ not started",
    }
    assert "NameError" in found["broken"]
    assert "at statuses/ops.py:11 in broken" in run.stdout
    assert "still running after 1 s" in found["loops"]
    assert re.search(r"statuses/ops.py:1[56] in loops", run.stdout)  # where it was stopped
    assert "expected 1" in run.stdout and "got      2" in run.stdout
    assert "Traceback" not in run.stdout and "grader/" not in run.stdout
    assert "next: `wrong`; `learn hint statuses wrong`" in run.stdout


def test_a_syntax_error_is_an_error_in_the_learners_file_at_its_line(course, toy):
    toy.write_ops("def double(x)\n    return 2 * x\n")
    run = CliRunner().invoke(cli, ["check", "toy"])
    assert run.exit_code == 1
    assert "error in your code" in run.output and "SyntaxError" in run.output
    assert "toy/ops.py does not load" in run.output and "> 1 | def double(x)" in run.output


def test_every_lesson_with_all_and_the_worst_exit_code(course, learn):
    run = learn("check", "--all", "--timeout", "1", cwd=course.root)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "every lesson" in run.stdout
    assert run.stdout.index("toy") < run.stdout.index("statuses")  # catalogue order
    assert "learn check toy" in run.stdout
    solved = CliRunner().invoke(cli, ["check", "--all", "--path", "solutions"])
    assert solved.exit_code == 0, solved.output  # a skipped lesson does not count
    assert "has no statuses/ folder" in solved.output and "skipped" in solved.output


def test_a_gpu_test_without_a_gpu_is_not_run_and_costs_nothing(course, monkeypatch):
    monkeypatch.setattr("grader.plugin.available_devices", lambda: [])
    with (course.root / "course.toml").open("a") as file:
        file.write(GPU_LESSON)
    (course.root / "grader" / "tests" / "gpu").mkdir()
    (course.root / "grader" / "tests" / "gpu" / "test_gpu.py").write_text(GPU_TESTS)
    (course.root / "exercises" / "gpu").mkdir()
    run = CliRunner().invoke(cli, ["check", "gpu"])
    found = rows(run.output.replace("anywhere", "fine").replace("gpu_only", "todo"))
    if "– not run" in found["todo"]:  # no GPU here
        assert run.exit_code == 0, run.output
        assert "needs a CUDA or MPS device" in run.output and "1/1" in run.output
    else:
        assert found["todo"].startswith("✔ passed")


def test_all_exits_2_when_a_lesson_cannot_be_graded(course):
    (course.root / "grader" / "tests" / "toy" / "test_ops.py").write_text("import nope\n")
    run = CliRunner().invoke(cli, ["check", "--all", "--path", "solutions"])
    assert run.exit_code == 2, run.output
    assert "could not be collected" in run.output


def test_all_as_json_is_the_result_model_of_each_lesson_checked(course):
    run = CliRunner().invoke(cli, ["check", "--all", "--format", "json", "--path", "solutions"])
    (result,) = json.loads(run.output)
    assert result["lesson"] == "toy" and result["passed"] is True


def test_check_needs_a_lesson_or_all(course):
    assert "Missing argument 'LESSON'" in CliRunner().invoke(cli, ["check"]).output
    assert "not both" in CliRunner().invoke(cli, ["check", "toy", "--all"]).output


def test_a_check_records_each_exercise_in_the_progress_file(course, toy):
    toy.write_ops("def double(x):\n    return 2 * x\n\ndef halve(x):\n    return x\n")
    CliRunner().invoke(cli, ["check", "toy"])
    statuses = progress.exercise_statuses(progress.last(course.root, "toy"))
    assert {k: v.value for k, v in statuses.items()} == {"double": "passed", "halve": "failed"}


def test_the_progress_bar_appears_only_after_the_delay_and_follows_the_records():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with LiveBar(console, delay=0.0, enabled=True) as bar:
        follow = bar.follow("lesson9")
        follow({"event": "collected", "tests": [{}, {}, {}]})
        follow({"event": "result"})
        deadline = time.monotonic() + 5
        while not bar.shown and time.monotonic() < deadline:
            time.sleep(0.01)
        assert bar.shown
        follow({"event": "result"})
        time.sleep(0.2)
    assert "lesson9" in out.getvalue() and "2/3" in out.getvalue()
    quick = LiveBar(Console(file=io.StringIO(), force_terminal=True), delay=60, enabled=True)
    with quick as bar:
        bar.follow("x")({"event": "result"})
    assert not quick.shown


def test_no_progress_bar_when_stderr_is_not_a_terminal(course, learn):
    run = learn("check", "toy", cwd=course.root)
    assert run.stderr == ""


def test_the_check_parent_stays_light():
    """The parent imports neither rich nor pytest nor torch before the tests run (handing
    `console.print` to a function, as the check does, loads nothing either)."""
    code = textwrap.dedent(
        """
        import sys
        import grader.cli
        say = grader.cli.console.print
        print(sorted(m for m in ("rich", "pytest", "torch", "hypothesis") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
