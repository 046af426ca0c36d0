"""The clients of a warm worker (`grader.loop.worker`), and the runner without one.

Every runner has one interface: `start()` a run with its `RunOptions`, `poll()` its
events (`grader.loop.protocol`), `cancel()`, `close()`; `run()` does the three in one
for callers that just want the result. `WarmRunner` starts a worker of its own, for
`learn watch`; `grader.loop.daemon.SocketRunner` reaches the course's shared one, for
`learn check`; `PlainRunner` starts a fresh interpreter per run, where forking is not
safe (not Linux).
"""

from __future__ import annotations

import contextlib
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

from grader.course import Course, CourseError, Lesson
from grader.loop import protocol
from grader.loop.worker import FORK_SUPPORTED, lesson_preload
from grader.results import LessonResult
from grader.runner import RunOptions


class WorkerGone(Exception):
    """The warm process died (or could not start)."""


class Runs:
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
            if event.get("event") in protocol.ENDS and event.get("id") in (self.active, None):
                self.active = None
        return found

    def run(
        self, lesson: Lesson, target: Path, options: RunOptions, first: str | None = None
    ) -> LessonResult:
        """Start a run and wait for its result (its records go to `options.on_record`)."""
        on_record = options.on_record
        ident = self.start(lesson, target, options, first=first)
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

    def pump(self, lines: Iterable[str], on_ready: Callable[[], None] = lambda: None) -> None:
        """Queue the events a worker sends, one JSON line each, until it stops."""
        with contextlib.suppress(OSError, ValueError):
            protocol.read_events(lines, self.events.put, on_ready)

    def start(
        self, lesson: Lesson, target: Path, options: RunOptions, first: str | None = None
    ) -> int:
        raise NotImplementedError

    def cancel(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteRunner(Runs):
    """A runner whose runs go as JSON lines to a worker process (see `handle`)."""

    warm = True

    def __init__(self, root: Path, pid: int, ready: bool = False) -> None:
        super().__init__()
        self.root = root
        self.pid = pid
        self.ready = threading.Event()  # the worker's signal handlers are in place
        if ready:
            self.ready.set()

    def _write(self, line: str) -> None:
        raise NotImplementedError

    def start(
        self, lesson: Lesson, target: Path, options: RunOptions, first: str | None = None
    ) -> int:
        ident = self._new_id()
        request = protocol.Request.for_run(ident, self.root, lesson.id, target, options, first)
        try:
            self._write(request.to_line())
        except (OSError, ValueError) as exc:
            self.events.put({"event": "gone", "message": f"lost the warm process: {exc}"})
        return ident

    def cancel(self) -> None:
        """Abandon the run in progress: its child is killed and it ends as "cancelled".

        Before the worker is ready (its handler in place) the run has not begun: it then
        simply runs to its end, and its result is ignored."""
        if self.active is not None and self.ready.is_set():
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGUSR1)


class WarmRunner(RemoteRunner):
    """Runs in a warm worker process of its own, for `learn watch` (see the module's
    docstring)."""

    def __init__(self, root: Path, preload: Iterable[str] = (), python: str | None = None):
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - the worker's stderr, kept open
        try:
            self._proc = subprocess.Popen(
                [python or sys.executable, "-P", "-m", "grader.loop.worker", *preload],
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
        self.pump(self._proc.stdout, on_ready=self.ready.set)
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


class PlainRunner(Runs):
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
        self, lesson: Lesson, target: Path, options: RunOptions, first: str | None = None
    ) -> int:
        from dataclasses import replace

        from grader import course as course_mod
        from grader.runner import parallel_shares, run_lesson

        if self._thread is not None:
            self._thread.join()  # one run at a time, as in the worker
        ident = self._new_id()

        def work() -> None:
            mine = replace(
                options,
                on_record=lambda r: self.events.put(protocol.record(ident, r)),
                spawn=self._spawn_for(ident),
                shares=parallel_shares(),
            )
            try:
                course = course_mod.load(self.root)
                result = run_lesson(course, course.lesson(lesson.id), target, mine)
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


def make_runner(course: Course, lesson: Lesson, fork: bool = FORK_SUPPORTED) -> Runs:
    """The warm runner where forking is safe, else the plain one."""
    if fork:
        with contextlib.suppress(WorkerGone):
            return WarmRunner(course.root, preload=lesson_preload(course, lesson))
    return PlainRunner(course.root)
