"""A warm worker that outlives `learn check`, so the next check skips the start-up.

Most of a check's time goes on starting Python and importing pytest, hypothesis and,
in the torch lessons, torch. So after a check `learn` leaves behind the worker that
`learn watch` uses (`grader.loop.worker`): it has done those imports, listens on a socket,
and runs each later check of the same course in a child forked for that check alone.
It never imports the learner's code or the lesson's tests, so nothing carries over from
one check to the next, exactly as with `learn watch`.

- One worker per course, user and environment: the socket's name holds a digest of
  the course root, the interpreter, PYTHONPATH, the grader's files and the installed
  packages. Edit the grader or install a package and the old worker is simply never
  found again (it leaves when its idle time is up).
- It is an abstract Unix socket (Linux): no file to leave behind, and the name can be
  bound by one process only. It serves the user who started it and nobody else.
- It exits after LEARN_WARM seconds without a check (600 unless set);
  LEARN_WARM=0 turns it off, and every check starts a fresh interpreter.
- A check never depends on it: if none answers within HELLO_WAIT, or it goes away
  mid-run, the check runs in a fresh interpreter as before, and starts one for next
  time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Iterable
from pathlib import Path

import grader
from grader.course import Course, Lesson
from grader.loop import protocol
from grader.loop.clients import RemoteRunner, WorkerGone
from grader.loop.worker import FORK_SUPPORTED, ClientGone, Worker, lesson_preload
from grader.results import LessonResult
from grader.runner import RunOptions, run_lesson

IDLE = 600.0  # seconds without a check before the worker exits
HELLO_WAIT = 3.0  # seconds a check waits for the worker to answer before going cold
SEND_WAIT = 30.0  # seconds the worker waits on a check that stopped reading or writing


def idle_limit() -> float:
    """LEARN_WARM: the worker's idle seconds (0: no worker). A bad value is the default."""
    try:
        return max(0.0, float(os.environ.get("LEARN_WARM", IDLE)))
    except ValueError:
        return IDLE


def address(course: Course) -> str:
    """The worker's abstract socket name for this course, user and environment."""
    digest = hashlib.sha256()
    stamps = [str(course.root.resolve()), sys.executable, sys.version]
    stamps.append(os.environ.get("PYTHONPATH", ""))  # the worker's sys.path came from it
    for path in grader.source_files():
        stat = path.stat()
        stamps.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    for key in ("purelib", "platlib"):
        with contextlib.suppress(OSError):
            stamps.append(str(os.stat(sysconfig.get_path(key)).st_mtime_ns))
    digest.update("\n".join(stamps).encode())
    return f"\0learn-warm-{os.getuid()}-{digest.hexdigest()[:24]}"


def check(course: Course, lesson: Lesson, target: Path, options: RunOptions) -> LessonResult:
    """`run_lesson`, in the course's warm worker when one answers; else in a fresh
    interpreter, leaving a worker started for the next check."""
    idle = idle_limit()
    if not idle or not FORK_SUPPORTED:
        return run_lesson(course, lesson, target, options)
    runner = connect(course)
    if runner is not None:
        with runner, contextlib.suppress(WorkerGone):
            return runner.run(lesson, target, options)
    result = run_lesson(course, lesson, target, options)
    start(course, lesson, idle)
    return result


class SocketRunner(RemoteRunner):
    """Runs in the course's warm worker, reached through its socket."""

    def __init__(self, course: Course, sock: socket.socket, stream, pid: int) -> None:
        super().__init__(course.root, pid, ready=True)  # it said hello: its handlers are set
        self._sock = sock
        self._stream = stream
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        self.pump(self._stream)
        self.events.put({"event": "gone", "message": "the warm process hung up"})

    def _write(self, line: str) -> None:
        self._stream.write(line)
        self._stream.flush()

    def close(self) -> None:
        """Hang up, cancelling a run still going (Ctrl-C); the worker stays."""
        self.cancel()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._reader.join(timeout=2)
        with contextlib.suppress(OSError):
            self._stream.close()
            self._sock.close()


def connect(course: Course) -> SocketRunner | None:
    """The course's warm worker, if one is listening and says hello in time."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(HELLO_WAIT)
    try:
        sock.connect(address(course))
        stream = sock.makefile("rw", encoding="utf-8", newline="\n")
        hello = json.loads(stream.readline())
        pid = int(hello["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        sock.close()
        return None
    sock.settimeout(None)
    return SocketRunner(course, sock, stream, pid)


def start(course: Course, lesson: Lesson, idle: float) -> None:
    """Start a worker for the course in the background; it outlives this process."""
    preload = lesson_preload(course, lesson)
    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-P", "-m", __name__, address(course)[1:], str(idle), *preload],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            cwd=course.root, start_new_session=True,
            env={"OMP_NUM_THREADS": "1", **os.environ},
        )  # fmt: skip


def listen(name: str, idle: float, modules: Iterable[str]) -> None:
    """The worker: bind the name (or leave, if another worker has it), import, serve."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind("\0" + name)
    except OSError:
        return  # a worker for this course is already there
    worker = Worker()
    worker.take_signals()
    worker.preload(modules)
    server.listen(8)
    server.settimeout(idle)
    with worker.private(server.fileno()):
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                return
            with conn, worker.private(conn.fileno()):
                if _same_user(conn):
                    _serve(worker, conn)


def _same_user(conn: socket.socket) -> bool:
    """An abstract socket has no file permissions: only our own user may run checks."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _, uid, _ = struct.unpack("3i", creds)
    return uid == os.getuid()


def _serve(worker: Worker, conn: socket.socket) -> None:
    conn.settimeout(SEND_WAIT)
    stream = conn.makefile("rw", encoding="utf-8", newline="\n")

    def send(event: dict) -> None:
        try:
            stream.write(protocol.line(event))
            stream.flush()
        except OSError as exc:
            raise ClientGone() from exc

    with contextlib.suppress(OSError, ClientGone):
        send({"event": "hello", "pid": os.getpid()})
        for line in stream:
            worker.handle(line, send)


if __name__ == "__main__":
    listen(sys.argv[1], float(sys.argv[2]), sys.argv[3:])
