"""The pytest plugin that turns a lesson's tests into graded results.

It adds the `points`, `gpu` and `exercise` marks and the `device` fixture, gives each
test one status of the result model, enforces a per-test time limit, and streams one
JSON record per test to the parent process (`grader.runner`) as soon as it is known.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from grader.results import Status
from grader.runner import wall_limit
from grader.testkit import learner_location, sandbox

NO_GPU = "needs a CUDA or MPS device, and this machine has neither"

_outcomes: dict[str, dict] = {}
_stream = None
_whole_lesson: list[dict] = []  # every test collected, before --learn-share kept a part


class TestTimeout(BaseException):
    """Raised in the test by the alarm; a BaseException so `except Exception` can't swallow it."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("learn", "grading with the course's learn tool")
    group.addoption("--learn-path", help="folder laid out like exercises/ to grade")
    group.addoption("--learn-report-fd", type=int, help="file descriptor for JSON records")
    group.addoption("--learn-timeout", type=float, default=0, help="seconds allowed per test")
    group.addoption(
        "--learn-share",
        help="K/N: run only the K-th of N shares of the tests (N test processes side by side)",
    )
    group.addoption(
        "--learn-timeout-clock",
        choices=("wall", "cpu"),
        default="wall",
        help="measure --learn-timeout in wall time, or in CPU time (learn grade: a busy "
        "machine must not time out a correct test; the grader kills sleepers)",
    )


def pytest_configure(config: pytest.Config) -> None:
    global _stream
    config.addinivalue_line("markers", "points(n): the points a test is worth (default 1)")
    config.addinivalue_line("markers", "gpu: needs a CUDA or MPS device")
    config.addinivalue_line("markers", "exercise(name): the catalogue exercise a test grades")
    path = config.getoption("learn_path")
    if path:
        os.environ["LEARN_TARGET"] = str(Path(path).resolve())
    fd = config.getoption("learn_report_fd")
    if fd is not None:
        _stream = os.fdopen(fd, "w", buffering=1, encoding="utf-8")
    _load_hypothesis_profile()


def _load_hypothesis_profile() -> None:
    """Derandomised examples, no deadline: the same code gets the same grade on any machine."""
    try:
        from hypothesis import HealthCheck, Phase, settings
    except ImportError:  # pragma: no cover - hypothesis is a dependency
        return
    settings.register_profile(
        "learn",
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=60,
        print_blob=False,
        report_multiple_bugs=False,  # classify() reads only the first failure anyway
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
    )
    settings.load_profile("learn")


def pytest_unconfigure(config: pytest.Config) -> None:
    place = sandbox()
    if place is not None:
        place.stop()


def _emit(record: dict) -> None:
    if _stream is not None:  # the pid lets `learn grade` ignore records from forked copies
        _stream.write(json.dumps({**record, "pid": os.getpid()}) + "\n")


def available_devices() -> list[str]:
    """The accelerators torch can use here (imported only by tests that take a device)."""
    import torch

    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.append("mps")
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`device`: cpu always, then each GPU present, or one `cuda` case to report as not run."""
    if "device" not in metafunc.fixturenames:
        return
    gpus = available_devices() or ["cuda"]
    params = [pytest.param("cpu", id="cpu")]
    params += [pytest.param(name, id=name, marks=pytest.mark.gpu) for name in gpus]
    metafunc.parametrize("device", params)


def _device_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("device") if callspec else None


def _describe(item: pytest.Item) -> dict:
    exercise = item.get_closest_marker("exercise")
    points = item.get_closest_marker("points")
    return {
        "test": item.nodeid,
        "exercise": exercise.args[0] if exercise else Path(str(item.path)).stem,
        "points": float(points.args[0]) if points else 1.0,
        "device": _device_of(item),
        "gpu": item.get_closest_marker("gpu") is not None,
    }


@pytest.hookimpl(trylast=True)  # after any plugin that orders the tests
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    share = config.getoption("learn_share")
    if not share:
        return
    index, count = (int(n) for n in share.split("/"))
    _whole_lesson[:] = [_describe(item) for item in items]
    # property tests are the slow ones: deal them out on their own, then the rest
    slow = [item for item in items if _is_property(item)]
    fast = [item for item in items if not _is_property(item)]
    mine = {id(item) for item in slow[index::count] + fast[index::count]}
    config.hook.pytest_deselected(items=[item for item in items if id(item) not in mine])
    items[:] = [item for item in items if id(item) in mine]


def _is_property(item: pytest.Item) -> bool:
    return getattr(getattr(item, "obj", None), "is_hypothesis_test", False)


def pytest_collection_finish(session: pytest.Session) -> None:
    if _whole_lesson:  # a share: the whole lesson, and which of it this process runs
        share = [item.nodeid for item in session.items]
        _emit({"event": "collected", "tests": _whole_lesson, "share": share})
    else:
        _emit({"event": "collected", "tests": [_describe(item) for item in session.items]})
    if _stream is not None and session.config.option.tbstyle == "auto":
        # When grading, nobody reads pytest's own failure reports (the records say it all)
        # and formatting them costs more than running the tests; errors in collection,
        # reported before this point, keep their usual traceback.
        session.config.option.tbstyle = "no"


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _emit({"event": "collect_error", "message": str(report.longrepr)[-4000:]})


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("gpu"):
        if os.environ.get("LEARN_GPU") == "skip":
            pytest.skip("GPU tests are not graded (--gpu skip)")
        device, gpus = _device_of(item), available_devices()
        if (device not in gpus) if device else not gpus:
            pytest.skip(NO_GPU)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logstart(nodeid: str, location: tuple) -> None:
    _outcomes[nodeid] = {"status": Status.PASSED, "message": "", "location": "", "duration": 0.0}
    _emit({"event": "start", "test": nodeid, "time": time.time()})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    limit = item.config.getoption("learn_timeout")
    use_alarm = limit and hasattr(signal, "setitimer")
    cpu = item.config.getoption("learn_timeout_clock") == "cpu"
    place = sandbox()
    if place is not None and limit:
        # The learner's code runs over there: its CPU time is the measure, and this
        # process's alarm is the backstop for a sandbox starved of a core.
        place.new_test(limit if cpu else 0.0)
        limit, cpu = wall_limit(limit, "cpu" if cpu else "wall"), False
    timer, signum = (
        (signal.ITIMER_PROF, signal.SIGPROF) if cpu else (signal.ITIMER_REAL, signal.SIGALRM)
    )
    if use_alarm:
        spent = f"used {limit:g} s of CPU time" if cpu else f"still running after {limit:g} s"

        def on_alarm(signum, frame):
            raise TestTimeout(f"{spent}: is there an endless loop?")

        previous = signal.signal(signum, on_alarm)
        signal.setitimer(timer, limit)
    try:
        return (yield)
    finally:
        if use_alarm:
            signal.setitimer(timer, 0)
            signal.signal(signum, previous)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    outcome = _outcomes.setdefault(item.nodeid, {"status": Status.PASSED, "message": ""})
    outcome["duration"] = outcome.get("duration", 0.0) + call.duration
    if outcome["status"] is not Status.PASSED:
        return report  # the first problem (setup before call before teardown) wins
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        outcome.update(status=Status.NOT_RUN, message=reason.removeprefix("Skipped: "))
    elif report.failed and call.excinfo is not None:
        status, message, location = classify(call.excinfo.value)
        if call.when != "call" and status is Status.FAILED:
            status = Status.ERROR
        outcome.update(status=status, message=message, location=location)
    return report


def pytest_runtest_logfinish(nodeid: str, location: tuple) -> None:
    outcome = _outcomes.pop(nodeid, {"status": Status.CRASHED, "message": ""})
    _emit({"event": "result", "test": nodeid, **outcome, "status": outcome["status"].value})


def classify(exc: BaseException) -> tuple[Status, str, str]:
    """Status, a message a learner can act on, and where in their code it happened."""
    from grader.remote import SandboxDied

    exc = _first_leaf(exc)
    location = learner_location(exc)
    notes = "\n".join(getattr(exc, "__notes__", ()))
    if isinstance(exc, NotImplementedError):
        return Status.NOT_STARTED, str(exc) or "still raises NotImplementedError", location
    if isinstance(exc, SandboxDied):
        return Status.CRASHED, str(exc), location
    if isinstance(exc, TestTimeout):
        return Status.TIMED_OUT, str(exc), location
    if isinstance(exc, MemoryError) or _torch_out_of_memory(exc):
        return Status.OUT_OF_MEMORY, "ran out of memory", location
    if isinstance(exc, AssertionError | pytest.fail.Exception):
        message = str(exc).strip() or "assertion failed"
        return Status.FAILED, _join(message, notes), location
    if isinstance(exc, SyntaxError):
        where = f"{Path(exc.filename or '?').name}, line {exc.lineno}"
        return Status.ERROR, f"SyntaxError in your code ({where}): {exc.msg}", location
    message = f"{type(exc).__name__}: {exc}".rstrip(": ")
    return Status.ERROR, _join(message, notes), location


def _torch_out_of_memory(exc: BaseException) -> bool:
    """torch reports a failed CPU allocation as a RuntimeError, not a MemoryError."""
    return isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)[:300]


def _join(message: str, notes: str) -> str:
    return f"{message}\n{notes}" if notes else message


def _first_leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc
