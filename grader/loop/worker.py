"""The warm worker: a process that imports once and forks a clean child per run.

Starting Python and importing pytest, hypothesis and torch is most of a check's time
(torch alone takes seconds). A worker has done those imports; for every run it forks a
child, which starts with the imports already in memory, runs `pytest.main` with the
plugin and the report pipe exactly as `learn check`'s child would, and exits. Nothing
the learner's code does survives into the next run: it only ever runs in a child, which
is thrown away, and the worker itself never imports the learner's modules or the
lesson's tests.

- A worker is its own process: `learn watch` runs the file watcher's thread, and forking
  a multi-threaded process is unsafe. It never touches a GPU either (a forked child
  initialises CUDA itself, as a DataLoader worker does).
- It learns: each child reports the library modules it had to import (sympy, say, the
  first time a test touches torch's symbolic shapes), and the worker imports them
  before the next run. Everything imported is then frozen (`gc.freeze`), so a child's
  garbage collection neither walks nor copies the worker's objects.
- A run can put one exercise's tests first, and a run can be cancelled (SIGUSR1: a newer
  save made it stale): its child is killed at once.
- Forking is used on Linux only (macOS's system libraries are not fork-safe).

Its clients (`grader.loop.clients`) speak `grader.loop.protocol` to it: over a pipe for
`learn watch` (`python -m grader.loop.worker`), over a socket for `learn check`
(`grader.loop.daemon`).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from grader.course import Course, CourseError, Lesson
from grader.loop import protocol
from grader.runner import TEST_PROCESS

# Imported by the worker before the first run; every child starts with them loaded.
PRELOAD = (
    "pytest",
    "_pytest.python",
    "_pytest.fixtures",
    "_pytest.terminal",
    "_pytest.capture",
    "_pytest.assertion.rewrite",
    "_pytest.faulthandler",
    "_pytest.skipping",
    "_pytest.unraisableexception",
    "_pytest.threadexception",
    "_pytest.warnings",
    "pdb",
    "hypothesis",
    "hypothesis.strategies",
    "_hypothesis_pytestplugin",
    "grader.plugin",
    "grader.testkit",
)

FORK_SUPPORTED = sys.platform.startswith("linux") and hasattr(os, "fork")
FIRST = "LEARN_FIRST_EXERCISE"  # environment variable: the exercise whose tests run first


class ClientGone(Exception):
    """Whoever asked for the run stopped listening: the run is abandoned."""


def lesson_preload(course: Course, lesson: Lesson) -> list[str]:
    """What a worker for this lesson imports beyond PRELOAD: torch, if the lesson's tests
    or the learner's files import it."""
    for folder in (course.tests_dir / lesson.id, course.exercises_dir / lesson.id):
        for path in folder.rglob("*.py") if folder.is_dir() else ():
            with contextlib.suppress(OSError, UnicodeDecodeError):
                text = path.read_text(encoding="utf-8")
                if "import torch" in text or "from torch" in text:
                    return ["torch"]
    return []


class Worker:
    """One worker process: its children running now (killed on cancel and on exit), the
    library modules its runs imported (imported before the next), its channels to its
    clients (closed in every child), and whether the run in progress was cancelled."""

    def __init__(self) -> None:
        self.children: set[int] = set()
        self.learned: set[str] = set()
        self.private_fds: list[int] = []
        self.library_roots: tuple[str, ...] = ()
        self.cancelled = False

    @contextlib.contextmanager
    def private(self, fd: int) -> Iterator[None]:
        """While in this block, `fd` (a client's channel) is closed in every child."""
        self.private_fds.append(fd)
        try:
            yield
        finally:
            self.private_fds.remove(fd)

    def fork_spawn(
        self, args: list[str], *, env: dict, cwd: Path, pass_fd: int, output: IO
    ) -> Forked:
        """Fork a child that runs `python <args>` (args start with TEST_PROCESS) in-process."""
        start = len(TEST_PROCESS)
        if args[:start] != TEST_PROCESS:
            raise ValueError(f"fork_spawn runs pytest only, not {args[:start]}")
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # or the child would repeat what is still buffered
        modules_read, modules_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which leaves by os._exit
            if self.cancelled:  # a cancelled run: report nothing, so the runner gives up
                os._exit(1)
            os.close(modules_read)
            _child(args[start:], env, Path(cwd), output, modules_write, self)
        os.close(modules_write)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # also done by the child: whichever runs first wins the race
        self.children.add(pid)
        if self.cancelled:
            _kill(pid)
        return Forked(self, pid, modules_read)

    def take_signals(self) -> None:
        """SIGUSR1 cancels the run in progress, SIGTERM stops it all, Ctrl-C is the client's."""

        def cancel(signum, frame) -> None:
            self.cancelled = True
            for pid in list(self.children):
                _kill(pid)

        def stop(signum, frame) -> None:
            for pid in list(self.children):
                _kill(pid)
            os._exit(0)

        signal.signal(signal.SIGUSR1, cancel)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def preload(self, names: Iterable[str] = ()) -> None:
        """The imports every child will share: pytest's and hypothesis's, and `names`."""
        self.library_roots = _find_library_roots()
        _preload((*PRELOAD, *names))

    def handle(self, line: str, send: Callable[[dict], None]) -> None:
        """Run one request (a JSON line), sending its records and then its result or error."""
        from grader import course as course_mod
        from grader.runner import run_lesson

        ident = None
        try:
            request = protocol.Request.from_line(line)
            ident = request.id
            self.cancelled = False
            course = course_mod.load(Path(request.root))
            lesson = course.lesson(request.lesson)

            def forward(record: dict) -> None:
                send(protocol.record(ident, record))

            options = request.run_options(on_record=forward, spawn=self.fork_spawn)
            if request.first:
                options.env[FIRST] = request.first
            result = run_lesson(course, lesson, Path(request.target), options)
            send(protocol.cancelled(ident) if self.cancelled else protocol.result(ident, result))
        except ClientGone:
            raise
        except CourseError as exc:
            send(protocol.error(ident, str(exc)))
        except Exception:
            send(protocol.error(ident, traceback.format_exc(limit=-3)))
        _preload(sorted(self.learned - set(sys.modules)))

    def serve_pipe(self, modules: Iterable[str] = ()) -> None:
        """`learn watch`'s worker: one request per line on stdin, events on stdout."""
        channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
        os.dup2(2, 1)  # whatever an import prints goes to the log, never into the channel
        self.private_fds.append(channel.fileno())  # for the worker's whole life

        def send(event: dict) -> None:
            channel.write(protocol.line(event))

        self.take_signals()
        send(protocol.READY)  # from now on SIGUSR1 cancels rather than kills
        self.preload(modules)
        for line in sys.stdin:
            self.handle(line, send)


class Forked:
    """What the runner needs of a child process: its pid (= process group) and wait()."""

    def __init__(self, worker: Worker, pid: int, modules_fd: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._worker = worker
        self._modules_fd = modules_fd

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
            self._worker.children.discard(self.pid)
            self._worker.learned.update(self._read_modules())
        return self.returncode

    def _read_modules(self) -> list[str]:
        """The library modules the child imported that the worker had not (see _child)."""
        data = b""
        with contextlib.suppress(OSError):
            os.set_blocking(self._modules_fd, False)
            while chunk := os.read(self._modules_fd, 65536):
                data += chunk
        with contextlib.suppress(OSError):
            os.close(self._modules_fd)
        try:
            names = json.loads(data)
        except ValueError:
            return []
        return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def _child(
    pytest_args: list[str], env: dict, cwd: Path, output: IO, modules_fd: int, worker: Worker
) -> None:  # pragma: no cover - runs in the forked child
    code = 70
    before = set(sys.modules)
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # its own process group: the runner kills the group
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a fresh interpreter
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGUSR1, signal.SIG_DFL)
        for fd in worker.private_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.dont_write_bytecode = bool(env.get("PYTHONDONTWRITEBYTECODE"))
        sys.path.insert(0, str(cwd))  # as `python -m pytest` run in cwd would have it
        sys.argv = [sys.argv[0]]
        import pytest

        plugins = [_FirstExercise(env[FIRST])] if env.get(FIRST) else []
        code = int(pytest.main(pytest_args, plugins=plugins))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    try:  # tell the worker which library modules to import before the next run
        imported = set(sys.modules) - before
        learned = json.dumps(_library_modules(imported, worker.library_roots)).encode()
        if len(learned) < 60000:  # what a pipe holds with nobody reading yet
            os.write(modules_fd, learned)
    except BaseException:
        pass
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


class _FirstExercise:
    """A pytest plugin (an object, passed to pytest.main) running one exercise's tests first."""

    def __init__(self, name: str) -> None:
        self.name = name

    def pytest_collection_modifyitems(self, items: list) -> None:
        def later(item) -> bool:
            marker = item.get_closest_marker("exercise")
            return not (marker and marker.args and marker.args[0] == self.name)

        items.sort(key=later)  # stable: each group keeps its own order


def _library_modules(names: Iterable[str], roots: tuple[str, ...]) -> list[str]:
    """Those of `names` that come from Python's own library or site-packages."""
    found = []
    for name in sorted(names):
        spec = getattr(sys.modules.get(name), "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        if origin == "built-in" or (roots and origin.startswith(roots)):
            found.append(name)
    return found


def _preload(names: Iterable[str]) -> None:
    """Import what every child will need, then freeze it: a child's garbage collections
    then skip these objects, instead of touching (and so copying) every page of them."""
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in names:
            if name not in sys.modules:
                with contextlib.suppress(Exception):
                    importlib.import_module(name)
    gc.collect()
    gc.freeze()


def _find_library_roots() -> tuple[str, ...]:
    import sysconfig

    roots = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_path(key)
        if path:
            roots.update({os.path.join(path, ""), os.path.join(os.path.realpath(path), "")})
    return tuple(sorted(roots))


if __name__ == "__main__":
    Worker().serve_pipe(sys.argv[1:])
