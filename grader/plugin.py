"""The pytest plugin that turns a lesson's tests into graded results.

It adds the `points`, `gpu` and `exercise` marks and the `device` fixture, gives each
test one status of the result model, enforces a per-test time limit, and streams one
JSON record per test to the parent process (`grader.runner`) as soon as it is known.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import traceback
from pathlib import Path

import pytest

from grader.results import Status
from grader.runner import wall_limit
from grader.testkit import learner_location, sandbox, theirs

SHRINK_SHARE = 0.3  # of a property test's time limit, for hypothesis to shrink a failure
OUTPUT_LINES = 20  # of what a test printed, kept with its result
TEST_FRAMES = 6  # of a test's own error's traceback, shown with it
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
    config.addinivalue_line(
        "markers", "section(heading): the lesson page's section a failure of this test points at"
    )
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
    _pin_example_sources()


def _pin_example_sources() -> None:
    """Hypothesis mixes into its examples constants it reads from the source of every local
    module already imported when a test first draws: the learner's file, and whichever of
    the grader's modules are loaded by then. The examples would then depend on the learner's
    code, on the transport and on how the tests were shared out. Draw from its fixed
    constants only, as it does in the browser (Pyodide): the same examples for everyone,
    and no source scan in every test process."""
    from hypothesis.internal.conjecture import providers

    if hasattr(providers, "_get_local_constants"):
        providers._get_local_constants = lambda: providers._local_constants  # stays empty


def pytest_unconfigure(config: pytest.Config) -> None:
    place = sandbox()
    if place is not None:
        place.stop()


def _emit(record: dict) -> None:
    if _stream is not None:  # the pid lets `learn grade` ignore records from forked copies
        _stream.write(json.dumps({**record, "pid": os.getpid()}) + "\n")


def available_devices() -> list[str]:
    """The accelerators torch can use here (imported only by tests that take a device);
    none where torch is not installed."""
    try:
        import torch
    except ImportError:
        return []

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
    section = item.get_closest_marker("section")
    return {
        "test": item.nodeid,
        "exercise": exercise.args[0] if exercise else Path(str(item.path)).stem,
        "section": section.args[0] if section else "",
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


def _budget_shrinking(limit: float) -> None:
    """Let hypothesis shrink a failure for a third of the test's limit, then report the example
    it has: a time-out landing inside shrinking would hide a clear failure behind a false
    "endless loop" (hypothesis documents this constant as the one to patch for that)."""
    from hypothesis.internal.conjecture import engine

    engine.MAX_SHRINKING_SECONDS = limit * SHRINK_SHARE


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
    if limit and _is_property(item):
        _budget_shrinking(limit)  # the limit as given: in CPU time, it is all there is
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
    printed = report.capstdout + report.capstderr  # each phase's report holds all so far
    place = sandbox()
    if place is not None and call.when == "call":  # the submission printed over there
        outcome["remote_output"] = place.printed()
    printed += outcome.get("remote_output", "")
    if printed:
        outcome["output"] = _bounded(printed)
    if outcome["status"] is not Status.PASSED:
        return report  # the first problem (setup before call before teardown) wins
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        outcome.update(status=Status.NOT_RUN, message=reason.removeprefix("Skipped: "))
    elif report.failed and call.excinfo is not None:
        status, message, location = classify(call.excinfo.value)
        if call.when != "call" and status is Status.FAILED:
            status = Status.ERROR
        unloadable = _unloadable(call.excinfo.value, location)
        if unloadable:
            message = _with_source(message, location)
        outcome.update(status=status, message=message, location=location, unloadable=unloadable)
    return report


def pytest_runtest_logfinish(nodeid: str, location: tuple) -> None:
    outcome = _outcomes.pop(nodeid, {"status": Status.CRASHED, "message": ""})
    outcome.pop("remote_output", None)  # already in "output"
    _emit({"event": "result", "test": nodeid, **outcome, "status": outcome["status"].value})


def _bounded(output: str) -> str:
    """The first OUTPUT_LINES lines a test printed, and how many more there were."""
    lines = output.rstrip().splitlines()
    shown = [line[:200] for line in lines[:OUTPUT_LINES]]
    if len(lines) > OUTPUT_LINES:
        shown.append(f"... {len(lines) - OUTPUT_LINES} more lines")
    return "\n".join(shown)


def _unloadable(exc: BaseException, location: str) -> str:
    """The learner's file (relative to the graded folder) that could not even be imported:
    missing, a syntax error, or an error while its top level ran. "" for any other problem."""
    exc = _first_leaf(exc)
    if isinstance(exc, FileNotFoundError) and str(exc).endswith(" is missing"):
        target = os.environ.get("LEARN_TARGET", "")
        missing = Path(str(exc).removesuffix(" is missing"))
        return str(missing.relative_to(target)) if missing.is_relative_to(target) else ""
    if isinstance(exc, SyntaxError) or location.endswith(" in <module>"):
        return location.split(":")[0]
    return ""


def _with_source(message: str, location: str) -> str:
    """The message and, for a line of the learner's file, the lines around it."""
    file, _, rest = location.partition(":")
    target = os.environ.get("LEARN_TARGET")
    line = rest.split(" ")[0]
    if not target or not line.isdigit():
        return message
    try:
        source = Path(target, file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return message
    number = int(line)
    around = range(max(1, number - 2), min(len(source), number + 2) + 1)
    width = len(str(around[-1])) if around else 1
    excerpt = [f"{'>' if n == number else ' '} {n:>{width}} | {source[n - 1]}" for n in around]
    return "\n".join([message, *excerpt])


def classify(exc: BaseException) -> tuple[Status, str, str]:
    """Status, a message a learner can act on, and where in their code it happened."""
    from grader.remote import SandboxDied

    exc = _first_leaf(exc)
    timeout = _timeout_within(exc)
    if timeout is not None:  # hypothesis wraps an alarm that rang inside it: still a time-out
        return Status.TIMED_OUT, str(timeout), learner_location(timeout)
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
        message = _authored(str(exc).strip()) or "assertion failed"
        return Status.FAILED, _tidy(_join(message, notes)), location
    if isinstance(exc, SyntaxError):
        where = f"{Path(exc.filename or '?').name}, line {exc.lineno}"
        return Status.ERROR, f"SyntaxError in your code ({where}): {exc.msg}", location
    message = f"{type(exc).__name__}: {exc}".rstrip(": ")
    if _asked_for_input(exc):  # pytest's "reading from stdin" names an option learn has not
        return Status.ERROR, NO_INPUT, location
    if not theirs(exc):
        return Status.TEST_ERROR, _join(message, _test_fault(exc)), location
    return Status.ERROR, _tidy(_join(message, notes)), location


NO_INPUT = (
    "your code asked for input (input() or sys.stdin): the tests pass your functions "
    "their arguments and nobody types during a check, so take the input() out"
)


def _asked_for_input(exc: BaseException) -> bool:
    """input() in a test process (pytest's stdin refuses) or in the sandbox (no stdin)."""
    if isinstance(exc, OSError) and "reading from stdin while output is captured" in str(exc):
        return True
    return type(exc).__name__ == "EOFError" and "when reading a line" in str(exc)


def _test_fault(exc: BaseException) -> str:
    """What a course writer needs to find a test's own error: where it was raised (file,
    line and function only: a hidden test's source is not for the learner to read)."""
    frames = traceback.extract_tb(exc.__traceback__)[-TEST_FRAMES:]
    lines = [f"  {Path(*Path(f.filename).parts[-3:])}:{f.lineno} in {f.name}" for f in frames]
    return "\n".join(["the test itself raised this, not your code: please report it", *lines])


def _authored(message: str) -> str:
    """The test's own message, without what pytest's assertion rewriting appends to it
    (`assert False`, `+ where ...`): the message already says call, expected and got."""
    lines = message.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("assert ")), None)
    if start is None:
        return message
    if start == 0:  # a bare assert: its expression is all there is to show
        return lines[0]
    # pytest indents the message's later lines by two spaces: give them back as written
    return "\n".join([lines[0], *(line.removeprefix("  ") for line in lines[1:start])])


_ADDRESS = re.compile(
    r"<(?:function|bound method) ([\w.<>]+) at 0x[0-9a-f]+>|( object) at 0x[0-9a-f]+"
)
_EXAMPLE = re.compile(r"^(?:Failing test case|Falsifying example): \w+\((.*)\)$", re.S | re.M)


def _tidy(message: str) -> str:
    """No memory addresses, no hints at pytest options `learn` has not, and hypothesis's
    failing example as `example: z=0.0` (without the test class's `self`)."""
    message = _ADDRESS.sub(lambda m: m[1] or m[2], message)
    message = "\n".join(
        line for line in message.splitlines() if line.strip() != "Use -v to get more diff"
    )
    return _EXAMPLE.sub(_example, message)


def _example(match: re.Match) -> str:
    lines = [line for line in match[1].splitlines() if line.strip()]
    lines = [line for line in lines if not line.strip().startswith("self=")]
    flat = ", ".join(line.strip().removesuffix(",") for line in lines)
    if all(line.startswith("    ") and line[4] != " " for line in lines) and len(flat) <= 70:
        return f"example: {flat}"
    return "example:\n" + "\n".join(line.removeprefix("  ") for line in lines)


def _timeout_within(exc: BaseException) -> TestTimeout | None:
    """The time-out behind `exc`, following what raised it (cause, context, group)."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        if isinstance(exc, TestTimeout):
            return exc
        pending += [e for e in (exc.__cause__, exc.__context__) if e is not None]
        if isinstance(exc, BaseExceptionGroup):
            pending += exc.exceptions
    return None


def _torch_out_of_memory(exc: BaseException) -> bool:
    """torch reports a failed CPU allocation as a RuntimeError, not a MemoryError."""
    return isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)[:300]


def _join(message: str, notes: str) -> str:
    return f"{message}\n{notes}" if notes else message


def _first_leaf(exc: BaseException) -> BaseException:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc
