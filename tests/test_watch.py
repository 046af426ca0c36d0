"""`learn watch` and the warm process behind it: real file changes, real processes."""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from grader.loop import progress
from grader.loop.clients import PlainRunner, WarmRunner, WorkerGone
from grader.loop.watch import first_unfinished, watch
from grader.loop.worker import FORK_SUPPORTED
from grader.results import LessonResult, Status, TestResult
from grader.runner import RunOptions

LEARN = str(Path(sys.executable).with_name("learn"))
RIGHT = "def double(x):\n    return 2 * x\n\ndef halve(x):\n    return x / 2\n"
WRONG = "def double(x):\n    return x + 2\n\ndef halve(x):\n    return x / 2\n"
LOOPS = "def double(x):\n    while True:\n        pass\n\ndef halve(x):\n    return x / 2\n"

needs_fork = pytest.mark.skipif(not FORK_SUPPORTED, reason="the warm process forks (Linux)")


@pytest.fixture
def course(toy):
    return toy.write_stubs()


def statuses(result) -> dict[str, Status]:
    return {t.test.split("::")[-1]: t.status for t in result.tests}


class Output:
    """The lines a process prints, read in a thread, with a way to wait for one."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    def wait_for(self, text: str, after: int = 0, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index]:
                    return index
            time.sleep(0.02)
        raise AssertionError(f"no {text!r} after line {after}:\n{''.join(self.lines)}")


def test_watch_rechecks_on_save_and_ctrl_c_exits_cleanly(course, toy):
    child = subprocess.Popen(
        [LEARN, "watch", "toy"], cwd=course.root, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip
    try:
        out = Output(child.stdout)
        first = out.wait_for("✔ checked at")
        assert "not started" in "".join(out.lines[:first])
        toy.write_ops(WRONG)  # the learner saves
        found = out.wait_for("double(-3)", after=first)
        done = out.wait_for("✔ checked at", after=found)
        screen = "".join(out.lines[found - 3 : done])
        assert "✘ failed" in screen and "expected -6" in screen
        assert "learn hint toy double" in screen
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
    output = "".join(out.lines)
    assert "Traceback" not in output and "stopped watching" in output


@needs_fork
def test_nothing_the_learners_code_does_survives_into_the_next_run(course, toy):
    toy.write_ops(
        """
        import builtins
        import grader.testkit

        grader.testkit.RUNS = getattr(grader.testkit, "RUNS", 0) + 1
        builtins.LEAKED = getattr(builtins, "LEAKED", 0) + 1

        def double(x):
            # right only in a process where this module was never imported before
            return 2 * x * grader.testkit.RUNS * builtins.LEAKED

        def halve(x):
            return x / 2
        """
    )
    lesson = course.lesson("toy")
    with WarmRunner(course.root) as runner:
        for _ in range(3):
            result = runner.run(lesson, course.exercises_dir, RunOptions())
            assert set(statuses(result).values()) == {Status.PASSED}, result.tests
        toy.write_ops(WRONG)  # and every run sees the file as it is now
        assert statuses(runner.run(lesson, course.exercises_dir, RunOptions()))[
            "test_double_negative"
        ] is (Status.FAILED)


@needs_fork
def test_the_current_exercise_runs_first(course, toy):
    toy.write_ops(RIGHT)
    order: dict[int, list[str]] = {}  # the tests each test process started, in order

    def follow(record: dict) -> None:
        if record["event"] == "start":
            order.setdefault(record["pid"], []).append(record["test"].split("::")[-1])

    with WarmRunner(course.root) as runner:
        runner.run(
            course.lesson("toy"), course.exercises_dir, RunOptions(on_record=follow), first="halve"
        )
    assert sorted(name for started in order.values() for name in started) == [
        "test_double_negative",
        "test_double_two",
        "test_halve",
    ]
    for started in order.values():
        assert started == sorted(started, key=lambda name: name != "test_halve")


@needs_fork
def test_a_newer_save_cancels_the_run_and_its_endless_loop(course, toy):
    toy.write_ops(LOOPS)
    lesson = course.lesson("toy")
    with WarmRunner(course.root) as runner:
        ident = runner.start(lesson, course.exercises_dir, RunOptions(timeout=60))
        deadline = time.monotonic() + 60
        started = False
        while not started and time.monotonic() < deadline:
            started = any(e.get("record", {}).get("event") == "start" for e in runner.poll(1))
        assert started
        begun = time.monotonic()
        runner.cancel()
        ends = []
        while not ends and time.monotonic() < deadline:
            ends = [e for e in runner.poll(1) if e["event"] in ("cancelled", "result")]
        assert ends[0] == {"id": ident, "event": "cancelled"}
        assert time.monotonic() - begun < 20  # not the 60 s the loop was allowed
        toy.write_ops(RIGHT)
        assert runner.run(lesson, course.exercises_dir, RunOptions()).passed


@needs_fork
def test_a_worker_killed_by_the_learners_code_is_reported_gone(course, toy):
    toy.write_ops("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    with WarmRunner(course.root) as runner, pytest.raises(WorkerGone):
        runner.run(course.lesson("toy"), course.exercises_dir, RunOptions())


def scripted(course, toy, steps, console_out: io.StringIO):
    """File changes for watch(): each step waits for a text on screen, then saves a file."""

    def changes():
        for text, source in steps:
            deadline = time.monotonic() + 120
            while text not in console_out.getvalue():
                assert time.monotonic() < deadline, console_out.getvalue()
                time.sleep(0.02)
                yield set()
            if source is None:
                raise KeyboardInterrupt
            path = toy.write_ops(source)
            yield {("modified", str(path))}

    return changes()


@pytest.mark.parametrize("fork", [pytest.param(True, marks=needs_fork), False])
def test_watch_function_follows_saves_and_survives_a_dead_worker(course, toy, fork):
    out = io.StringIO()
    console = Console(file=out, width=120)
    steps = [
        ("✔ checked at", WRONG),
        ("expected -6", "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"),
        ("could not be" if not fork else "started another", RIGHT),
        ("✔ toy passes", None),
    ]
    if not fork:  # no worker to kill: the plain runner's test process dies instead
        steps[1] = ("expected -6", "import os\nos._exit(3)\n")
        steps[2] = ("crashed", RIGHT)
    code = watch(
        course,
        course.lesson("toy"),
        course.exercises_dir,
        console=console,
        changes=scripted(course, toy, steps, out),
        fork=fork,
        record=False,
    )
    assert code == 0
    assert "stopped watching" in out.getvalue()


def test_plain_runner_cancels_too(course, toy):
    toy.write_ops(LOOPS)
    with PlainRunner(course.root) as runner:
        runner.start(course.lesson("toy"), course.exercises_dir, RunOptions(timeout=60))
        time.sleep(1)
        runner.cancel()
        events = []
        deadline = time.monotonic() + 60
        while not any(e["event"] == "cancelled" for e in events):
            assert time.monotonic() < deadline
            events += runner.poll(1)


def test_the_default_lesson_is_the_first_unfinished_one(course):
    assert first_unfinished(course).id == "toy"
    passed = LessonResult("toy", "x", [TestResult("a", "double", 1, Status.PASSED)])
    progress.record(course.root, passed)
    assert first_unfinished(course) is None


def test_learn_alone_watches_with_keys_for_a_hint_the_list_and_quit(course, toy):
    """In a terminal, as a learner runs it: `learn` with no command starts watching."""
    import pty

    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [LEARN], cwd=course.root, stdin=follower, stdout=follower, stderr=follower,
        env={**os.environ, "COLUMNS": "120", "TERM": "dumb"}, start_new_session=True,
    )  # fmt: skip
    os.close(follower)
    seen = b""

    def wait_for(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 120
        while text not in seen:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            if select.select([leader], [], [], 1.0)[0]:  # never block past the deadline
                with contextlib.suppress(OSError):
                    seen += os.read(leader, 65536)

    try:
        wait_for(b"h hint")
        wait_for("✔ checked at".encode())
        os.write(leader, b"h")
        wait_for(b"hint 1 of 2 for double: Multiply by two.")
        os.write(leader, b"l")
        wait_for(b"halve  (toy/ops.py)")
        os.write(leader, b"q")
        wait_for(b"stopped watching")
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
        os.close(leader)


def test_a_save_checks_the_saved_files_lesson_and_its_exercise_first(course, toy):
    from grader.loop.watch import focus_after_save, lesson_of

    lesson = course.lesson("toy")
    saved = {("modified", str(course.exercises_dir / "toy" / "ops.py"))}
    assert lesson_of(course, course.exercises_dir, saved) == (lesson, "ops.py")
    assert lesson_of(course, course.exercises_dir, {("added", "/elsewhere.py")}) == (None, None)
    statuses = {"double": Status.PASSED, "halve": Status.FAILED}
    assert focus_after_save(lesson, None, statuses, "ops.py") == "halve"
    assert focus_after_save(lesson, None, {}, "other.py") == "double"


def test_the_early_verdict_of_a_file_that_does_not_load_shows_why(course, toy):
    """The first frame after a save that broke the file: the file's problem itself,
    never "does not load: see above" with nothing above."""
    from grader.loop.watch import Run, screen

    lesson = course.lesson("toy")
    broken = "SyntaxError in your code (ops.py, line 2): invalid syntax"
    tests = [
        TestResult(t, e, status=Status.ERROR, message=broken, unloadable="toy/ops.py")
        for t, e in (("test_double_two", "double"), ("test_halve", "halve"))
    ]
    run = Run(ident=1, focus="double", expected=tests, done={tests[0].test: tests[0]})
    shown = Console(file=io.StringIO(), width=300)
    shown.print(screen(lesson, toy.root / "exercises", None, run=run))
    text = shown.file.getvalue()
    assert "see above" not in text and "ops.py does not load" in text and broken in text
