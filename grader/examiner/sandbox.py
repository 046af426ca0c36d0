"""The examiner's sandbox: run one submission's code shut in, for a judge that never
runs it.

`learn check` trusts the learner; `learn grade` does not. For every submission and
lesson:

- the submission is staged (grader/examiner/staging.py): a copy of its lesson folders
  only, bounded, with no links that leave it and no native code;
- the *judge* is a pytest process of the instructor's: a private copy of the grader,
  the course's tests and the hidden ones (`runtime/judge`, never readable by a
  submission). It collects, runs every test, compares, and reports one record per
  test to the grader through the same engine `learn check` uses (grader/runner.py);
- the learner's code runs only in *sandbox* processes that the judge starts as
  `python -I -B sandbox_boot.py` (shut in: its own user, namespaces, cgroups, resource
  limits) and talks to over two pipes (grader/remote.py): they import the submission
  and answer calls, and only data crosses back. A sandbox that dies or overruns its
  test's CPU time is killed with all it started, and the next test gets a fresh one;
- at the end of a lesson, the whole job is killed: its cgroup, every process of its
  user, and any orphan left with the grader.

What each machine allows is found once (`Host.detect`) and written into every result
(`LessonResult.isolation`), with what it could not do.
"""

from __future__ import annotations

import compileall
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import grader
from grader.course import Course, CourseError, Lesson
from grader.examiner.host import (
    Host,
    Limits,
    covered_roots,
    interpreter_paths,
    reserve_uids,
    sweep_stale_folders,
    try_lock,
)
from grader.examiner.processes import (
    Cgroups,
    Children,
    become_subreaper,
    clear_keyrings,
    kill_job,
    processes_of_user,
    undumpable,
)
from grader.results import LessonResult, Outcome, Status, TestResult
from grader.runner import RunOptions, run_lesson

BOOT = "sandbox_boot.py"
HIDDEN = "_hidden"  # hidden tests live in grader/tests/<lesson>/_hidden/ of the runtime
STARTUP_LIMIT = 120.0  # seconds for the probe process to start and report


# -------------------------------------------------------------------------- runtime


def runtime_changes(folder: Path, manifest: dict[str, str]) -> list[str]:
    """What is no longer as it was in the grader and the tests: files changed, added or
    removed (a sandbox that runs as the grader's own user could write there). The
    judge's hypothesis/ holds hypothesis's caches, which it rewrites as it likes."""
    now = _hash_tree(folder)
    return sorted(
        name for name in now.keys() | manifest.keys() if now.get(name) != manifest.get(name)
    )


def _hash_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "hypothesis" not in p.relative_to(folder).parts[:2]
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


def cache_folder() -> Path:
    """Where the grader keeps what it builds once per machine."""
    return Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "learn-grade"


def hypothesis_tables(dest: Path) -> None:
    """Hypothesis's Unicode tables, which take seconds of CPU to build: built once per
    machine by a trusted process (kept in cache_folder()), then handed read-only
    to every test process, which would otherwise build them again each time. A cache
    that cannot be kept or read (a folder of mode 000 that a submission running as the
    grader's own user planted there) is passed over: the tables are built for this run."""
    try:
        import unicodedata

        import hypothesis
    except ImportError:  # pragma: no cover - hypothesis is a dependency
        return
    key = f"hypothesis-{hypothesis.__version__}-unicode-{unicodedata.unidata_version}"
    cache = cache_folder() / key
    try:
        if not (cache / "unicode_data").is_dir():
            cache.parent.mkdir(parents=True, exist_ok=True)
            building = Path(tempfile.mkdtemp(prefix=".building-", dir=cache.parent))
            _build_tables(building)
            with contextlib.suppress(OSError):
                building.rename(cache)  # another run may have been first: keep theirs
            shutil.rmtree(building, ignore_errors=True)
        shutil.copytree(cache / "unicode_data", dest / "unicode_data", dirs_exist_ok=True)
    except (OSError, shutil.Error):
        shutil.rmtree(dest / "unicode_data", ignore_errors=True)
        _build_tables(dest)


def _build_tables(storage: Path) -> None:
    env = {"HYPOTHESIS_STORAGE_DIRECTORY": str(storage), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-I", "-c", HYPOTHESIS_WARMUP], env=env, check=False, timeout=600
    )


def write_runtime(course: Course, hidden: Path | None, dest: Path) -> None:
    """The judge's side (`dest/judge`): the grader package, the course's tests with the
    hidden ones, and hypothesis's tables; the sandbox's side (`dest/sandbox`): the grader
    package alone, which serves requests (and holds grader/stand_in, the lesson 5 that
    later lessons are graded with). Nothing of the first is ever readable by a submission."""
    package = Path(grader.__file__).resolve().parent
    for side in ("judge", "sandbox"):
        for module in grader.source_files():
            copy = dest / side / "grader" / module.relative_to(package)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(module, copy)
    judge = dest / "judge"
    if not course.tests_dir.is_dir():
        raise CourseError(f"the course has no tests folder at {course.tests_dir}")
    _copy_clean(course.tests_dir, judge / "grader" / "tests")
    for lesson in course.lessons:  # every lesson: a later lesson's tests may use an earlier's
        if hidden is not None and (hidden / lesson.id).is_dir():
            _copy_clean(hidden / lesson.id, judge / "grader" / "tests" / lesson.id / HIDDEN)
    # Compiled once, before the manifest is taken: a sandbox process (python -B, on a
    # read-only copy) would otherwise compile the grader's modules at every start.
    for side in ("judge", "sandbox"):
        compileall.compile_dir(dest / side, quiet=1)
    hypothesis_tables(judge / "hypothesis")
    for side in ("judge", "sandbox"):
        (dest / side / "course.toml").write_text(
            (course.root / "course.toml").read_text(encoding="utf-8"), encoding="utf-8"
        )


# -------------------------------------------------------------------------- sandbox


@dataclass
class Job:
    """One submission's corner of the sandbox: its folder and slot."""

    name: str
    folder: Path
    slot: int
    uid: int | None
    gid: int | None
    cgroups: list[Path]
    runtime: Path  # the sandbox's side of the runtime, shared by every job, read-only

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
        self._expected: dict[str, list[TestResult]] = {}
        self._uids: list[int] = []
        self._locks: list[int] = []
        self._subreaper = False
        self.aborted = threading.Event()
        self._runtime_lock = threading.RLock()
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
        self._locks.append(try_lock(self.base / ".lock"))  # alive: not to be swept
        try:
            self.secrets.append(self.runtime / "judge")
            undumpable()  # the submissions run as our user where no other is at hand
            self.children.keep_existing()
            self._subreaper = become_subreaper(True)
            self._write_runtime()
            self._detect()
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
        for pid in self.children.stop():  # and no judge restarts after a killed one
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
            why = str(probe.get("python_ok"))[:300]
            small = "map" in why or "Memory" in why
            memory = " (is --memory too small for Python?)" if small else ""
            raise CourseError(f"learn grade: the sandbox cannot import pytest{memory}: {why}")
        host.exposed = [path for path, seen in probe.get("readable", {}).items() if seen]
        if host.exposed:
            host.warnings.append("the submission can read: " + ", ".join(host.exposed))
        if host.root and not host.users and not host.cgroups:
            host.warnings.append("processes are not limited: root ignores RLIMIT_NPROC")
        if not host.users and self.slots > 1:
            host.warnings.append(
                f"one submission at a time, not {self.slots}: without a user of its own, a "
                "submission could reach the processes and files of one graded beside it"
            )
            self.slots = 1

    def _probe(self) -> dict | None:
        with self.job("probe", 0) as job:
            cfg = self._boot_config(job, probe=True)
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

    def stamp(self, lesson: Lesson | None = None) -> str:
        limits = self.limits_for(lesson)
        return self.host.stamp(limits, self.hidden is not None, not self.gpu_host)

    # -- jobs

    @contextlib.contextmanager
    def job(self, name: str, slot: int):
        """A fresh folder for one submission in one slot; removed, with anything it
        started, when the block ends."""
        folder = Path(tempfile.mkdtemp(prefix=f"job-{slot}-", dir=self.base))
        uid = self._uids[slot] if self.host.users else None
        job = Job(name, folder, slot, uid, uid, [], self.runtime / "sandbox")
        try:
            if uid is not None:
                os.chown(folder, 0, uid)
                os.chmod(folder, 0o750)
            job.stage.mkdir(mode=0o700)
            if self.host.cgroups:
                most = max(self.limits_for(x).memory_mb for x in self.lessons)
                memory = (most + self.limits.scratch_mb + 256) << 20
                job.cgroups = self.host.cgroups.job(folder.name, self.limits.processes, memory)
            yield job
        finally:
            self._cleanup(job)
            if uid is not None:
                clear_keyrings(uid, self.children)
            if self.host.cgroups and job.cgroups:
                self.host.cgroups.remove(job.cgroups)
            shutil.rmtree(folder, ignore_errors=True)

    def limits_for(self, lesson: Lesson | None) -> Limits:
        """The run's limits, raised where the lesson needs more (course.toml)."""
        return self.limits.at_least(lesson.limits) if lesson is not None else self.limits

    def _boot_config(self, job: Job, probe: bool = False, lesson: Lesson | None = None) -> dict:
        limits = self.limits_for(lesson)
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
            "probe": probe,
            "secrets": [str(p) for p in self.secrets],
        }
        if self.host.namespaces:
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

    def _command(self, cfg: dict) -> list[str]:
        boot = Path(cfg["runtime"]) / "grader" / "examiner" / BOOT
        return [sys.executable, "-I", "-B", str(boot), json.dumps(cfg)]

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

    # -- the judge: the lesson's tests, in a process that never runs the submission

    def _judge_options(
        self, job: Job | None, extra: tuple[str, ...] = (), lesson: Lesson | None = None
    ) -> RunOptions:
        """How the judge runs: the instructor's copy of the grader and tests first on its
        path, and (for a job) LEARN_REMOTE saying how to start the job's sandbox."""
        judge = self.runtime / "judge"
        env = {
            **os.environ,
            "PYTHONPATH": str(judge),
            "HYPOTHESIS_STORAGE_DIRECTORY": str(judge / "hypothesis"),
            "OMP_NUM_THREADS": "1",
        }
        env.pop("LEARN_TARGET", None)
        if self.gpu == "skip":
            env["LEARN_GPU"] = "skip"
        limits = self.limits_for(lesson)
        if job is not None:
            cfg = self._boot_config(job, lesson=lesson)
            env["LEARN_REMOTE"] = json.dumps(
                {
                    "command": [*self._command(cfg), "{read}", "{write}"],
                    "env": self._env(job),
                    "cwd": str(job.folder),
                    "cleanup": {"cgroups": cfg["cgroups"], "uid": job.uid, "marker": job.marker},
                    "lesson_limit": limits.lesson_timeout,
                }
            )
        return RunOptions(
            timeout=limits.timeout,
            clock="cpu",
            env=env,
            spawn=self._spawn,
            pytest_args=extra,
        )

    def _spawn(self, args: list[str], env: dict, cwd: Path, pass_fd: int, output) -> Any:
        """Start a judge. It never imports a submission: it may keep the bytecode of the
        instructor's tests (compiled once, by the collection)."""
        env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        return self.children.start(
            [sys.executable, *args],
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
            pass_fds=(pass_fd,), env=env, cwd=cwd, start_new_session=True,
        )  # fmt: skip

    def _collect(self, lesson: Lesson) -> list[TestResult]:
        """The tests of `lesson` as the judge collects them (no submission involved)."""
        tests = self.runtime / "judge" / "grader" / "tests"
        folder = Path(tempfile.mkdtemp(prefix="collect-", dir=self.base))
        (folder / lesson.id).mkdir()
        try:
            result = run_lesson(
                self.course, lesson, folder, self._judge_options(None, ("--collect-only",)), tests
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if result.error or not result.tests:
            raise CourseError(f"the tests of {lesson.id} could not be collected: {result.error}")
        return [replace(t, hidden=f"/{HIDDEN}/" in t.test) for t in result.tests]

    def _write_runtime(self) -> None:
        """The judge's and the sandbox's runtime, the tests collected once (which also
        compiles them), and the manifest that says they are still as written."""
        with self._runtime_lock:
            shutil.rmtree(self.runtime, ignore_errors=True)
            write_runtime(self.course, self.hidden, self.runtime)
            os.chmod(self.runtime / "judge", 0o700)
            for lesson in self.lessons:
                self._expected[lesson.id] = self._collect(lesson)
            self.manifest = _hash_tree(self.runtime)

    @property
    def runtime(self) -> Path:
        """The judge's side (`judge/`) and the sandbox's (`sandbox/`): see write_runtime."""
        return self.base / "runtime"

    def _runtime_tampered(self) -> list[str]:
        """What a submission that runs as the grader's own user rewrote in the runtime;
        if anything, it is written anew, so that no later submission is judged by it.
        A sandbox user of its own can write none of it: then there is nothing to hash."""
        if self.host.users:
            return []
        with self._runtime_lock:
            changed = runtime_changes(self.runtime, self.manifest)
        if changed:
            self._write_runtime()
        return changed

    def expected(self, lesson: Lesson) -> list[TestResult]:
        return self._expected[lesson.id]

    def _cleanup(self, job: Job) -> None:
        """Kill everything the job started, then the orphans that came back to us."""
        marker = job.marker if not self.host.root or not job.cgroups else None
        kill_job(job.cgroups, job.uid, marker)
        self.children.reap_orphans()

    def _kill_user(self, uid: int) -> None:
        kill_job([], uid, None)

    # -- one lesson of one submission

    def grade_lesson(self, job: Job, lesson: Lesson, target: str) -> LessonResult:
        """Run the lesson's tests in the judge against the job's sandbox."""
        tests = self.runtime / "judge" / "grader" / "tests"
        judge = job.folder / "judge"
        (judge / lesson.id).mkdir(parents=True, exist_ok=True)
        self._runtime_tampered()  # by another job: judged by the tests as written
        options = self._judge_options(job, lesson=lesson)
        result = run_lesson(self.course, lesson, judge, options, tests)
        self._cleanup(job)
        result.target, result.isolation = target, self.stamp(lesson)
        hidden = {t.test for t in self._expected[lesson.id] if t.hidden}
        result.tests = [
            replace(t, hidden=t.test in hidden, message=t.message.replace(f"{job.work}/", ""))
            for t in result.tests
        ]
        if self.aborted.is_set():
            result.error = "grading was stopped"
        changed = self._runtime_tampered()
        if changed:
            forfeit(result, [f"the instructor's tests were modified on disk ({changed[0]}...)"])
        return result


def forfeit(result: LessonResult, violations: list[str]) -> None:
    """Results that cannot be trusted earn nothing, and say why."""
    reasons = list(dict.fromkeys(violations))
    result.error = "results not trusted, flagged for review: " + "; ".join(reasons[:3])
    result.flags = [*(f"forged: {r}" for r in reasons), *result.flags]
    result.outcome = Outcome.FORGED
    result.tests = [
        replace(t, status=Status.CRASHED, message="not graded: the results were not trusted")
        for t in result.tests
    ]
