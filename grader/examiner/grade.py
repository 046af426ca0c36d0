"""`learn grade`: grade a class's submissions, each shut in its own sandbox.

    grade(course, Path("submissions"), GradeOptions(out=Path("grades")))

finds the submissions, skips those already graded with the same tests (unless
`force`), grades the rest in parallel (one sandbox slot per job), writes each
submission's JSON as soon as it is done, then the CSV, the summary and the formats
asked for. `merge` joins the output folders of several shards; `bundle` builds a
Gradescope autograder. The work lives here; grader/cli.py only parses options.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import os
import queue
import re
import shlex
import shutil
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import grader
from grader.course import Course, CourseError, Lesson
from grader.examiner import formats
from grader.examiner.formats import MISSING, Graded
from grader.examiner.sandbox import (
    SKIPPED_NAMES,
    SKIPPED_SUFFIXES,
    Limits,
    Sandbox,
    find_exercises,
    stage,
    stub_lines,
    suspicious_lines,
)
from grader.results import LessonResult, Status

FORMATS = ("csv", "json", "junit", "gradescope")
TEMPLATES = Path(__file__).resolve().parent / "templates"
RESERVED = {"grades", "summary", "junit", "gradescope"}


class Cancelled(Exception):
    """The run was interrupted: what was not finished is not written."""


@dataclass
class GradeOptions:
    out: Path
    lessons: list[str] = field(default_factory=list)  # default: every lesson with tests
    tests: Path | None = None  # the instructor's hidden tests, laid out like grader/tests/
    jobs: int = os.cpu_count() or 1
    shard: tuple[int, int] | None = None  # (i, n): the i-th of n shares, 1-based
    formats: tuple[str, ...] = ()  # extra formats: junit, gradescope
    force: bool = False
    gpu: str = "skip"
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"
    hidden_visibility: str = "hidden"


@dataclass
class Submission:
    name: str  # as shown in the CSV
    folder: Path
    exercises: Path | None  # the folder that holds its lessonN/ folders
    flat: Lesson | None = None  # one lesson's files straight in the folder

    @property
    def file_stem(self) -> str:
        return safe_name(self.name)


@dataclass
class Report:
    graded: list[Graded]
    done: int = 0  # graded in this run
    skipped: int = 0  # already graded with the same tests (no --force)
    seconds: float = 0.0
    setup_seconds: float = 0.0  # making the sandbox: the runtime, the probe, the collection
    isolation: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def setup_failures(self) -> int:
        return sum(
            r.error.startswith("the sandbox could not") for sub in self.graded for r in sub.lessons
        )


def safe_name(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "submission"
    if stem.lower() in RESERVED:
        stem += "_"
    if stem != name:
        stem += "-" + hashlib.sha256(name.encode()).hexdigest()[:6]
    return stem


# ------------------------------------------------------------------------ submissions


def choose_lessons(course: Course, ids: list[str]) -> list[Lesson]:
    if ids:
        return [course.lesson(x) for x in ids]
    return [lesson for lesson in course.lessons if (course.tests_dir / lesson.id).is_dir()]


def find_submissions(folder: Path, course: Course, lessons: list[Lesson]) -> list[Submission]:
    """Each folder in `folder` is a submission (laid out like exercises/, or a course
    checkout with an exercises/); `folder` itself is one when it looks like one."""
    folder = folder.expanduser()
    if not folder.is_dir():
        raise CourseError(f"no such folder: {folder}")
    ids = [lesson.id for lesson in course.lessons]
    found = _as_submission(folder, folder.resolve().name or "submission", ids, lessons)
    if found is not None:
        return [found]
    subs = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
            continue
        sub = _as_submission(entry, entry.name, ids, lessons)
        subs.append(sub or Submission(entry.name, entry, None))
    if not subs:
        raise CourseError(f"{folder} holds no submissions (no folders in it)")
    return subs


def _as_submission(folder: Path, name: str, ids: list[str], lessons: list[Lesson]):
    exercises = find_exercises(folder, ids)
    if exercises is not None:
        return Submission(name, folder, exercises)
    if len(lessons) == 1:  # a lesson's files handed in loose, as on Gradescope
        files = {e.file for e in lessons[0].exercises}
        if any((folder / f).is_file() for f in files):
            return Submission(name, folder, folder, flat=lessons[0])
    return None


def select_shard(subs: list[Submission], shard: tuple[int, int] | None) -> list[Submission]:
    """Round robin over the submissions sorted by name: shard i of n (1-based)."""
    if not shard:
        return subs
    i, n = shard
    if not 1 <= i <= n:
        raise CourseError(f"--shard {i}/{n}: I must be between 1 and N")
    return [s for k, s in enumerate(sorted(subs, key=lambda s: s.name)) if k % n == i - 1]


def parse_shard(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or int(match[2]) < 1:
        raise CourseError(f"--shard {text!r}: write it as I/N, e.g. 1/4")
    return int(match[1]), int(match[2])


# --------------------------------------------------------------------------- hashing


def _hash_files(digest, folder: Path, skip_hidden: bool = True) -> None:
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_NAMES)
        for name in sorted(files):
            if name.endswith(SKIPPED_SUFFIXES):
                continue
            path = Path(root, name)
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            if path.is_symlink():
                digest.update(b"link:" + os.readlink(path).encode())
            elif path.is_file():
                with contextlib.suppress(OSError):
                    digest.update(hashlib.sha256(path.read_bytes()).digest())


def grading_key(course: Course, lessons: list[Lesson], options: GradeOptions) -> str:
    """Everything a grade depends on but the submission: a rerun with another key
    grades again."""
    digest = hashlib.sha256()
    package = Path(grader.__file__).resolve().parent
    for module in grader.source_files():
        name = module.relative_to(package).as_posix()
        digest.update(name.encode() + hashlib.sha256(module.read_bytes()).digest())
    _hash_files(digest, course.tests_dir)
    if options.tests:
        _hash_files(digest, options.tests)
    settings = {
        "lessons": [lesson.id for lesson in lessons],
        "limits": vars(options.limits),
        "gpu": options.gpu,
        "isolation": options.isolation,
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def submission_key(sub: Submission, lessons: list[Lesson], base: str) -> str:
    digest = hashlib.sha256(base.encode())
    if sub.exercises is not None:
        if sub.flat:
            for name in sorted(os.listdir(sub.exercises)):
                path = sub.exercises / name
                if name.endswith(".py") and path.is_file():
                    digest.update(name.encode() + hashlib.sha256(path.read_bytes()).digest())
        else:
            for lesson in lessons:  # a later lesson may import an earlier one: all of them
                digest.update(lesson.id.encode())
            for folder in sorted(os.listdir(sub.exercises)):
                digest.update(folder.encode())
                _hash_files(digest, sub.exercises / folder)
    return digest.hexdigest()


# --------------------------------------------------------------------------- grading


def grade(
    course: Course,
    submissions: Path,
    options: GradeOptions,
    on_start: Callable[[int, int], None] | None = None,
    on_done: Callable[[Graded, bool], None] | None = None,
) -> Report:
    """Grade every submission in `submissions` (one shard of them) into `options.out`."""
    started = time.monotonic()
    lessons = choose_lessons(course, options.lessons)
    if not lessons:
        raise CourseError("no lesson to grade: the course has no tests")
    if options.tests is not None and not options.tests.is_dir():
        raise CourseError(f"--tests: no such folder: {options.tests}")
    subs = select_shard(find_submissions(submissions, course, lessons), options.shard)
    out = options.out.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".tmp-*"):  # left by an interrupted run
        with contextlib.suppress(OSError):
            stale.unlink()
    base_key = grading_key(course, lessons, options)
    results: dict[str, Graded] = {}
    todo: list[tuple[Submission, str]] = []
    for sub in subs:
        key = submission_key(sub, lessons, base_key)
        previous = _load(out / f"{sub.file_stem}.json")
        if previous is not None and previous.key == key and not options.force:
            results[sub.name] = previous
        else:
            todo.append((sub, key))
    report = Report(graded=[], skipped=len(results))
    if on_start:
        on_start(len(subs), len(results))
    for sub in subs:
        if sub.name in results and on_done:
            on_done(results[sub.name], True)
    if todo:
        jobs = max(1, min(options.jobs, len(todo)))
        secrets = [submissions.expanduser().resolve(), out]
        setup = time.monotonic()
        with Sandbox(
            course,
            lessons,
            options.limits,
            hidden=options.tests,
            secrets=secrets,
            slots=jobs,
            gpu=options.gpu,
            isolate=options.isolation,
        ) as sandbox:
            report.setup_seconds = time.monotonic() - setup
            report.isolation = sandbox.stamp()
            report.warnings = list(sandbox.host.warnings)
            finished = _run_pool(sandbox, todo, lessons, jobs, out, options)
            try:
                for graded in finished:
                    results[graded.submission] = graded
                    report.done += 1
                    if on_done:
                        on_done(graded, False)
            finally:
                finished.close()  # on an interrupt: stop the workers before the sandbox goes
    report.graded = [results[s.name] for s in subs if s.name in results]
    write_reports(out, report.graded, options.formats, options.hidden_visibility)
    report.seconds = time.monotonic() - started
    return report


def _run_pool(sandbox: Sandbox, todo, lessons, jobs: int, out: Path, options: GradeOptions):
    """Grade `todo` on `jobs` threads, one sandbox slot each; yield each as it is done."""
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)
    cancelled = threading.Event()

    def work(sub: Submission, key: str) -> Graded:
        slot = slots.get()
        try:
            if cancelled.is_set():
                raise Cancelled
            try:
                graded = grade_submission(sandbox, slot, sub, lessons, key, cancelled)
            except Cancelled:
                raise
            except Exception as exc:  # the grader's own failure: this one, not the class
                graded = failed(sandbox, sub, lessons, exc)
            if cancelled.is_set():
                raise Cancelled  # finished while stopping: it may have been cut short
            _write_submission(out, sub, graded, options)
            return graded
        finally:
            slots.put(slot)

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade")
    futures = [pool.submit(work, sub, key) for sub, key in todo]
    try:
        for future in concurrent.futures.as_completed(futures):
            yield future.result()
    except BaseException:
        cancelled.set()
        for future in futures:
            future.cancel()
        sandbox.abort()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def grade_submission(
    sandbox: Sandbox,
    slot: int,
    sub: Submission,
    lessons: list[Lesson],
    key: str = "",
    cancelled: threading.Event | None = None,
) -> Graded:
    started = time.monotonic()
    graded = Graded(sub.name, [], key=key, source=str(sub.folder))
    with sandbox.job(sub.name, slot) as job:
        every = list(sandbox.course.lessons)
        staged = stage(sub.exercises, job.stage, every, flat=sub.flat)
        lesson_notes: dict[str, list[str]] = {}
        for note in staged.notes:
            owner = next((x for x in staged.lessons if f" {x}/" in note), None)
            (lesson_notes.setdefault(owner, []) if owner else graded.notes).append(note)
        if sub.exercises is None:
            graded.notes.append("no lesson folders found in this submission")
        for lesson in lessons:
            if cancelled is not None and cancelled.is_set():
                raise Cancelled
            if lesson.id not in staged.lessons:
                graded.lessons.append(missing(sandbox, lesson, sub.name))
                continue
            result = sandbox.grade_lesson(job, lesson, sub.name)
            result.flags += lesson_notes.get(lesson.id, [])
            known = stub_lines(sandbox.course.exercises_dir / lesson.id)
            result.flags += suspicious_lines(job.stage / lesson.id, known)
            graded.lessons.append(result)
    graded.graded_at = datetime.now(UTC).isoformat(timespec="seconds")
    graded.seconds = time.monotonic() - started
    return graded


def failed(sandbox: Sandbox, sub: Submission, lessons: list[Lesson], exc: Exception) -> Graded:
    """A submission the grader itself could not grade: an error, not a zero."""
    why = f"the sandbox could not grade this submission: {type(exc).__name__}: {exc}"
    results = [
        LessonResult(
            lesson=lesson.id,
            target=sub.name,
            tests=[
                replace(t, status=Status.CRASHED, message=why) for t in sandbox.expected(lesson)
            ],
            error=why,
            isolation=sandbox.stamp(),
        )
        for lesson in lessons
    ]
    return Graded(sub.name, results, key="", source=str(sub.folder))


def missing(sandbox: Sandbox, lesson: Lesson, name: str) -> LessonResult:
    """A lesson the submission does not have: every test an error, nothing run."""
    why = f"the submission has no {lesson.id}/ folder"
    tests = [
        replace(t, status=Status.NOT_RUN if t.gpu and sandbox.gpu == "skip" else Status.ERROR,
                message=why)
        for t in sandbox.expected(lesson)
    ]  # fmt: skip
    return LessonResult(
        lesson=lesson.id,
        target=name,
        tests=tests,
        error=MISSING + why,
        isolation="not run: nothing to grade",
    )


def _load(path: Path) -> Graded | None:
    try:
        return Graded.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_submission(out: Path, sub: Submission, graded: Graded, options: GradeOptions) -> None:
    formats.write_atomic(out / f"{sub.file_stem}.json", formats.submission_json(graded))
    if "gradescope" in options.formats:
        data = formats.gradescope(graded, options.hidden_visibility)
        formats.write_atomic(out / "gradescope" / f"{sub.file_stem}.json", json.dumps(data))


def write_reports(
    out: Path, graded: list[Graded], extra: tuple[str, ...] = (), hidden_visibility="hidden"
) -> None:
    """The files made from every submission: grades.csv, summary.md, and junit.xml or
    gradescope/ when asked for."""
    formats.write_atomic(out / "grades.csv", formats.grades_csv(graded))
    formats.write_atomic(out / "summary.md", formats.summary_markdown(graded))
    if "junit" in extra:
        formats.write_atomic(out / "junit.xml", formats.junit_xml(graded))
    if "gradescope" in extra:
        for sub in graded:
            path = out / "gradescope" / f"{safe_name(sub.submission)}.json"
            data = formats.gradescope(sub, hidden_visibility)
            formats.write_atomic(path, json.dumps(data))


# ----------------------------------------------------------------------------- merge


def merge(folders: list[Path], out: Path, extra: tuple[str, ...] = ()) -> list[Graded]:
    """Join the output folders of several runs (e.g. the shards of a CI matrix) into
    `out`; a submission graded in more than one keeps its latest grade."""
    found: dict[str, Graded] = {}
    for folder in folders:
        if not folder.is_dir():
            raise CourseError(f"no such folder: {folder}")
        for path in sorted(folder.glob("*.json")):
            graded = _load(path)
            if graded is None:
                continue
            known = found.get(graded.submission)
            if known is None or graded.graded_at >= known.graded_at:
                found[graded.submission] = graded
    if not found:
        raise CourseError(
            "nothing to merge: no submission results in " + ", ".join(map(str, folders))
        )
    out.mkdir(parents=True, exist_ok=True)
    graded = [found[name] for name in sorted(found)]
    for sub in graded:
        formats.write_atomic(
            out / f"{safe_name(sub.submission)}.json", formats.submission_json(sub)
        )
    write_reports(out, graded, extra)
    return graded


# ---------------------------------------------------------------------------- bundle


def bundle(
    course: Course,
    dest: Path,
    lessons: list[str] = (),
    tests: Path | None = None,
    limits: Limits | None = None,
    hidden_visibility: str = "hidden",
) -> Path:
    """A Gradescope autograder: `dest/` holds setup.sh, run_autograder and the course
    without its solutions or exercises; `dest/autograder.zip` is what to upload."""
    chosen = choose_lessons(course, list(lessons))
    limits = limits or Limits()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    root = course.root
    for name in ("course.toml", "pyproject.toml", "constraints.txt", "README.md"):
        if (root / name).is_file():
            shutil.copy2(root / name, dest / name)
    shutil.copytree(root / "grader", dest / "grader", ignore=ignore)
    shutil.rmtree(dest / "grader" / "mutants", ignore_errors=True)
    if tests is not None:
        if not tests.is_dir():
            raise CourseError(f"--tests: no such folder: {tests}")
        shutil.copytree(tests, dest / "hidden-tests", ignore=ignore)
    args = ["--format", "gradescope", "--jobs", "1", "--hidden-visibility", hidden_visibility]
    for lesson in chosen:
        args += ["--lesson", lesson.id]
    if tests is not None:
        args += ["--tests", "/autograder/source/hidden-tests"]
    args += ["--timeout", f"{limits.timeout:g}", "--lesson-timeout", f"{limits.lesson_timeout:g}"]
    args += ["--memory", str(limits.memory_mb), "--processes", str(limits.processes)]
    values = {"LEARN_ARGS": " ".join(shlex.quote(a) for a in args)}
    for name in ("setup.sh", "run_autograder"):
        text = (TEMPLATES / "gradescope" / name).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        (dest / name).write_text(text, encoding="utf-8")
        os.chmod(dest / name, 0o755)
    archive = dest / "autograder.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(dest.rglob("*")):
            if path.is_file() and path != archive:
                info = zipfile.ZipInfo.from_file(path, path.relative_to(dest).as_posix())
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
    return archive


def workflow(name: str) -> str:
    """A GitHub Actions workflow template: `student` (per-student repository) or
    `roster` (the instructor's repository grading the class)."""
    path = TEMPLATES / "github" / f"{name}.yml"
    if not path.is_file():
        raise CourseError(f"no workflow template {name!r}: choose student or roster")
    return path.read_text(encoding="utf-8")
