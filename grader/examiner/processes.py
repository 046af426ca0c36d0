"""The processes of one graded job: its cgroups, its user's processes, the orphans
that come back to the grader, and one way to kill them all that both the grader and
the judge (grader.remote's cleanup) use."""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

# The C library the interpreter runs on, found without a search: find_library() runs
# ldconfig in a subprocess (40 ms or more), which every sandbox and judge would pay.
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36
PR_SET_DUMPABLE = 4


class Cgroups:
    """cgroup v1 (pids, memory) or v2 folders for the jobs, where this machine allows."""

    def __init__(self, bases: dict[str, Path], version: int) -> None:
        self.bases = bases  # controller -> our folder for this grading run
        self.version = version

    @classmethod
    def create(cls, name: str) -> Cgroups | None:
        if os.geteuid() != 0:
            return None
        with contextlib.suppress(OSError):
            found = cls._v1(name) or cls._v2(name)
            if found:
                return found
        return None

    @staticmethod
    def _own(controller: str) -> str | None:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(",") or (controller == "" and controllers == ""):
                return path
        return None

    @classmethod
    def _v1(cls, name: str) -> Cgroups | None:
        bases = {}
        for controller in ("pids", "memory", "cpu"):
            mount = Path("/sys/fs/cgroup") / controller
            own = cls._own(controller)
            if own is None or not (mount / "cgroup.procs").exists():
                continue
            base = mount / own.lstrip("/") / name
            try:
                base.mkdir()
            except OSError:
                continue
            bases[controller] = base
        if "pids" not in bases:
            for base in bases.values():
                with contextlib.suppress(OSError):
                    base.rmdir()
            return None
        return cls(bases, 1)

    @classmethod
    def _v2(cls, name: str) -> Cgroups | None:
        root = Path("/sys/fs/cgroup")
        if not (root / "cgroup.controllers").exists():
            return None
        own = cls._own("")
        if own is None:
            return None
        parent = root / own.lstrip("/")
        if "pids" not in (parent / "cgroup.controllers").read_text().split():
            return None
        base = parent / name
        base.mkdir()
        try:
            (parent / "cgroup.subtree_control").write_text("+pids +memory +cpu")
            (base / "cgroup.subtree_control").write_text("+pids +memory +cpu")
        except OSError:
            base.rmdir()
            return None
        return cls({"unified": base}, 2)

    def job(self, name: str, processes: int, memory: int) -> list[Path]:
        made = []
        for controller, base in self.bases.items():
            path = base / name
            path.mkdir(exist_ok=True)
            made.append(path)
            if controller in ("pids", "unified"):
                (path / "pids.max").write_text(str(processes))
            if self.version == 1 and controller == "memory":
                (path / "memory.limit_in_bytes").write_text(str(memory))
                with contextlib.suppress(OSError):
                    (path / "memory.memsw.limit_in_bytes").write_text(str(memory))
            if self.version == 1 and controller == "cpu":  # one core: no job starves another
                with contextlib.suppress(OSError):
                    (path / "cpu.cfs_period_us").write_text("100000")
                    (path / "cpu.cfs_quota_us").write_text("100000")
            if self.version == 2:
                with contextlib.suppress(OSError):
                    (path / "memory.max").write_text(str(memory))
                    (path / "memory.swap.max").write_text("0")
                with contextlib.suppress(OSError):
                    (path / "cpu.max").write_text("100000 100000")
        return made

    @staticmethod
    def procs(paths: list[Path]) -> set[int]:
        found: set[int] = set()
        for path in paths:
            with contextlib.suppress(OSError):
                found.update(int(p) for p in (path / "cgroup.procs").read_text().split())
        return found

    @staticmethod
    def oom_kills(paths: list[Path]) -> int:
        total = 0
        for path in paths:
            for name in ("memory.oom_control", "memory.events"):
                with contextlib.suppress(OSError):
                    for line in (path / name).read_text().splitlines():
                        key, _, value = line.partition(" ")
                        if key == "oom_kill":
                            total += int(value)
        return total

    @property
    def controllers(self) -> str:
        if self.version == 2:
            return "pids, memory, cpu (one core)"
        names = {"pids": "pids", "memory": "memory", "cpu": "cpu (one core)"}
        return ", ".join(names[c] for c in self.bases)

    def remove(self, paths: list[Path]) -> None:
        for path in paths:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    kill_all(self.procs([path]))
                    time.sleep(0.02)

    def close(self) -> None:
        for base in self.bases.values():
            for child in base.iterdir() if base.exists() else ():
                if child.is_dir():
                    self.remove([child])
            with contextlib.suppress(OSError):
                base.rmdir()


def kill_all(pids: set[int] | list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def proc_entries():
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            yield int(entry.name)


def uid_of(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def processes_of_user(uid: int) -> list[int]:
    return [pid for pid in proc_entries() if uid_of(pid) == uid]


def has_marker(pid: int, marker: bytes) -> bool:
    try:
        return marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _stat(pid: int, index: int) -> int | None:
    """A number of /proc/PID/stat, counted after the command name (which may hold ")")."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[index])
    except (OSError, ValueError, IndexError):
        return None


def ppid_of(pid: int) -> int | None:
    return _stat(pid, 1)


def started_at(pid: int) -> int | None:
    """When the process started (clock ticks since boot): with its pid, names it for good."""
    return _stat(pid, 19)


class Stopped(Exception):
    """Grading was stopped: no test process starts any more (not a judge's restart)."""


class Children:
    """The grader's own test processes, so reaping orphans never takes one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pids: set[int] = set()
        self._stopped = False
        self._before: dict[int, int | None] = {}  # pid -> start of the host's own children

    def keep_existing(self) -> None:
        """Called before this process becomes a subreaper: the children it already has
        are its own (a tool that grades as a library, a test run's browser), not orphans
        of a submission, and reaping leaves them alone."""
        me = os.getpid()
        with self._lock:
            self._before = {p: started_at(p) for p in proc_entries() if ppid_of(p) == me}

    def start(self, *args, **kwargs) -> subprocess.Popen:
        """Popen, and track the child before any other thread can take it for an orphan."""
        with self._lock:
            if self._stopped:
                raise Stopped("grading was stopped")
            child = subprocess.Popen(*args, **kwargs)
            self._pids.add(child.pid)
            return child

    def fork(self) -> int:
        """os.fork, the child tracked (in the parent) before any thread can take it for
        an orphan; the caller waits for it and discards it."""
        with self._lock:
            if self._stopped:
                raise Stopped("grading was stopped")
            pid = os.fork()
            if pid:
                self._pids.add(pid)
            return pid

    def pids(self) -> set[int]:
        with self._lock:
            return set(self._pids)

    def stop(self) -> set[int]:
        """No child starts from now on; those that run, to be killed."""
        with self._lock:
            self._stopped = True
            return set(self._pids)

    def discard(self, pid: int) -> None:
        with self._lock:
            self._pids.discard(pid)

    def reap_orphans(self) -> None:
        """Kill and reap processes that were re-parented to the grader (a subreaper)."""
        with self._lock:  # no child is being started while we look
            own = {p for p, start in self._before.items() if start and started_at(p) == start}
            kill_orphans(self._pids | own)


def kill_orphans(keep: set[int] = frozenset()) -> None:
    """Kill the children of this process (a subreaper) other than `keep`, with all
    their descendants, and reap them; again until a scan finds none, as a chain of
    processes that fork and exit keeps handing new orphans over."""
    me = os.getpid()
    for _ in range(200):
        parents = {pid: ppid_of(pid) for pid in proc_entries()}
        doomed = {pid for pid, parent in parents.items() if parent == me and pid not in keep}
        grown = True
        while grown:
            more = {pid for pid, parent in parents.items() if parent in doomed} - doomed
            grown = bool(more)
            doomed |= more
        if not doomed:
            return
        kill_all(doomed)
        for pid in doomed:
            if parents.get(pid) == me:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
        time.sleep(0.005)


def become_subreaper(on: bool) -> bool:
    """Orphans of the graded processes come back to the grader, not to init."""
    return _libc.prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0) == 0


KEYCTL = {"x86_64": 250, "aarch64": 219}.get(platform.machine())
KEYCTL_CLEAR, KEYCTL_GET_PERSISTENT = 7, 22
KEY_SPEC_PROCESS, KEY_SPEC_USER, KEY_SPEC_USER_SESSION = -2, -4, -5


def clear_keyrings(uid: int, children: Children) -> None:
    """Empty the keyrings the kernel keeps per user (its user and user-session keyrings
    and its persistent keyring): they outlive every process of a sandbox user and would
    carry data to the next job in the slot. A forked child becomes that user for it
    (the interpreter itself may not be reachable by the user) and only makes syscalls."""
    if KEYCTL is None:
        return
    syscall = _libc.syscall
    pid = children.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            for ring in (KEY_SPEC_USER, KEY_SPEC_USER_SESSION):
                syscall(KEYCTL, KEYCTL_CLEAR, ring)
            persistent = syscall(KEYCTL, KEYCTL_GET_PERSISTENT, -1, KEY_SPEC_PROCESS)
            if persistent > 0:
                syscall(KEYCTL, KEYCTL_CLEAR, persistent)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    children.discard(pid)


def undumpable() -> None:
    """No process of the same user may read this one's memory, environment or open
    files through /proc or ptrace (a sandbox without a user of its own runs as us)."""
    _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def kill_job(cgroups: list[Path], uid: int | None, marker: str | None) -> None:
    """Kill every process of a job until a scan comes back empty: its cgroups' members,
    every process of its user (also those that left the group with setsid), and, where
    neither exists, every process whose environment carries the job's marker."""
    me = os.getpid()
    for _ in range(200):
        left: set[int] = set()
        if cgroups:
            left |= Cgroups.procs(cgroups)
        if uid is not None:
            left |= set(processes_of_user(uid))
        elif marker:
            tag = marker.encode()
            left |= {p for p in proc_entries() if p != me and has_marker(p, tag)}
        if not left:
            return
        kill_all(left)
        time.sleep(0.005)


def job_cleanup(spec: dict) -> Callable[[int], None]:
    """What the judge calls after it ended a sandbox process (see grader.remote)."""
    cgroups = [Path(p) for p in spec.get("cgroups", [])]

    def cleanup(pid: int) -> None:
        kill_job(cgroups, spec.get("uid"), spec.get("marker"))
        kill_orphans()  # what the sandbox left, whatever its user, session or environment

    return cleanup
