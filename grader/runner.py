"""Run a lesson's tests in a child pytest process and reconcile what it reports.

The child streams one JSON record per test over a pipe. The parent keeps the list
of tests the child collected; a test that never reports back is marked crashed (or
timed out, when the parent had to kill it), and the tests after it are run again in
a fresh child, so one fatal test never costs the others their result.

A learner's run can split the tests into shares, each run so by a child of its own
side by side (`RunOptions.shares`): every child collects the whole lesson, runs every
n-th test (property tests dealt out on their own, as they are the slow ones), and the
parent puts the shares back together in the lesson's order.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.course import Course, CourseError, Lesson
from grader.results import LessonResult, Status, TestResult

COLLECT_LIMIT = 120.0  # seconds for the child to start and collect
KILL_GRACE = 5.0  # seconds past the per-test limit before the parent kills the child
WALL_FACTOR = 3.0  # a limit in CPU time may take this many times as long on the wall
MAX_LOAD_FACTOR = 8.0  # and, on a machine this many times over its cores, that much more
MAX_RESTARTS = 3
PROGRESS = ".FEsxX \t"  # what pytest -q prints per test: not worth a learner's reading


@dataclass
class RunOptions:
    timeout: float = 10.0
    env: dict[str, str] | None = None
    python: list[str] = field(default_factory=lambda: [sys.executable])
    # Called with each record the child streams ({"event": "collected" | "start" | "result",
    # ...}), e.g. to drive a progress bar.
    on_record: Callable[[dict], None] | None = None
    # Starts the child instead of subprocess.Popen: spawn(args, env=, cwd=, pass_fd=, output=)
    # gets the arguments after the interpreter (TEST_PROCESS, then pytest's) and returns an object
    # with `pid` (its own process group) and `wait()`. `learn watch` forks a warm process.
    spawn: Callable[..., Any] | None = None
    # More pytest arguments, e.g. ("-x",) when only "does any test fail?" matters.
    pytest_args: tuple[str, ...] = ()
    # Test processes side by side, each running its share of the lesson's tests.
    shares: int = 1
    # What `timeout` measures: "wall" time, or "cpu" time of the code under test (the
    # examiner: a busy machine must not time out a correct test).
    clock: str = "wall"


def wall_limit(timeout: float, clock: str) -> float:
    """The wall time a test may take: its limit, or for a CPU-time limit, that many
    times over, and more while the machine has more to run than it has cores."""
    if clock != "cpu":
        return timeout
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return timeout * WALL_FACTOR * min(MAX_LOAD_FACTOR, max(1.0, load / max(1, cores)))


def parallel_shares() -> int:
    """Test processes for a learner's run: one per CPU this process may use, at most 4."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, min(4, len(os.sched_getaffinity(0))))
    return max(1, min(4, os.cpu_count() or 1))


def resolve_target(course: Course, lesson: Lesson, path: Path | None) -> Path:
    """The folder that holds `lessonN/`: --path as given, its parent, or exercises/."""
    folder = (path or course.exercises_dir).expanduser()
    if not folder.is_dir():
        raise CourseError(f"no such folder: {folder}")
    folder = folder.resolve()
    if (folder / lesson.id).is_dir():
        return folder
    if folder.name == lesson.id:
        return folder.parent
    raise CourseError(f"{folder} has no {lesson.id}/ folder to grade")


def run_lesson(
    course: Course,
    lesson: Lesson,
    target: Path,
    options: RunOptions | None = None,
    tests_dir: Path | None = None,
) -> LessonResult:
    options = options or RunOptions()
    # hypothesis keeps its caches in the folder a test process starts in, the graded one:
    # keep them with the course's own state, so grading writes nothing into --path.
    env = dict(options.env if options.env is not None else os.environ)
    env.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(course.state_dir / "hypothesis"))
    options = replace(options, env=env)
    tests_dir = (tests_dir or course.tests_dir).resolve()
    lesson_tests = tests_dir / lesson.id
    if not lesson_tests.is_dir():
        raise CourseError(f"{lesson.id} has no tests in {tests_dir}")
    result = LessonResult(lesson=lesson.id, target=str(target))
    count = max(1, options.shares)
    if count == 1:
        parts = [_run_share(lesson_tests, target, options, "")]
    else:
        shared = replace(options, on_record=_FirstCollected(options.on_record))
        with ThreadPoolExecutor(count) as pool:
            shares = [f"{index}/{count}" for index in range(count)]
            parts = list(
                pool.map(lambda share: _run_share(lesson_tests, target, shared, share), shares)
            )
    broken = next((part for part in parts if part.error), None)
    if broken is not None:
        result.error = broken.error
        return result
    expected = parts[0].expected
    done = {test: found for part in parts for test, found in part.done.items()}
    for test in expected:
        if test.test not in done:
            reason = "never reported: the test process kept dying before it reached this test"
            done[test.test] = _lost(expected, test.test, (Status.CRASHED, reason))
    result.tests = [done[t.test] for t in expected]
    return result


@dataclass
class _Share:
    expected: list[TestResult] = field(default_factory=list)  # the whole lesson, in order
    done: dict[str, TestResult] = field(default_factory=dict)
    error: str = ""


def _run_share(lesson_tests: Path, target: Path, options: RunOptions, share: str) -> _Share:
    """Run the lesson's tests (or one share of them) in a child; when a test kills it,
    run those after it again in a fresh child, so one fatal test never costs the others.
    An exercise whose tests kill MAX_RESTARTS + 1 children has the rest of its tests
    marked, not run: that bounds the restarts, and never at another exercise's cost."""
    tests_dir = lesson_tests.parent
    part = _Share()
    mine: list[str] = []
    pending = [str(lesson_tests)]
    deaths: dict[str, int] = {}  # exercise -> children its tests killed
    while True:  # every pass settles at least the test that was running: it ends
        run = _run_child(pending, tests_dir, target, options, "" if part.expected else share)
        if not part.expected:
            if not run.collected:
                part.error = run.failure("the tests could not be collected")
                return part
            part.expected = run.collected
            mine = run.share if run.share is not None else [t.test for t in run.collected]
        part.done.update(run.results)
        if not run.unfinished:
            return part
        died = part.done[run.unfinished] = _lost(part.expected, run.unfinished, run.died_because())
        deaths[died.exercise] = deaths.get(died.exercise, 0) + 1
        if deaths[died.exercise] > MAX_RESTARTS:
            why = "not run: this exercise's tests kept ending the test process"
            for test in part.expected:
                if test.exercise == died.exercise and test.test in mine:
                    part.done.setdefault(
                        test.test, replace(test, status=Status.CRASHED, message=why)
                    )
        remaining = [test for test in mine if test not in part.done]
        if not remaining:
            return part
        pending = [str(tests_dir.parent / test) for test in remaining]


class _FirstCollected:
    """Passes the records of parallel shares on one at a time, and the lesson's
    "collected" once (every share reports the whole lesson)."""

    def __init__(self, listener: Callable[[dict], None] | None) -> None:
        self._listener = listener
        self._lock = threading.Lock()
        self._collected = False

    def __call__(self, record: dict) -> None:
        with self._lock:
            if record.get("event") == "collected":
                if self._collected:
                    return
                self._collected = True
            if self._listener is not None:
                self._listener(record)


def _lost(expected: list[TestResult], test_id: str, why: tuple[Status, str]) -> TestResult:
    base = next((t for t in expected if t.test == test_id), TestResult(test_id, "?"))
    return TestResult(**{**base.__dict__, "status": why[0], "message": why[1]})


@dataclass
class ChildRun:
    collected: list[TestResult] = field(default_factory=list)
    share: list[str] | None = None  # the tests of `collected` this child runs, if not all
    results: dict[str, TestResult] = field(default_factory=dict)
    unfinished: str | None = None
    killed_after: float | None = None
    returncode: int | None = None
    output: str = ""
    collect_error: str = ""
    listener: Callable[[dict], None] | None = None

    def died_because(self) -> tuple[Status, str]:
        if self.killed_after is not None:
            return Status.TIMED_OUT, f"killed after {self.killed_after:.0f} s without finishing"
        code = self.returncode
        how = f"killed by signal {-code}" if code and code < 0 else f"exited with code {code}"
        said = [line for line in self.output.splitlines() if line.strip(PROGRESS)]
        last = said[-1].strip() if said else ""  # what the process said last, not pytest's dots
        return Status.CRASHED, f"the test process died during this test ({how}) {last}".strip()

    def failure(self, what: str) -> str:
        detail = self.collect_error or self.output.strip()[-2000:] or "no output"
        return f"{what} (exit code {self.returncode}): {detail}"


# Plugins autoloading is off: the course's own, hypothesis's, and none of pytest's that
# a lesson run never uses (each one costs start-up time on every check).
UNUSED_PLUGINS = (
    "cacheprovider", "stepwise", "doctest", "junitxml", "pastebin", "legacypath",
    "unraisableexception", "threadexception", "setuponly", "setupplan",
)  # fmt: skip
TEST_PROCESS = ["-m", "grader.child"]  # pytest, without the interpreter's teardown
PLUGIN_ARGS = [
    "-p", "grader.plugin", "-p", "_hypothesis_pytestplugin",
    *(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")),
]  # fmt: skip


def _pytest_args(tests: list[str], tests_dir: Path, target: Path, fd: int, options: RunOptions):
    return [
        *TEST_PROCESS, *tests, *PLUGIN_ARGS,
        "--learn-path", str(target), "--learn-report-fd", str(fd),
        "--learn-timeout", str(options.timeout), "--learn-timeout-clock", options.clock,
        "--rootdir", str(tests_dir.parent), "-c", os.devnull, "--import-mode=importlib",
        "-q", "--no-header", "-o", "console_output_style=classic",
    ]  # fmt: skip


def _run_child(
    tests: list[str], tests_dir: Path, target: Path, options: RunOptions, share: str
) -> ChildRun:
    read_fd, write_fd = os.pipe()
    env = dict(options.env if options.env is not None else os.environ)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # Lesson tensors are tiny: one thread is faster, and parallel runs don't oversubscribe.
    env.setdefault("OMP_NUM_THREADS", "1")
    run = ChildRun(listener=options.on_record)
    with tempfile.TemporaryFile() as output:
        args = _pytest_args(tests, tests_dir, target, write_fd, options)
        args += [*options.pytest_args, *(["--learn-share", share] if share else [])]
        if options.spawn is not None:
            child = options.spawn(args, env=env, cwd=target, pass_fd=write_fd, output=output)
        else:
            child = subprocess.Popen(
                [*options.python, *args],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                pass_fds=(write_fd,), env=env, cwd=target, start_new_session=True,
            )  # fmt: skip
        os.close(write_fd)
        try:
            _follow(child, read_fd, run, options)
        finally:
            os.close(read_fd)
            _kill_group(child)
        run.returncode = child.wait()
        output.seek(0)
        run.output = output.read().decode("utf-8", "replace")
    return run


def _follow(child: subprocess.Popen, read_fd: int, run: ChildRun, options: RunOptions) -> None:
    """Read records until the child closes the pipe, killing it if a test overruns (past
    the child's own limit, worked out as the child does when the test starts)."""
    selector = selectors.DefaultSelector()
    selector.register(read_fd, selectors.EVENT_READ)
    buffer = b""
    deadline = time.monotonic() + COLLECT_LIMIT
    timeout = 0.0
    while True:
        wait = deadline - time.monotonic()
        if wait <= 0 or not selector.select(timeout=wait):
            run.killed_after = timeout + KILL_GRACE if run.unfinished else COLLECT_LIMIT
            _kill_group(child)
            return
        chunk = os.read(read_fd, 65536)
        if not chunk:
            return
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            _take(run, line)
        if run.unfinished:
            timeout = wall_limit(options.timeout, options.clock)
            deadline = time.monotonic() + (timeout + KILL_GRACE if timeout else 1e9)
        else:
            deadline = time.monotonic() + COLLECT_LIMIT


def _take(run: ChildRun, line: bytes) -> None:
    try:
        record = json.loads(line)
        event = record.pop("event")
    except (ValueError, KeyError, AttributeError):
        return  # not one of ours: ignore rather than trust it
    if event == "collected":
        run.collected = [TestResult.from_dict(t) for t in record["tests"]]
        run.share = record.get("share")
    elif event == "collect_error":
        run.collect_error = record.get("message", "")
    elif event == "start":
        run.unfinished = record["test"]
    elif event == "result":
        test_id = record["test"]
        known = next((t for t in run.collected if t.test == test_id), None)
        base = known.__dict__ if known else {"test": test_id, "exercise": "?"}
        run.results[test_id] = TestResult.from_dict({**base, **record})
        run.unfinished = None
    if run.listener is not None:
        run.listener({"event": event, **record})


def _kill_group(child: subprocess.Popen) -> None:
    """Kill the child and anything it started, so nothing outlives the run."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
