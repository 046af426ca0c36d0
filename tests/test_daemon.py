"""The warm worker `learn check` leaves behind: real processes, a real socket."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest

from grader.loop import daemon, doctor
from grader.loop.worker import FORK_SUPPORTED
from grader.results import Status
from grader.runner import RunOptions

pytestmark = pytest.mark.skipif(not FORK_SUPPORTED, reason="the warm worker forks (Linux)")

# Each call of double() appends "<parent pid> <calls so far in this process>" to a log.
COUNTING = """
import os

calls = 0


def double(x):
    global calls
    calls += 1
    with open({log!r}, "a") as log:
        log.write(f"{{os.getppid()}} {{calls}}\\n")
    return 2 * x


def halve(x):
    return x / 2
"""
LOOPS = "def double(x):\n    while True:\n        pass\n\ndef halve(x):\n    return x / 2\n"


@pytest.fixture
def warm(course, monkeypatch):
    """Checks leave a worker (for 30 s at most); any worker left is stopped afterwards."""
    monkeypatch.setenv("LEARN_WARM", "30")
    yield course
    runner = daemon.connect(course)
    if runner is not None:
        os.kill(runner.pid, signal.SIGTERM)
        runner.close()


def wait_for_worker(course, timeout: float = 30.0) -> daemon.SocketRunner:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runner = daemon.connect(course)
        if runner is not None:
            return runner
        time.sleep(0.1)
    raise AssertionError("no warm worker answered")


def check(course, timeout: float = 10.0):
    lesson = course.lesson("toy")
    return daemon.check(course, lesson, course.exercises_dir, RunOptions(timeout=timeout))


def test_a_check_leaves_a_worker_that_runs_the_next_one_afresh(warm, toy, tmp_path):
    log = tmp_path / "calls.log"
    toy.write_ops(COUNTING.format(log=str(log)))
    assert check(warm).passed
    first = log.read_text().split()
    assert first[0] == str(os.getpid())  # a fresh interpreter, started by this process
    with wait_for_worker(warm) as worker:
        pid = worker.pid
    for _ in range(2):
        log.unlink()
        assert check(warm).passed
        lines = [line.split() for line in log.read_text().splitlines()]
        assert {parent for parent, _ in lines} == {str(pid)}  # children of the worker
        # two tests call double(), in one process or two: each starts from a fresh module
        assert sorted(count for _, count in lines) in (["1", "2"], ["1", "1"])


def test_no_worker_with_learn_warm_zero(course, toy, tmp_path):
    assert os.environ["LEARN_WARM"] == "0"
    assert check(course).tests
    time.sleep(1.0)
    assert daemon.connect(course) is None


def test_the_worker_kills_a_loop_and_serves_the_next_check(warm, toy):
    check(warm)
    wait_for_worker(warm).close()
    toy.write_ops(LOOPS)
    result = check(warm, timeout=1.0)
    looped = next(t for t in result.tests if t.test.endswith("test_double_two"))
    assert looped.status is Status.TIMED_OUT
    with wait_for_worker(warm, timeout=5.0) as worker:
        assert worker.run(warm.lesson("toy"), warm.exercises_dir, RunOptions(timeout=1.0)).tests


def test_hanging_up_mid_run_kills_the_run(warm, toy):
    check(warm)
    toy.write_ops(LOOPS)
    with wait_for_worker(warm) as worker:
        worker.start(warm.lesson("toy"), warm.exercises_dir, RunOptions(timeout=60.0))
        assert until(lambda: children(worker.pid)), "the run should be going"
        pid = worker.pid
    assert until(lambda: not children(pid)), "the run outlived the check"
    wait_for_worker(warm, timeout=5.0).close()  # and it is still there


def test_the_worker_leaves_when_idle(course):
    daemon.start(course, course.lesson("toy"), idle=1.0)
    worker = wait_for_worker(course)
    worker.close()
    deadline = time.monotonic() + 10
    while os.waitpid(worker.pid, os.WNOHANG) == (0, 0):  # started by this process: reap it
        assert time.monotonic() < deadline, "the worker is still there"
        time.sleep(0.1)
    assert daemon.connect(course) is None


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to become another user")
def test_another_user_gets_no_answer(warm):
    check(warm)
    wait_for_worker(warm).close()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.setuid(65534)
        os.write(write, b"answered" if daemon.connect(warm) else b"silent")
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100) == b"silent"


def until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def children(pid: int) -> list[str]:
    """The processes `pid` started, from any of its threads."""
    found = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += path.read_text().split()
    return found


def test_doctor_says_whether_a_worker_waits(warm, monkeypatch):
    cpu = {"version": "2.13.0+cpu", "cuda_build": None, "cuda": False, "mps": False}

    def said() -> str:
        found = doctor.diagnose(cwd=warm.root, torch_info=cpu)
        return next(f.detail for f in found if f.what == "warm")

    assert "no worker now" in said()
    check(warm)
    with wait_for_worker(warm) as worker:
        pid = worker.pid
    assert f"worker {pid} waits" in said()
    monkeypatch.setenv("LEARN_WARM", "0")
    assert said().startswith("off")
