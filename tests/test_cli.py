"""The `learn` command as a learner meets it: real processes, real exit codes."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def course_dir(toy):
    toy.write_stubs()
    return toy.root


def test_stubs_exit_1_and_show_every_exercise_not_started(course_dir, learn):
    run = learn("check", "toy", cwd=course_dir)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.count("not started") >= 2
    assert "double" in run.stdout and "halve" in run.stdout


def test_solutions_exit_0(course_dir, learn):
    run = learn("check", "toy", "--path", "solutions", cwd=course_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4/4" in run.stdout


def test_a_failure_shows_the_call_and_the_section_to_reread(course_dir, toy, learn):
    toy.write_ops("def double(x):\n    return x + 2\n\ndef halve(x):\n    return x / 2\n")
    run = learn("check", "toy", cwd=course_dir)
    assert run.returncode == 1
    assert "double(-3)" in run.stdout and 'learn read toy "Doubling"' in run.stdout


def test_json_carries_the_result_model(course_dir, learn):
    run = learn("check", "toy", "--path", "solutions", "--format", "json", cwd=course_dir)
    (result,) = json.loads(run.stdout)
    assert result["passed"] is True and result["score"] == 4
    assert {t["status"] for t in result["tests"]} == {"passed"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "nope"], "unknown lesson 'nope'"),
        (["check", "toy", "--path", "missing"], "no such folder"),
        (["check", "toy", "--path", "grader"], "has no toy/ folder"),
        (["check"], "Missing argument"),
        (["frobnicate"], "No such command"),
        (["check", "toy", "--timeout", "0"], "0 is not a time limit"),
        (["check", "toy", "--timeout", "-1"], "-1 is not a time limit"),
        (["check", "toy", "--timeout", "1e9"], "1e9 is not a time limit"),
        (["check", "toy", "--timeout", "nan"], "nan is not a time limit"),
        (["watch", "toy", "--timeout", "ten"], "'ten' is not a number of seconds"),
        (["grade", "run", ".", "--out", "out", "--timeout", "inf"], "inf is not a time limit"),
        (["grade", "run", ".", "--out", "out", "--memory", "0"], "0 is not in the range"),
        (["grade", "run", ".", "--out", "out", "--jobs", "0"], "0 is not in the range"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(course_dir, args, message, learn):
    run = learn(*args, cwd=course_dir)
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


@pytest.mark.parametrize("args", [["list"], []])
def test_outside_a_course_exits_2_and_says_why(tmp_path, learn, args):
    run = learn(*args, cwd=tmp_path)
    assert run.returncode == 2 and "not inside a course" in run.stderr
    assert "Traceback" not in run.stderr


def test_list_shows_lessons_and_the_last_result(course_dir, learn):
    assert "not checked yet" in learn("list", cwd=course_dir).stdout
    learn("check", "toy", cwd=course_dir)
    run = learn("list", cwd=course_dir)
    assert run.returncode == 0
    assert "A toy lesson" in run.stdout and "0/4" in run.stdout


def test_a_corrupt_progress_file_does_not_break_list(course_dir, learn):
    (course_dir / ".learn").mkdir()
    (course_dir / ".learn" / "progress.json").write_text("{{{")
    run = learn("list", cwd=course_dir)
    assert run.returncode == 0 and "not checked yet" in run.stdout


def test_dev_stubs_check_reports_stale_stubs(course_dir, toy, learn):
    assert learn("dev", "stubs", "--check", cwd=course_dir).returncode == 0
    toy.write_ops("def double(x):\n    return 2 * x\n")
    run = learn("dev", "stubs", "--check", cwd=course_dir)
    assert run.returncode == 1 and "exercises/toy/ops.py" in run.stdout


def test_help_documents_the_exit_codes(course_dir, learn):
    run = learn("--help", cwd=course_dir)
    assert run.returncode == 0
    assert "0  every test that could run passed" in run.stdout
