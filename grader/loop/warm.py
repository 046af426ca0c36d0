"""Runs for `learn watch`: a warm process that imports once and forks a clean child per run.

Starting Python and importing pytest, hypothesis and torch is most of a check's time
(torch alone takes seconds). `learn watch` keeps one worker process that has done
those imports; for every run the runner asks it to `fork_spawn` a child, which starts
with the imports already in memory, runs `pytest.main` with the plugin and the report
pipe exactly as `learn check`'s child would, and exits. Nothing the learner's code does
survives into the next run: it only ever runs in a child, which is thrown away, and the
worker itself never imports the learner's modules or the lesson's tests.

- The worker is its own process, not `learn watch`'s: that one runs the file watcher's
  thread, and forking a multi-threaded process is unsafe. The worker never touches a
  GPU either (a forked child initialises CUDA itself, as a DataLoader worker does).
- It learns: each child reports the library modules it had to import (sympy, say, the
  first time a test touches torch's symbolic shapes), and the worker imports them
  before the next run. Everything imported is then frozen (`gc.freeze`), so a child's
  garbage collection neither walks nor copies the worker's objects.
- A run can put one exercise's tests first (`first=`), so `learn watch` can show the
  exercise being worked on as soon as its own tests are done; and a run can be
  cancelled (a newer save makes it stale): its child is killed at once.
- Forking is used on Linux only (macOS's system libraries are not fork-safe);
  elsewhere `PlainRunner` starts a fresh interpreter per run, through the same runner.

Both runners have one interface: `start()` a run, `poll()` its events, `cancel()`,
`close()`; `run()` does the three in one for callers that just want the result.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from grader.course import Course, CourseError, Lesson
from grader.results import LessonResult

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


class WorkerGone(Exception):
    """The warm process died (or could not start)."""


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


# ------------------------------------------------------------ the worker: forking children


class Forked:
    """What the runner needs of a child process: its pid (= process group) and wait()."""

    def __init__(self, pid: int, modules_fd: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._modules_fd = modules_fd

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
            _children.discard(self.pid)
            _learned.update(self._read_modules())
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


_children: set[int] = set()  # children running now, killed on cancel and on exit
_learned: set[str] = set()  # library modules the runs imported: the worker imports them next
private_fds: list[int] = []  # the worker's channels to its clients: closed in every child
_library_roots: tuple[str, ...] = ()
_cancelled = False


def fork_spawn(args: list[str], *, env: dict, cwd: Path, pass_fd: int, output: IO) -> Forked:
    """Fork a child that runs `python <args>` (args start with "-m", "pytest") in-process."""
    if args[:2] != ["-m", "pytest"]:
        raise ValueError(f"fork_spawn runs pytest only, not {args[:2]}")
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or the child would repeat what is still buffered
    modules_read, modules_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which leaves by os._exit
        if _cancelled:  # a cancelled run: report nothing, so the runner gives up at once
            os._exit(1)
        os.close(modules_read)
        _child(args[2:], env, Path(cwd), output, modules_write)
    os.close(modules_write)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)  # also done by the child: whichever runs first wins the race
    _children.add(pid)
    if _cancelled:
        _kill(pid)
    return Forked(pid, modules_read)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def _child(
    pytest_args: list[str], env: dict, cwd: Path, output: IO, modules_fd: int
) -> None:  # pragma: no cover - runs in the forked child
    code = 70
    before = set(sys.modules)
    try:
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)  # its own process group: the runner kills the group
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a fresh interpreter
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGUSR1, signal.SIG_DFL)
        for fd in private_fds:
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
        learned = json.dumps(_library_modules(set(sys.modules) - before)).encode()
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


def _library_modules(names: Iterable[str]) -> list[str]:
    """Those of `names` that come from Python's own library or site-packages."""
    found = []
    for name in sorted(names):
        spec = getattr(sys.modules.get(name), "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        if origin == "built-in" or (_library_roots and origin.startswith(_library_roots)):
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


def take_signals() -> None:
    """A worker's signals: SIGUSR1 cancels the run in progress, SIGTERM stops it all."""

    def cancel(signum, frame) -> None:
        global _cancelled
        _cancelled = True
        for pid in list(_children):
            _kill(pid)

    def stop(signum, frame) -> None:
        for pid in list(_children):
            _kill(pid)
        os._exit(0)

    signal.signal(signal.SIGUSR1, cancel)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the client to handle


def preload(names: Iterable[str] = ()) -> None:
    """The imports every child will share: pytest's and hypothesis's, and `names`."""
    global _library_roots
    _library_roots = _find_library_roots()
    _preload((*PRELOAD, *names))


def handle(line: str, send: Callable[[dict], None]) -> None:
    """Run one request (a JSON line), sending its records and then its result or error."""
    global _cancelled
    from grader import course as course_mod
    from grader.runner import RunOptions, parallel_shares, run_lesson

    request: dict = {}
    try:
        request = json.loads(line)
        _cancelled = False
        _preload(request.get("preload", ()))
        course = course_mod.load(Path(request["root"]))
        lesson = course.lesson(request["lesson"])
        env = dict(request.get("env") or os.environ)  # the client's, for its children
        if request.get("first"):
            env[FIRST] = request["first"]
        ident = request.get("id")

        def forward(record: dict, ident=ident) -> None:
            send({"id": ident, "event": "record", "record": record})

        options = RunOptions(
            timeout=float(request.get("timeout", 10.0)),
            env=env,
            on_record=forward,
            spawn=fork_spawn,
            shares=parallel_shares(),
        )
        result = run_lesson(course, lesson, Path(request["target"]), options)
        if _cancelled:
            send({"id": ident, "event": "cancelled"})
        else:
            send({"id": ident, "event": "result", "result": result.to_dict()})
    except ClientGone:
        raise
    except CourseError as exc:
        send({"id": request.get("id"), "event": "error", "message": str(exc)})
    except Exception:
        message = traceback.format_exc(limit=-3)
        send({"id": request.get("id"), "event": "error", "message": message})
    _preload(sorted(_learned - set(sys.modules)))


def serve(modules: Iterable[str] = ()) -> None:
    """`learn watch`'s worker: one JSON request per line on stdin, events on stdout."""
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # whatever an import prints goes to the log, never into the channel
    private_fds.append(channel.fileno())

    def send(event: dict) -> None:
        channel.write(json.dumps(event) + "\n")

    take_signals()
    send({"event": "ready"})  # from now on SIGUSR1 cancels rather than kills
    preload(modules)
    for line in sys.stdin:
        handle(line, send)


# ------------------------------------------------------------ the client side


class _Runs:
    """What both runners share: run ids, an event queue, and `run()` built on them."""

    def __init__(self) -> None:
        self.events: queue.Queue[dict] = queue.Queue()
        self._next = 0
        self.active: int | None = None  # the id of the run not yet finished, if any

    def _new_id(self) -> int:
        self._next += 1
        self.active = self._next
        return self._next

    def poll(self, timeout: float | None = None) -> list[dict]:
        """Events that have arrived (waiting up to `timeout` s for the first, if given)."""
        found = []
        try:
            found.append(self.events.get(timeout=timeout) if timeout else self.events.get_nowait())
            while True:
                found.append(self.events.get_nowait())
        except queue.Empty:
            pass
        for event in found:
            if event.get("event") in ("result", "error", "cancelled", "gone") and event.get(
                "id"
            ) in (self.active, None):
                self.active = None
        return found

    def run(
        self,
        lesson: Lesson,
        target: Path,
        timeout: float = 10.0,
        on_record: Callable[[dict], None] | None = None,
        first: str | None = None,
    ) -> LessonResult:
        """Start a run and wait for its result."""
        ident = self.start(lesson, target, timeout=timeout, first=first)
        while True:
            for event in self.poll(timeout=3600):
                if event.get("id") not in (ident, None):
                    continue
                kind = event.get("event")
                if kind == "record" and on_record is not None:
                    on_record(event["record"])
                elif kind == "result":
                    return event["result"]
                elif kind == "error":
                    raise CourseError(event["message"])
                elif kind in ("gone", "cancelled"):
                    raise WorkerGone(event.get("message", kind))

    def _pump(self, lines: Iterable[str], on_ready: Callable[[], None] = lambda: None) -> None:
        """Queue the events a worker sends, one JSON line each, until it stops."""
        with contextlib.suppress(OSError, ValueError):
            for line in lines:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("event") == "ready":
                    on_ready()
                    continue
                if event.get("event") == "result":
                    event["result"] = LessonResult.from_dict(event["result"])
                self.events.put(event)

    def start(self, lesson: Lesson, target: Path, timeout: float = 10.0, first=None) -> int:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteRunner(_Runs):
    """A runner whose runs go as JSON lines to a worker process (see `handle`)."""

    warm = True

    def __init__(self, root: Path, pid: int) -> None:
        super().__init__()
        self.root = root
        self.pid = pid
        self._ready = threading.Event()

    def _write(self, line: str) -> None:
        raise NotImplementedError

    def start(
        self, lesson: Lesson, target: Path, timeout: float = 10.0, first: str | None = None
    ) -> int:
        ident = self._new_id()
        request = {
            "id": ident,
            "root": str(self.root),
            "lesson": lesson.id,
            "target": str(target),
            "timeout": timeout,
            "first": first,
            "env": dict(os.environ),
        }
        try:
            self._write(json.dumps(request) + "\n")
        except (OSError, ValueError) as exc:
            self.events.put({"event": "gone", "message": f"lost the warm process: {exc}"})
        return ident

    def cancel(self) -> None:
        """Abandon the run in progress: its child is killed and it ends as "cancelled".

        Before the worker is ready (its handler in place) the run has not begun: it then
        simply runs to its end, and its result is ignored."""
        if self.active is not None and self._ready.is_set():
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGUSR1)


class WarmRunner(RemoteRunner):
    """Runs in a warm worker process of its own, for `learn watch` (see the module's
    docstring)."""

    def __init__(self, root: Path, preload: Iterable[str] = (), python: str | None = None):
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's stderr, kept open
        try:
            self._proc = subprocess.Popen(
                [python or sys.executable, "-P", "-m", "grader.loop.warm", *preload],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
                cwd=root, start_new_session=True, text=True, encoding="utf-8",
                # as the runner sets for its children; OpenMP reads it when torch loads,
                # which is in the worker, before any child exists
                env={"OMP_NUM_THREADS": "1", **os.environ},
            )  # fmt: skip
        except OSError as exc:
            raise WorkerGone(f"could not start the warm process: {exc}") from None
        super().__init__(root, self._proc.pid)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        self._pump(self._proc.stdout, on_ready=self._ready.set)
        self.events.put({"event": "gone", "message": f"the warm process died: {self._tail()}"})

    def _tail(self) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._proc.wait(timeout=1)
            self._log.seek(0)
            lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
            return lines[-1] if lines else f"exit code {self._proc.returncode}"
        return "no output"

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def _write(self, line: str) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.write(line)
        self._proc.stdin.flush()

    def close(self) -> None:
        """Stop the worker and any child it is running; never raises."""
        with contextlib.suppress(OSError, ValueError):
            if self._proc.stdin:
                self._proc.stdin.close()
        if self._proc.poll() is None:
            with contextlib.suppress(OSError):
                self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
        self._reader.join(timeout=2)
        with contextlib.suppress(OSError, ValueError):
            self._log.close()


class PlainRunner(_Runs):
    """Runs as `learn check` does (a fresh interpreter per run), in a background thread."""

    warm = False

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        self._children: set[subprocess.Popen] = set()
        self._cancelled: set[int] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _spawn_for(self, ident: int):
        def spawn(args, *, env, cwd, pass_fd, output):
            with self._lock:
                cancelled = ident in self._cancelled
                command = [sys.executable, "-c", "pass"] if cancelled else [sys.executable, *args]
                child = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                    pass_fds=(pass_fd,), env=env, cwd=cwd, start_new_session=True,
                )  # fmt: skip
                self._children.add(child)
            return child

        return spawn

    def start(
        self, lesson: Lesson, target: Path, timeout: float = 10.0, first: str | None = None
    ) -> int:
        from grader import course as course_mod
        from grader.runner import RunOptions, parallel_shares, run_lesson

        if self._thread is not None:
            self._thread.join()  # one run at a time, as in the worker
        ident = self._new_id()

        def work() -> None:
            options = RunOptions(
                timeout=timeout,
                on_record=lambda r: self.events.put({"id": ident, "event": "record", "record": r}),
                spawn=self._spawn_for(ident),
                shares=parallel_shares(),
            )
            try:
                course = course_mod.load(self.root)
                result = run_lesson(course, course.lesson(lesson.id), target, options)
                event = {"id": ident, "event": "result", "result": result}
            except CourseError as exc:
                event = {"id": ident, "event": "error", "message": str(exc)}
            except Exception:
                event = {"id": ident, "event": "error", "message": traceback.format_exc(-3)}
            if ident in self._cancelled:
                event = {"id": ident, "event": "cancelled"}
            self.events.put(event)

        self._thread = threading.Thread(target=work, daemon=True)
        self._thread.start()
        return ident

    def _kill_children(self) -> None:
        with self._lock:
            for child in list(self._children):
                with contextlib.suppress(OSError):
                    os.killpg(child.pid, signal.SIGKILL)
                if child.poll() is not None:
                    self._children.discard(child)

    def cancel(self) -> None:
        if self.active is not None:
            with self._lock:
                self._cancelled.add(self.active)
            self._kill_children()

    def close(self) -> None:
        self.cancel()
        self._kill_children()
        if self._thread is not None:
            self._thread.join(timeout=5)


def make_runner(course: Course, lesson: Lesson, fork: bool = FORK_SUPPORTED) -> _Runs:
    """The warm runner where forking is safe, else the plain one."""
    if fork:
        with contextlib.suppress(WorkerGone):
            return WarmRunner(course.root, preload=lesson_preload(course, lesson))
    return PlainRunner(course.root)


if __name__ == "__main__":
    serve(sys.argv[1:])
