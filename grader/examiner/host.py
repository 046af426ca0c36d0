"""What the examiner may do on this machine: the limits a job runs under, the layers
of isolation the probe found (`Host`, written into every result), the sandbox users
and the folders of gradings that were killed outright."""

from __future__ import annotations

import os
import pwd
import shutil
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.examiner.processes import Cgroups, proc_entries, uid_of
from grader.runner import KILL_GRACE, WALL_FACTOR

UID_BASE = 61000  # the sandbox users: one per parallel slot, never a user of the machine


@dataclass
class Limits:
    """What one submission may use, per lesson."""

    timeout: float = 10.0  # seconds of CPU time per test (wall time: see wall_limit)
    lesson_timeout: float = 300.0  # seconds of wall time per lesson, restarts included
    memory_mb: int = 2048  # address space per process; the job's cgroup gets a bit more
    processes: int = 64  # processes and threads of the sandbox user
    file_mb: int = 64  # largest file it may write (its output included)
    open_files: int = 512
    scratch_mb: int = 256  # size of its private /tmp, where it has one

    def at_least(self, floors: tuple[tuple[str, float], ...]) -> Limits:
        """These limits, raised to what a lesson says it needs (course.toml)."""
        raised = {name: max(getattr(self, name), value) for name, value in floors}
        if "memory_mb" in raised:
            raised["memory_mb"] = int(raised["memory_mb"])
        return replace(self, **raised)

    @property
    def wall_limit(self) -> float:
        """Seconds of wall time a test may take before the grader kills its process."""
        return self.timeout * WALL_FACTOR + KILL_GRACE

    @property
    def lesson_message(self) -> str:
        return f"the lesson's time limit ({self.lesson_timeout:g} s) ran out"

    def describe(self, address_space: bool, processes: bool, cgroup_memory: bool = False) -> str:
        if address_space:
            memory = f"memory {self.memory_mb} MB/process"
        else:  # a GPU about: CUDA needs more address space than any limit would allow
            memory = "memory by cgroup only" if cgroup_memory else "memory NOT limited"
        count = f"{self.processes} processes" if processes else "processes NOT limited"
        return (
            f"test {self.timeout:g} s CPU ({self.wall_limit:g} s wall), "
            f"lesson {self.lesson_timeout:g} s, "
            f"cpu {self.lesson_timeout:g} s/process, {memory}, {count}, "
            f"files {self.file_mb} MB, {self.open_files} open files"
        )


@dataclass
class Host:
    """What this machine lets the examiner do, found once per grading run."""

    root: bool
    users: bool = False  # one unprivileged user per parallel slot
    namespaces: bool = False  # private mounts (secrets hidden, private /tmp), no network
    cgroups: Cgroups | None = None
    exposed: list[str] = field(default_factory=list)  # secrets the sandbox could still read
    warnings: list[str] = field(default_factory=list)

    def stamp(self, limits: Limits, hidden: bool, address_space: bool = True) -> str:
        parts = ["learn grade examiner"]
        if self.users:
            parts.append("user: a dedicated unprivileged user per job (no_new_privs)")
        else:
            who = "root" if self.root else "the grader's own user"
            parts.append(f"user: {who}, as the grader (no separate user)")
        if self.namespaces:
            parts.append(
                "namespaces: mount (only the system folders and the interpreter visible; "
                "solutions, submissions, output hidden; private /tmp), network (none), IPC"
            )
        else:
            parts.append("namespaces: none")
        if self.cgroups:
            parts.append(f"cgroup: {self.cgroups.controllers}")
        else:
            parts.append("cgroup: none")
        processes = self.users or bool(self.cgroups) or not self.root
        cgroup_memory = bool(self.cgroups) and "memory" in self.cgroups.controllers
        parts.append(f"limits: {limits.describe(address_space, processes, cgroup_memory)}")
        tests = "instructor's copy of the tests" + (" and hidden tests" if hidden else "")
        parts.append(
            f"python -I -B, scrubbed environment; the {tests} run in a judge process that "
            "never runs the submission: only data crosses back"
        )
        if self.exposed:
            parts.append("NOT hidden from the submission: " + ", ".join(self.exposed))
        return "; ".join(parts)


# Top-level folders a test process keeps seeing: the system's programs, libraries and
# configuration. Every other one (/home, /root, /work, /opt, /srv, /var, /run, ...)
# is covered by an empty file system, and only the interpreter's folders come back.
SYSTEM_ROOTS = {
    "bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin", "sys",
    "tmp", "usr",
}  # fmt: skip


def covered_roots() -> list[str]:
    return sorted(
        entry.path
        for entry in os.scandir("/")
        if entry.name not in SYSTEM_ROOTS and entry.is_dir(follow_symlinks=False)
    )


def interpreter_paths() -> list[str]:
    """The folders a test process reads its interpreter and packages from."""
    import site

    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths = set(prefixes)
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    paths.update(site.getsitepackages())
    for entry in sys.path:  # what the interpreter's own path holds, not the grader's cwd
        if entry and os.path.isabs(entry):
            inside = any(entry.startswith(p.rstrip("/") + "/") for p in prefixes)
            if inside or entry.rstrip("/").endswith(("site-packages", "dist-packages")):
                paths.add(entry)
    return sorted(p for p in paths if os.path.isdir(p))


def reserve_uids(count: int) -> tuple[list[int], list[int]]:
    """`count` user ids that no account has and no process uses, each held by a lock
    file for as long as the grading runs, so that two gradings on one machine never
    share one (and never kill each other's processes). Returns (uids, lock fds)."""
    folder = Path("/run/learn-grade") if os.access("/run", os.W_OK) else Path("/tmp/.learn-grade")
    folder.mkdir(mode=0o700, exist_ok=True)
    busy = {uid_of(pid) for pid in proc_entries()}
    uids: list[int] = []
    locks: list[int] = []
    for candidate in range(UID_BASE, UID_BASE + 4000):
        if len(uids) == count:
            break
        try:
            pwd.getpwuid(candidate)
            continue  # a real account
        except KeyError:
            pass
        if candidate in busy:
            continue
        fd = try_lock(folder / f"{candidate}.lock")
        if fd is not None:  # else another grading holds it
            uids.append(candidate)
            locks.append(fd)
    return uids, locks


def try_lock(path: Path) -> int | None:
    """An exclusive lock on `path` (made if missing), or None while a live process holds it:
    the kernel drops a lock when its holder dies, however it dies."""
    import fcntl

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:  # not ours to lock (planted by someone else): as good as held
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def sweep_stale_folders() -> None:
    """Remove the sandbox folders (copies of submissions) of gradings that were killed
    outright: those whose lock no live process holds."""
    for folder in Path(tempfile.gettempdir()).glob("learn-grade-*"):
        try:
            if folder.lstat().st_uid != os.geteuid() or not (folder / ".lock").is_file():
                continue  # not ours (maybe planted), or being set up right now
        except OSError:
            continue
        fd = try_lock(folder / ".lock")
        if fd is not None:
            shutil.rmtree(folder, ignore_errors=True)
            os.close(fd)
