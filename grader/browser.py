"""`learn check` inside a browser: the lesson's tests under Pyodide, in a Web Worker.

A browser has no processes and no signals, so the page's script takes the part of
`grader.runner`'s parent: the worker runs pytest with the same plugin and arguments and
streams the same records, through a device file the script reads. The plugin's alarm
cannot fire here, so a watchdog raises its TestTimeout instead, from the loops of the
learner's own code (`Watchdog`); a test stuck anywhere else gets the worker terminated
by the page and the tests after it run again in a fresh one.
`assemble` then reconciles every run's records into the one result model with the
runner's own code, so the page shows exactly what `learn check --format json` prints.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from grader.course import load
from grader.plugin import TestTimeout
from grader.results import LessonResult, Status
from grader.runner import TEST_PROCESS, ChildRun, RunOptions, _lost, _pytest_args, _take

COURSE = Path(__file__).resolve().parent.parent
TARGET = Path("/home/pyodide/exercises")  # the learner's files, laid out like exercises/


def write_files(files: dict[str, str]) -> None:
    """Put the learner's files ({"lesson1/neuron.py": source}) where the tests look,
    in place of whatever an earlier check left there."""
    for lesson in {name.split("/")[0] for name in files}:
        shutil.rmtree(TARGET / lesson, ignore_errors=True)
    for name, source in files.items():
        path = TARGET / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")


def run(lesson_id: str, tests: list[str], timeout: float, report: str) -> int:
    """Run `tests` (node ids, or none for the whole lesson) with records written to the
    device `report`; pytest's exit code. Fd capture cannot work without real file
    descriptors, so output is captured at the sys level instead."""
    course = load(COURSE)
    lesson = course.lesson(lesson_id)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(TARGET.parent / ".hypothesis"))
    os.chdir(TARGET)
    forget_imports(course.tests_dir)
    paths = [str(course.tests_dir.parent / t) for t in tests] or [str(course.tests_dir / lesson.id)]
    fd = os.open(report, os.O_WRONLY)
    args = _pytest_args(paths, course.tests_dir, TARGET, fd, RunOptions(timeout))
    pytest_args = [*args[len(TEST_PROCESS) :], "--capture=sys"]
    return int(pytest.main(pytest_args, plugins=[Watchdog(timeout)]))


class Watchdog:
    """The per-test limit, from inside: every backward jump (a loop turning) in code
    from the graded folder checks the clock and raises the plugin's TestTimeout, with
    its message, once the test has run past its limit. Other code is never watched:
    sys.monitoring stops reporting a function's start once it has seen it."""

    TOOL = 4  # a free sys.monitoring tool id (0-2 and 5 are debuggers', profilers', ...)
    deadline: float | None = None
    limit = 0.0

    def __init__(self, timeout: float) -> None:
        Watchdog.limit = timeout
        monitoring = sys.monitoring
        if monitoring.get_tool(self.TOOL) is None:
            monitoring.use_tool_id(self.TOOL, "learn watchdog")
            monitoring.register_callback(self.TOOL, monitoring.events.PY_START, _started)
            monitoring.register_callback(self.TOOL, monitoring.events.JUMP, _jumped)
        monitoring.set_events(self.TOOL, monitoring.events.PY_START)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        Watchdog.deadline = time.monotonic() + self.limit if self.limit else None
        try:
            return (yield)
        finally:
            Watchdog.deadline = None


def _started(code, offset):
    if code.co_filename.startswith(f"{TARGET}/"):
        sys.monitoring.set_local_events(Watchdog.TOOL, code, sys.monitoring.events.JUMP)
    return sys.monitoring.DISABLE


def _jumped(code, offset, destination):
    if destination < offset and Watchdog.deadline and time.monotonic() > Watchdog.deadline:
        limit = Watchdog.limit
        raise TestTimeout(f"still running after {limit:g} s: is there an endless loop?")


def forget_imports(tests_dir: Path) -> None:
    """This Python outlives a check: the next one must import the learner's files and
    the tests anew, never a module or bytecode cached from an earlier version."""
    sys.dont_write_bytecode = True
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None) or ""
        if file.startswith((f"{TARGET}/", f"{tests_dir}/")):
            del sys.modules[name]
    importlib.invalidate_caches()


def assemble(lesson_id: str, runs_json: str) -> str:
    """The JSON `learn check --format json` prints, from the records of each worker run.

    `runs_json` is a list of {"lines": [record, ...], "killed_after": seconds or null,
    "returncode", "output"}:
    the first run covered the whole lesson, each later one the tests left after a test
    that had to be killed, as `grader.runner` does with its child processes.
    """
    result = LessonResult(lesson=lesson_id, target=str(TARGET))
    expected: list = []
    done: dict = {}
    for number, entry in enumerate(json.loads(runs_json)):
        run = ChildRun()
        for line in entry["lines"]:
            _take(run, line.encode())
        run.killed_after = entry.get("killed_after")
        run.returncode, run.output = entry.get("returncode"), entry.get("output", "")
        if number == 0:
            if not run.collected:
                result.error = run.failure("the tests could not be collected")
                return json.dumps([result.to_dict()], indent=2)
            expected = run.collected
        done.update(run.results)
        if run.unfinished:
            done[run.unfinished] = _lost(expected, run.unfinished, run.died_because())
    for test in expected:
        if test.test not in done:
            reason = "never reported: the test process kept dying before it reached this test"
            done[test.test] = _lost(expected, test.test, (Status.CRASHED, reason))
    result.tests = [done[t.test] for t in expected]
    return json.dumps([result.to_dict()], indent=2)
