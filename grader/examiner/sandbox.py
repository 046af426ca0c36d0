"""The examiner's sandbox: run one submission's tests for one lesson, shut in, and
reconcile what comes back with the tests the instructor expects.

`learn check` trusts the learner; `learn grade` does not. For every submission:

- the submission is staged: a copy of its lesson folders only (no links that leave
  it, no special files, no bytecode, bounded in size); each test process works in a
  fresh copy of that, and never sees the original;
- the tests are the instructor's: a private copy of the grader package and of the
  course's tests (plus the hidden ones), never anything from the submission;
- every test process starts as `python -I -B grader/examiner/sandbox_boot.py`, which shuts it
  in (its own user, namespaces, cgroups, resource limits: see sandbox_boot.py) before
  pytest imports a line of the submission;
- the list of tests comes from a trusted collection that never imports a submission;
  the records the test process streams back must follow it, one start then one result
  per test, in order, from that process; a test that never reports is crashed or timed
  out, never passed; a run that ends early keeps what it reported and the rest run
  again in a fresh process;
- a canary (a test that always fails, unknown to the submission) hides among the
  tests: reported passed, it proves the results were forged;
- at the end, the whole process tree is killed: the process group, the job's cgroup,
  every process of the job's user, and any orphan left with the grader.

What each machine allows is found once (`Host.detect`) and written into every result
(`LessonResult.isolation`), with what it could not do.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import os
import pwd
import random
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import grader
from grader.course import Course, CourseError, Lesson
from grader.results import LessonResult, Status, TestResult
from grader.runner import PLUGIN_ARGS

BOOT = "sandbox_boot.py"
EXIT_SETUP_FAILED = 71  # sandbox_boot.EXIT_SETUP_FAILED
HIDDEN = "_hidden"  # hidden tests live in grader/tests/<lesson>/_hidden/ of the runtime
STARTUP_LIMIT = 120.0  # seconds for a test process to start and collect
KILL_GRACE = 5.0  # seconds past the wall-time backstop before the grader kills the process
WALL_FACTOR = 3.0  # the per-test limit is CPU time; wall time may run to this many times it
MAX_RESTARTS = 3
MAX_RECORD = 1 << 20  # bytes in one record line
MAX_CHANNEL = 32 << 20  # bytes over the channel in one run
UID_BASE = 61000  # the sandbox users: one per parallel slot, never a user of the machine
STAGE_MAX_BYTES = 50 << 20
STAGE_MAX_FILES = 2000
STAGE_MAX_FILE = 10 << 20
SKIPPED_NAMES = {"__pycache__", ".git", ".hypothesis", ".pytest_cache", ".ipynb_checkpoints"}
SKIPPED_SUFFIXES = (".pyc", ".pyo")
# Files that configure Python or pytest. A submission's are never used; finding one
# is worth a look.
CONFIG_FILES = {
    "conftest.py", "sitecustomize.py", "usercustomize.py", "pytest.ini", "pyproject.toml",
    "setup.cfg", "tox.ini", "setup.py",
}  # fmt: skip
# Code that reaches for the grading machinery or out of its process. Matching one of
# these never changes a score; it puts the lesson on the review list with the line.
SUSPICIOUS = re.compile(
    r"\b(_?pytest|pluggy|grader|conftest|LEARN_\w+|sys\.modules|sys\._getframe|"
    r"gc\.get_(?:objects|referrers)|inspect\.(?:stack|currentframe|getouterframes)|ctypes|"
    r"os\.(?:fork|forkpty|setsid|_exit|write|fdopen|dup2?|kill|killpg|exec\w*|spawn\w*)|"
    r"subprocess|multiprocessing|socket|signal\.|atexit|/proc/|builtins|__builtins__|"
    r"importlib|__import__|exec|eval|solutions)\b",
    re.IGNORECASE,
)

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
PR_SET_CHILD_SUBREAPER = 36


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


# ---------------------------------------------------------------------------- cgroups


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
                    _kill_all(self.procs([path]))
                    time.sleep(0.02)

    def close(self) -> None:
        for base in self.bases.values():
            for child in base.iterdir() if base.exists() else ():
                if child.is_dir():
                    self.remove([child])
            with contextlib.suppress(OSError):
                base.rmdir()


# ---------------------------------------------------------------------- processes


def _kill_all(pids: set[int] | list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


def _proc_entries():
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            yield int(entry.name)


def _uid_of(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def processes_of_user(uid: int) -> list[int]:
    return [pid for pid in _proc_entries() if _uid_of(pid) == uid]


def _has_marker(pid: int, marker: bytes) -> bool:
    try:
        return marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _ppid_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


class Children:
    """The grader's own test processes, so reaping orphans never takes one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pids: set[int] = set()

    def start(self, *args, **kwargs) -> subprocess.Popen:
        """Popen, and track the child before any other thread can take it for an orphan."""
        with self._lock:
            child = subprocess.Popen(*args, **kwargs)
            self._pids.add(child.pid)
            return child

    def pids(self) -> set[int]:
        with self._lock:
            return set(self._pids)

    def discard(self, pid: int) -> None:
        with self._lock:
            self._pids.discard(pid)

    def reap_orphans(self) -> None:
        """Kill and reap processes that were re-parented to the grader (a subreaper)."""
        me = os.getpid()
        with self._lock:  # no child is being started while we look
            orphans = [p for p in _proc_entries() if p not in self._pids and _ppid_of(p) == me]
            _kill_all(orphans)
        for pid in orphans:
            for _ in range(100):
                try:
                    if os.waitpid(pid, os.WNOHANG) != (0, 0):
                        break
                except ChildProcessError:
                    break
                time.sleep(0.005)


def become_subreaper(on: bool) -> bool:
    """Orphans of the graded processes come back to the grader, not to init."""
    return _libc.prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0) == 0


# ------------------------------------------------------------------------- staging


@dataclass
class Staged:
    folder: Path
    lessons: list[str]  # lesson folders the submission has
    notes: list[str] = field(default_factory=list)  # review notes (refused links, ...)


def find_exercises(folder: Path, lesson_ids: list[str]) -> Path | None:
    """The folder of a submission that holds its lessonN/ folders, or None."""
    for candidate in (folder, folder / "exercises"):
        real = candidate.is_dir() and not candidate.is_symlink()
        if real and any((candidate / lesson).is_dir() for lesson in lesson_ids):
            return candidate
    return None


def stage(source: Path | None, dest: Path, lessons: list[Lesson], flat: Lesson | None = None):
    """Copy what is graded of a submission into `dest`: regular files of its lesson
    folders, links only where they stay inside the submission. `flat`: the submission
    holds one lesson's files directly (e.g. neuron.py at its top)."""
    dest.mkdir(parents=True, exist_ok=True)
    staged = Staged(dest, [])
    if source is None:
        return staged
    root = source.resolve()
    budget = {"bytes": STAGE_MAX_BYTES, "files": STAGE_MAX_FILES}
    for entry in sorted(os.listdir(root)):
        if entry in CONFIG_FILES or entry.endswith(".pth"):
            staged.notes.append(f"review: the submission's {entry} was ignored")
    sources = [(flat.id, root)] if flat else [(lesson.id, root / lesson.id) for lesson in lessons]
    for lesson_id, folder in sources:
        if folder.is_symlink():
            staged.notes.append(f"review: refused {lesson_id}/: a link, not a folder")
            continue
        if not folder.is_dir():
            continue
        staged.lessons.append(lesson_id)
        _copy_tree(root, folder, dest / lesson_id, lesson_id, staged.notes, budget, top=flat)
    return staged


def _copy_tree(root, folder, dest, label, notes, budget, top=None) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for name in sorted(os.listdir(folder)):
        path, rel = folder / name, f"{label}/{name}"
        if name in SKIPPED_NAMES or name.endswith(SKIPPED_SUFFIXES):
            continue
        if top is not None and name != "__init__.py" and path.suffix != ".py":
            continue
        if name in CONFIG_FILES or name.endswith(".pth"):
            notes.append(f"review: {rel} is in the submission (never used by the grader)")
        info = path.lstat()
        if os.path.islink(path):
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(root):
                notes.append(f"review: refused {rel}: a link to {os.readlink(path)}, outside it")
                continue
            if not target.is_file():
                notes.append(f"review: refused {rel}: a link to a folder")
                continue
            info = target.stat()
            path = target
        if os.path.isdir(path) and not os.path.islink(path):
            _copy_tree(root, path, dest / name, rel, notes, budget)
        elif os.path.isfile(path):
            budget["files"] -= 1
            budget["bytes"] -= info.st_size
            if info.st_size > STAGE_MAX_FILE or budget["bytes"] < 0 or budget["files"] < 0:
                notes.append(f"review: left out {rel}: the submission is too large")
                continue
            _copy_file(path, dest / name)
        else:
            notes.append(f"review: left out {rel}: not a regular file")


def _copy_file(source: Path, dest: Path) -> None:
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out)
    os.chmod(dest, 0o600)


def suspicious_lines(folder: Path, known: set[str] = frozenset(), limit: int = 8) -> list[str]:
    """`review:` notes for lines that reach for the grader, pytest or the process
    (lines in `known`, the course's own stubs, are the course's words, not the learner's)."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            code = line.split("#", 1)[0]
            match = SUSPICIOUS.search(code) if line.strip() not in known else None
            if match:
                where = f"{path.relative_to(folder.parent)}:{number}"
                found.append(f"review: {where} uses {match.group(0)}: {line.strip()[:120]}")
                if len(found) >= limit:
                    return [*found, "review: (more such lines not shown)"]
    return found


# -------------------------------------------------------------------------- runtime


def stub_lines(folder: Path) -> set[str]:
    """Every line of the course's stubs for a lesson (see suspicious_lines)."""
    lines: set[str] = set()
    for path in folder.rglob("*.py") if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            lines.update(x.strip() for x in path.read_text(encoding="utf-8").splitlines())
    return lines


def runtime_intact(folder: Path, manifest: dict[str, str]) -> bool:
    """The grader and the tests as they were: no file changed, none added or removed.
    (hypothesis/ holds hypothesis's caches, which it rewrites as it likes; they are
    read-only to a sandbox user, and only ever used for this one submission.)"""
    return _hash_tree(folder) == manifest


def _hash_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] != "hypothesis"
    }


def _copy_clean(source: Path, dest: Path) -> None:
    shutil.copytree(
        source,
        dest,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache"),
        dirs_exist_ok=True,
    )


HYPOTHESIS_WARMUP = (
    "from hypothesis.internal.charmap import charmap, intervals_from_codec\n"
    "charmap()\n"
    "for codec in ('utf-8', 'ascii'):\n"
    "    intervals_from_codec(codec)\n"
)


def hypothesis_tables(dest: Path) -> None:
    """Hypothesis's Unicode tables, which take seconds of CPU to build: built once per
    machine by a trusted process (kept in ~/.cache/learn-grade), then handed read-only
    to every test process, which would otherwise build them again each time."""
    try:
        import unicodedata

        import hypothesis
    except ImportError:  # pragma: no cover - hypothesis is a dependency
        return
    key = f"hypothesis-{hypothesis.__version__}-unicode-{unicodedata.unidata_version}"
    home = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    cache = Path(home) / "learn-grade" / key
    if not (cache / "unicode_data").is_dir():
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
        where = cache.parent if cache.parent.is_dir() else dest.parent
        building = Path(tempfile.mkdtemp(prefix=".building-", dir=where))
        env = {"HYPOTHESIS_STORAGE_DIRECTORY": str(building), "PATH": "/usr/bin:/bin"}
        subprocess.run(
            [sys.executable, "-I", "-c", HYPOTHESIS_WARMUP], env=env, check=False, timeout=600
        )
        if where == cache.parent:
            with contextlib.suppress(OSError):
                building.rename(cache)  # another run may have been first: keep theirs
        else:
            cache = building
        shutil.rmtree(building, ignore_errors=True) if building != cache else None
    if (cache / "unicode_data").is_dir():
        shutil.copytree(cache / "unicode_data", dest / "unicode_data", dirs_exist_ok=True)


CANARY_WORDS = (
    "keeps_shape", "handles_empty", "known_values", "matches_reference", "is_deterministic",
    "rejects_bad_input", "agrees_with_formula", "small_inputs", "returns_floats", "edge_cases",
)  # fmt: skip

CANARY = '''"""More checks of {lesson}."""

import pytest

from grader.testkit import Called, expect_equal


@pytest.mark.exercise({exercise!r})
def test_{name}():
    expect_equal(Called({text!r}, {got!r}), {expected!r})
'''


def write_runtime(course: Course, lessons: list[Lesson], hidden: Path | None, dest: Path):
    """The instructor's side of every test process: the grader package, the course's
    tests, the hidden tests and a canary per lesson. Returns the canaries' test ids."""
    package = Path(grader.__file__).resolve().parent
    target = dest / "grader"
    for module in grader.source_files():
        copy = target / module.relative_to(package)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(module, copy)
    if not course.tests_dir.is_dir():
        raise CourseError(f"the course has no tests folder at {course.tests_dir}")
    _copy_clean(course.tests_dir, target / "tests")
    for lesson in course.lessons:  # every lesson: a later lesson's tests may use an earlier's
        if hidden is not None and (hidden / lesson.id).is_dir():
            _copy_clean(hidden / lesson.id, target / "tests" / lesson.id / HIDDEN)
    hypothesis_tables(dest / "hypothesis")
    (dest / "course.toml").write_text(
        (course.root / "course.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    canaries = {}
    rng = random.SystemRandom()
    for lesson in lessons:
        folder = target / "tests" / lesson.id
        if not folder.is_dir() or not lesson.exercises:
            continue
        word = rng.choice(CANARY_WORDS)
        stem = f"test_{lesson.id}_{word}_{rng.randrange(16**4):04x}"
        name = f"{word}_{rng.randrange(16**4):04x}"
        expected = rng.randrange(2, 1000)
        source = CANARY.format(
            lesson=lesson.id,
            exercise=rng.choice(lesson.exercises).name,
            name=name,
            text=f"{word}({expected - 1})",
            got=expected - 1,
            expected=expected,
        )
        (folder / f"{stem}.py").write_text(source, encoding="utf-8")
        canaries[lesson.id] = f"tests/{lesson.id}/{stem}.py::test_{name}"
    return canaries


# ----------------------------------------------------------------------------- host


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
            f"python -I -B, scrubbed environment, {tests}, trusted collection, "
            "ordered records, canary, tamper checks"
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
    busy = {_uid_of(pid) for pid in _proc_entries()}
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
        fd = _try_lock(folder / f"{candidate}.lock")
        if fd is not None:  # else another grading holds it
            uids.append(candidate)
            locks.append(fd)
    return uids, locks


def _try_lock(path: Path) -> int | None:
    """An exclusive lock on `path` (made if missing), or None while a live process holds it:
    the kernel drops a lock when its holder dies, however it dies."""
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
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
        if not (folder / ".lock").is_file():
            continue  # being set up right now, or not ours
        fd = _try_lock(folder / ".lock")
        if fd is not None:
            shutil.rmtree(folder, ignore_errors=True)
            os.close(fd)


# -------------------------------------------------------------------------- results


@dataclass
class ChildRun:
    """What one test process reported, checked against what was asked of it."""

    asked: list[str]
    trusted: bool = False  # the instructor's collection: its list is the reference
    pid: int = 0
    collected: list[str] | None = None
    cursor: int = 0
    unfinished: str | None = None
    results: dict[str, dict] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    devices: list[str] | None = None
    collect_errors: list[str] = field(default_factory=list)
    expected_meta: dict[str, TestResult] = field(default_factory=dict)
    killed_for: str | None = None
    returncode: int | None = None
    output: str = ""
    oom: bool = False

    def take(self, line: bytes) -> None:
        if self.violations:
            return  # nothing after a broken rule is believed
        try:
            record = json.loads(line)
            event = str(record["event"])
            pid = record.get("pid")
        except Exception:  # anything at all: it is not one of ours
            self._note("review: the test process wrote an unreadable record (ignored)")
            return
        if pid != self.pid:
            self._note("review: records from another process (a fork?) were ignored")
            return
        handler = getattr(self, f"_on_{event}", None)
        if handler is None:
            self.violations.append(f"an unknown record {event!r} came over the channel")
            return
        try:
            handler(record)
        except Exception as exc:
            self.violations.append(f"a malformed {event!r} record ({type(exc).__name__})")

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def _on_collected(self, record: dict) -> None:
        if self.collected is not None:
            raise ValueError("collected twice")
        tests = record["tests"]
        ids = [str(t["test"]) for t in tests]
        if self.trusted:
            self.collected = ids
            self.expected_meta = {t["test"]: TestResult.from_dict(t) for t in tests}
            return
        if len(set(ids)) != len(ids) or set(ids) != set(self.asked):
            self.violations.append(
                "the test process collected other tests than the examiner expected"
            )
            return
        for t in tests:
            trusted = self.expected_meta.get(t["test"])
            claimed = (t.get("exercise"), float(t.get("points", 1)), bool(t.get("gpu")))
            if trusted and claimed != (trusted.exercise, trusted.points, trusted.gpu):
                self.violations.append(f"the marks of {t['test']} changed in the test process")
                return
        self.collected = ids

    def _on_collect_error(self, record: dict) -> None:
        self.collect_errors.append(str(record.get("message", ""))[-2000:])

    def _on_devices(self, record: dict) -> None:
        self.devices = [str(d) for d in record["devices"]]

    def _on_start(self, record: dict) -> None:
        test = record["test"]
        if self.collected is None or self.unfinished is not None:
            self.violations.append(f"{test} started out of turn")
        elif self.cursor >= len(self.collected) or self.collected[self.cursor] != test:
            self.violations.append(f"{test} started out of order")
        else:
            self.unfinished = test

    def _on_result(self, record: dict) -> None:
        test = record["test"]
        if test != self.unfinished:
            self.violations.append(f"a result for {test}, which was not running")
            return
        self.results[test] = {
            "status": Status(record["status"]),
            "message": str(record.get("message", ""))[:4000],
            "location": str(record.get("location", ""))[:300],
            "duration": float(record.get("duration", 0.0)),
        }
        self.unfinished = None
        self.cursor += 1

    def _on_tamper(self, record: dict) -> None:
        changed = ", ".join(str(c) for c in record.get("changed", []))[:300]
        self.violations.append(f"the testing machinery was changed {record.get('when')}: {changed}")

    def lost(self, limits: Limits) -> tuple[Status, str]:
        """Why the test that was running never reported."""
        code = self.returncode
        if self.killed_for == "test":
            return Status.TIMED_OUT, (
                f"killed after {limits.wall_limit:.0f} s without finishing "
                "(is it waiting or sleeping for ever?)"
            )
        if self.killed_for == "lesson":
            return Status.TIMED_OUT, limits.lesson_message
        if self.oom:
            return Status.OUT_OF_MEMORY, f"ran out of memory (the limit is {limits.memory_mb} MB)"
        if code == -signal.SIGXCPU:
            return Status.TIMED_OUT, "used up its CPU time limit"
        if code == -signal.SIGXFSZ:
            return Status.CRASHED, (
                f"wrote more than the file size limit ({limits.file_mb} MB): too much output?"
            )
        if code is not None and code < 0:
            how = f"killed by signal {-code} ({signal.Signals(-code).name})"
        else:
            how = f"exited with code {code}"
        tail = [line for line in self.output.strip().splitlines() if line.strip()][-1:] or [""]
        return Status.CRASHED, f"the test process died during this test ({how}) {tail[0][:300]}"


# -------------------------------------------------------------------------- sandbox


@dataclass
class Job:
    """One submission's corner of the sandbox: its folder, runtime copy and slot."""

    name: str
    folder: Path
    slot: int
    uid: int | None
    gid: int | None
    cgroups: list[Path]
    manifest: dict[str, str]
    runs: int = 0
    trusted: bool = False  # the instructor's code only: the collection, in the template
    runtime_dir: Path | None = None

    @property
    def runtime(self) -> Path:
        return self.runtime_dir or self.folder / "runtime"

    @property
    def stage(self) -> Path:
        return self.folder / "stage"

    @property
    def work(self) -> Path:
        return self.folder / "work"

    @property
    def marker(self) -> str:
        return f"LEARN_SANDBOX={self.folder.name}"


class Sandbox:
    """Everything `learn grade` needs to run submissions shut in; use as a context."""

    def __init__(
        self,
        course: Course,
        lessons: list[Lesson],
        limits: Limits | None = None,
        hidden: Path | None = None,
        secrets: list[Path] = (),
        slots: int = 1,
        gpu: str = "skip",
        isolate: str = "auto",
    ) -> None:
        self.course = course
        self.lessons = lessons
        self.limits = limits or Limits()
        self.hidden = hidden.resolve() if hidden else None
        self.gpu = gpu
        self.isolate = isolate  # auto: the most this machine allows; none: process limits only
        self.slots = max(1, slots)
        self.secrets = [p.resolve() for p in [course.solutions_dir, *secrets] if p]
        if self.hidden:
            self.secrets.append(self.hidden)
        self.children = Children()
        self.base: Path | None = None
        self.host = Host(root=os.geteuid() == 0)
        self.canaries: dict[str, str] = {}
        self._expected: dict[str, list[TestResult]] = {}
        self._uids: list[int] = []
        self._locks: list[int] = []
        self.devices: list[str] = []
        self._subreaper = False
        self.aborted = threading.Event()
        # CUDA reserves far more address space than any limit would allow: with a GPU
        # about, memory is limited by the cgroup alone.
        self.gpu_host = any(Path("/dev").glob("nvidia[0-9]*"))

    # -- set-up and tear-down

    def __enter__(self) -> Sandbox:
        if not sys.platform.startswith("linux"):
            raise CourseError("learn grade runs on Linux (a CI runner, a VM, a container)")
        sweep_stale_folders()
        self.base = Path(tempfile.mkdtemp(prefix="learn-grade-"))
        os.chmod(self.base, 0o711)
        self._locks.append(_try_lock(self.base / ".lock"))  # alive: not to be swept
        try:
            template = self.base / "template"
            self.canaries = write_runtime(self.course, self.lessons, self.hidden, template)
            os.chmod(template, 0o700)
            self.manifest = _hash_tree(template)
            self._subreaper = become_subreaper(True)
            self._detect()
            for lesson in self.lessons:
                self._expected[lesson.id] = self._collect(lesson)
            # The collection compiled the grader and the tests (__pycache__, pytest's
            # rewritten test modules): every test process reads them and compiles none.
            self.manifest = _hash_tree(template)
            if self.gpu == "require" and not self.devices:
                raise CourseError("--gpu require: this machine has no CUDA or MPS device")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.children.reap_orphans()
        for uid in self._uids:
            self._kill_user(uid)
        if self.host.cgroups:
            self.host.cgroups.close()
        if self._subreaper:
            become_subreaper(False)
        if self.base and self.base.exists():
            shutil.rmtree(self.base, ignore_errors=True)
        for fd in self._locks:  # the users are free for the next grading
            os.close(fd)
        self._locks = []

    def abort(self) -> None:
        """Stop: kill every test process now (their lessons are not worth keeping)."""
        self.aborted.set()
        for pid in self.children.pids():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        for uid in self._uids:
            self._kill_user(uid)

    def _detect(self) -> None:
        """Try each layer in a probe process; keep what works, say what does not."""
        host = self.host
        if self.isolate == "none":
            host.warnings.append("--isolation none: process limits only")
        elif host.root:
            self._uids, self._locks = reserve_uids(self.slots)
            host.users = len(self._uids) == self.slots
            host.namespaces = True
            host.cgroups = Cgroups.create(self.base.name)
        probe = self._probe()
        if probe is None and host.namespaces:
            host.namespaces = False
            host.warnings.append("no namespaces: this machine does not allow them")
            probe = self._probe()
        if probe is None and host.users:
            host.users = False
            host.warnings.append(
                "no separate user: it could not run Python here (is the course readable by "
                "other users?)"
            )
            probe = self._probe()
        if probe is None:
            raise CourseError("learn grade: the sandbox could not start a Python process")
        if probe.get("python_ok") is not True:
            raise CourseError(f"learn grade: the sandbox cannot import pytest: {probe}")
        host.exposed = [path for path, seen in probe.get("readable", {}).items() if seen]
        if host.exposed:
            host.warnings.append("the submission can read: " + ", ".join(host.exposed))
        if host.root and not host.users and not host.cgroups:
            host.warnings.append("processes are not limited: root ignores RLIMIT_NPROC")

    def _probe(self) -> dict | None:
        with self.job("probe", 0) as job:
            cfg = self._boot_config(job, [], probe=True)
            done = subprocess.run(
                self._command(cfg),
                env=self._env(job),
                cwd=job.folder,
                capture_output=True,
                timeout=STARTUP_LIMIT,
                check=False,
            )
            self._cleanup(job)
        if done.returncode != 0:
            return None
        try:
            return json.loads(done.stdout.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None

    def stamp(self) -> str:
        return self.host.stamp(self.limits, self.hidden is not None, not self.gpu_host)

    # -- jobs

    @contextlib.contextmanager
    def job(self, name: str, slot: int):
        """A fresh folder for one submission in one slot; removed, with anything it
        started, when the block ends."""
        folder = Path(tempfile.mkdtemp(prefix=f"job-{slot}-", dir=self.base))
        uid = self._uids[slot] if self.host.users else None
        job = Job(name, folder, slot, uid, uid, [], self.manifest)
        try:
            if uid is not None:
                os.chown(folder, 0, uid)
                os.chmod(folder, 0o750)
            shutil.copytree(self.base / "template", job.runtime, dirs_exist_ok=True)
            for path in job.runtime.rglob("*"):
                os.chmod(path, 0o755 if path.is_dir() else 0o644)
            os.chmod(job.runtime, 0o755)
            job.stage.mkdir(mode=0o700)
            if self.host.cgroups:
                memory = (self.limits.memory_mb + self.limits.scratch_mb + 256) << 20
                job.cgroups = self.host.cgroups.job(folder.name, self.limits.processes, memory)
            yield job
        finally:
            self._cleanup(job)
            if self.host.cgroups and job.cgroups:
                self.host.cgroups.remove(job.cgroups)
            shutil.rmtree(folder, ignore_errors=True)

    def _boot_config(self, job: Job, pytest_args: list[str], probe: bool = False) -> dict:
        limits = self.limits
        nproc = None
        if job.uid is not None:
            nproc = limits.processes
        elif not self.host.root:  # the grader's own user: room above what it runs already
            nproc = len(processes_of_user(os.getuid())) + limits.processes * self.slots
        cfg = {
            "runtime": str(job.runtime),
            "stage": str(job.stage),
            "work": str(job.work),
            "catalogue": (job.runtime / "course.toml").read_text(encoding="utf-8"),
            "uid": job.uid,
            "gid": job.gid,
            "cgroups": [str(p) for p in job.cgroups],
            "limits": {
                "cpu": limits.lesson_timeout,
                "as": None if self.gpu_host else limits.memory_mb << 20,
                "nproc": nproc,
                "fsize": limits.file_mb << 20,
                "nofile": limits.open_files,
                "core": 0,
            },
            "pytest_args": pytest_args,
            "probe": probe,
            "secrets": [str(p) for p in self.secrets],
        }
        if self.host.namespaces and not job.trusted:
            hide = [str(p) for p in self.secrets if self._may_hide(p)]
            scratch = [{"path": p, "size_mb": limits.scratch_mb} for p in ("/tmp", "/var/tmp")]
            scratch.append({"path": "/dev/shm", "size_mb": 64})
            if not any(self.base.is_relative_to(s["path"]) for s in scratch):
                scratch.append({"path": str(self.base), "size_mb": limits.scratch_mb})
            cfg["namespaces"] = {
                "hide": hide,
                "scratch": scratch,
                "cover": covered_roots(),
                "reveal": interpreter_paths(),
            }
        return cfg

    def _may_hide(self, path: Path) -> bool:
        """Never cover the interpreter, the sandbox itself, or a folder that holds them."""
        keep = [Path(sys.prefix).resolve(), Path(sys.executable).resolve(), self.base]
        keep.append(Path(grader.__file__).resolve().parent)
        return not any(k == path or k.is_relative_to(path) for k in keep)

    def _command(self, cfg: dict, trusted: bool = False) -> list[str]:
        boot = Path(cfg["runtime"]) / "grader" / "examiner" / BOOT
        flags = ["-I"] if trusted else ["-I", "-B"]  # only a trusted run writes bytecode
        return [sys.executable, *flags, str(boot), json.dumps(cfg)]

    def _env(self, job: Job) -> dict[str, str]:
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": str(job.work / ".sandbox" / "home"),
            "TMPDIR": str(job.work / ".sandbox" / "tmp"),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "HYPOTHESIS_STORAGE_DIRECTORY": str(job.runtime / "hypothesis"),
            "LEARN_SANDBOX": job.folder.name,
        }
        if "CUDA_VISIBLE_DEVICES" in os.environ:
            env["CUDA_VISIBLE_DEVICES"] = os.environ["CUDA_VISIBLE_DEVICES"]
        return env

    def _pytest_args(self, job: Job, tests: list[str], collect: bool) -> list[str]:
        root = job.runtime / "grader"
        args = [
            *tests, *PLUGIN_ARGS, "-p", "grader.examiner.plugin",
            "--learn-path", str(job.work), "--learn-report-fd", "{fd}",
            "--learn-timeout", str(self.limits.timeout), "--learn-timeout-clock", "cpu",
            "--rootdir", str(root), "--confcutdir", str(root), "-c", os.devnull,
            "--import-mode=importlib", "-q", "--no-header", "--tb=line",
            "-o", "console_output_style=classic",
        ]  # fmt: skip
        if collect:
            args.append("--collect-only")
            if self.gpu_host or sys.platform == "darwin":  # else no GPU: spare importing torch
                args.append("--learn-devices")
        elif self.gpu == "skip":
            args += ["-m", "not gpu"]
        if job.uid is not None:
            args += ["--learn-stray-uid", str(job.uid)]
        return args

    # -- the trusted collection

    @contextlib.contextmanager
    def _trusted_job(self, name: str):
        """A job that runs only the instructor's code, on the template itself: it may
        write there (the compiled tests), as the grader's own user."""
        folder = Path(tempfile.mkdtemp(prefix="collect-", dir=self.base))
        job = Job(name, folder, 0, None, None, [], {}, trusted=True)
        job.runtime_dir = self.base / "template"
        job.stage.mkdir(mode=0o700)
        try:
            yield job
        finally:
            self._cleanup(job)
            shutil.rmtree(folder, ignore_errors=True)

    def _collect(self, lesson: Lesson) -> list[TestResult]:
        """The tests of `lesson`, collected by the instructor's code alone (no
        submission: an empty folder stands in for it)."""
        with self._trusted_job(f"collect-{lesson.id}") as job:
            tests = [str(job.runtime / "grader" / "tests" / lesson.id)]
            if not Path(tests[0]).is_dir():
                raise CourseError(f"{lesson.id} has no tests in {self.course.tests_dir}")
            limit = time.monotonic() + STARTUP_LIMIT
            run = self._run(job, lesson, tests, asked=None, deadline=limit)
        if run.collected is None or not run.expected_meta:
            detail = "\n".join(run.collect_errors) or run.output.strip()[-2000:] or "no output"
            raise CourseError(f"the tests of {lesson.id} could not be collected: {detail}")
        if run.devices is not None:
            self.devices = run.devices
        expected = list(run.expected_meta.values())
        for test in expected:
            test.hidden = f"/{HIDDEN}/" in test.test
        return expected

    def expected(self, lesson: Lesson) -> list[TestResult]:
        return [t for t in self._expected[lesson.id] if t.test != self.canaries.get(lesson.id)]

    # -- one test process

    def _run(self, job: Job, lesson: Lesson, tests: list[str], asked: list[str] | None, deadline):
        """One test process: `asked` the ids it must run, None for the trusted collection."""
        collect = asked is None
        run = ChildRun(asked=list(asked or []), trusted=collect)
        if not collect:
            run.expected_meta = {t.test: t for t in self._expected[lesson.id]}
        read_fd, write_fd = os.pipe()
        args = self._pytest_args(job, tests, collect)
        args = [str(write_fd) if a == "{fd}" else a for a in args]
        cfg = self._boot_config(job, args)
        job.runs += 1
        log = job.folder / f"output-{job.runs}.log"
        oom_before = Cgroups.oom_kills(job.cgroups)
        with open(log, "w+b") as output:
            os.chmod(log, 0o600)
            child = self.children.start(
                self._command(cfg, job.trusted),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                pass_fds=(write_fd,), env=self._env(job), cwd=job.folder,
                start_new_session=True,
            )  # fmt: skip
            os.close(write_fd)
            run.pid = child.pid
            try:
                self._follow(child, read_fd, run, deadline)
                if not run.killed_for and not run.violations:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        child.wait(timeout=2)  # the channel closed: let it exit on its own
            finally:
                os.close(read_fd)
                self._cleanup(job, child)
                run.returncode = child.wait()
                self.children.discard(child.pid)
            output.seek(max(0, output.seek(0, os.SEEK_END) - 8192))
            run.output = output.read().decode("utf-8", "replace")
        run.oom = Cgroups.oom_kills(job.cgroups) > oom_before
        return run

    def _follow(self, child, read_fd: int, run: ChildRun, deadline: float) -> None:
        """Read records until the child closes the channel; stop when time is up."""
        selector = selectors.DefaultSelector()
        selector.register(read_fd, selectors.EVENT_READ)
        buffer, total = b"", 0
        limit = self.limits.wall_limit if self.limits.timeout else 1e9
        test_deadline = time.monotonic() + STARTUP_LIMIT
        while True:
            now = time.monotonic()
            wait = min(test_deadline, deadline) - now
            if wait <= 0 or not selector.select(timeout=wait):
                if time.monotonic() >= deadline:
                    run.killed_for = "lesson"
                else:
                    run.killed_for = "test" if run.unfinished else "startup"
                return
            chunk = os.read(read_fd, 65536)
            if not chunk:
                return
            total += len(chunk)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                run.take(line)
            if len(buffer) > MAX_RECORD or total > MAX_CHANNEL:
                run.violations.append("the test process flooded the result channel")
            if run.violations:
                return
            if run.unfinished:
                test_deadline = time.monotonic() + limit
            else:
                test_deadline = time.monotonic() + STARTUP_LIMIT

    def _cleanup(self, job: Job, child: subprocess.Popen | None = None) -> None:
        """Kill everything the job started: its process group, its cgroup, every
        process of its user (also those that left the group with setsid), orphans."""
        if child is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
        for _ in range(200):
            left: set[int] = set()
            if job.cgroups:
                left |= Cgroups.procs(job.cgroups)
            if job.uid is not None:
                left |= set(processes_of_user(job.uid))
            elif not self.host.root or not job.cgroups:
                marker = job.marker.encode()
                left |= {p for p in _proc_entries() if p != os.getpid() and _has_marker(p, marker)}
            if child is not None and child.poll() is None:
                left.add(child.pid)
            if not left:
                break
            _kill_all(left)
            time.sleep(0.005)
        self.children.reap_orphans()

    def _kill_user(self, uid: int) -> None:
        for _ in range(200):
            left = processes_of_user(uid)
            if not left:
                return
            _kill_all(left)
            time.sleep(0.005)

    # -- one lesson of one submission

    def grade_lesson(self, job: Job, lesson: Lesson, target: str) -> LessonResult:
        """Run the lesson's tests on the staged submission and reconcile the records."""
        everything = self._expected[lesson.id]
        canary = self.canaries.get(lesson.id)
        result = LessonResult(lesson=lesson.id, target=target, isolation=self.stamp())
        gpu_skipped = [t.test for t in everything if t.gpu and self.gpu == "skip"]
        pending = [t.test for t in everything if t.test not in gpu_skipped]
        done: dict[str, TestResult] = {}
        meta = {t.test: t for t in everything}
        violations: list[str] = []
        notes: list[str] = []
        deadline = time.monotonic() + self.limits.lesson_timeout
        root = job.runtime / "grader"
        for attempt in range(MAX_RESTARTS + 1):
            if self.aborted.is_set():
                break
            if attempt == 0:
                tests = [str(root / "tests" / lesson.id)]
            else:
                tests = [str(root / test) for test in pending]
            run = self._run(job, lesson, tests, pending, deadline)
            notes += [n for n in run.notes if n not in notes]
            if run.violations:
                violations += run.violations
                break
            if run.returncode == EXIT_SETUP_FAILED and run.collected is None:
                result.error = f"the sandbox could not be set up: {run.output.strip()[-500:]}"
                break
            for test, outcome in run.results.items():
                done[test] = self._judge(meta[test], outcome, job)
            if run.unfinished:
                status, message = run.lost(self.limits)
                done[run.unfinished] = replace(meta[run.unfinished], status=status, message=message)
            pending = [t for t in pending if t not in done]
            if not pending or run.killed_for == "lesson" or time.monotonic() >= deadline:
                break
            if not run.unfinished and not run.results:
                break  # no progress: another process would fare no better
        for test in pending:
            if time.monotonic() >= deadline:
                why = Status.TIMED_OUT, self.limits.lesson_message
            else:
                why = Status.CRASHED, "never reported: the test process kept dying before this test"
            done[test] = replace(meta[test], status=why[0], message=why[1])
        for test in gpu_skipped:
            done[test] = replace(
                meta[test], status=Status.NOT_RUN, message="GPU tests are not graded (--gpu skip)"
            )
        if not runtime_intact(job.runtime, job.manifest):
            violations.append("the instructor's tests were modified on disk")
        if canary and canary in done and done[canary].status is Status.PASSED:
            violations.append("a test that always fails was reported passed")
        result.tests = [done[t.test] for t in everything if t.test != canary and t.test in done]
        result.flags = notes
        if violations:
            forfeit(result, violations)
        return result

    def _judge(self, trusted: TestResult, outcome: dict, job: Job) -> TestResult:
        """The child's word on a test, within what the trusted list allows."""
        status, message = outcome["status"], outcome["message"]
        if status is Status.NOT_RUN and not (trusted.gpu and not self.devices):
            status = Status.FAILED
            message = f"skipped ({message}): a skipped test earns no points when graded"
        message = message.replace(f"{job.work}/", "").replace(str(job.work), ".")
        return replace(
            trusted,
            status=status,
            message=message,
            location=outcome["location"],
            duration=outcome["duration"],
        )


def forfeit(result: LessonResult, violations: list[str]) -> None:
    """Results that cannot be trusted earn nothing, and say why."""
    reasons = list(dict.fromkeys(violations))
    result.error = "results not trusted, flagged for review: " + "; ".join(reasons[:3])
    result.flags = [*(f"forged: {r}" for r in reasons), *result.flags]
    result.tests = [
        replace(t, status=Status.CRASHED, message="not graded: the results were not trusted")
        for t in result.tests
    ]
