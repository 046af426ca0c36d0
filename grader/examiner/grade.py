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
import math
import os
import queue
import re
import shlex
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import grader
from grader.course import Course, CourseError, Lesson
from grader.examiner import deadline, formats, similarity
from grader.examiner.formats import Graded
from grader.examiner.host import Limits
from grader.examiner.sandbox import Sandbox
from grader.examiner.staging import (
    SKIPPED_NAMES,
    SKIPPED_SUFFIXES,
    STAGE_MAX_FILE,
    Layout,
    exercise_files,
    file_names,
    find_exercises,
    plan,
    read_chunks,
    shown,
    stage,
    stub_lines,
    suspicious_lines,
    walk,
)
from grader.results import LessonResult, Outcome, Status

FORMATS = ("csv", "json", "junit", "gradescope", "classroom")
TEMPLATES = Path(__file__).resolve().parent / "templates"
RESERVED = {
    "grades",
    "gradebook",
    "feedback",
    "scores",
    "summary",
    "junit",
    "gradescope",
    "classroom",
    "run",
}
BUNDLED_FILES = ("course.toml", "pyproject.toml", "constraints.txt", "README.md")
BUNDLE_MANIFEST = ".learn-bundle.json"  # what a bundle wrote: all a rebuild may remove
BUNDLE_KIND = "learn-grade-bundle"
BUNDLE_SETTINGS = "GRADESCOPE-SETTINGS.txt"  # for the instructor; not in the zip


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
    only: list[str] = field(default_factory=list)  # just these submissions, by name
    gpu: str = "skip"
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"
    hidden_visibility: str = "hidden"
    single: bool | None = None  # SUBMISSIONS is one submission; None: see find_submissions
    students: Path | None = None  # students.csv: submission -> id, email (the gradebook)
    policy: deadline.Policy | None = None  # a deadline and late days: see deadline.py
    balance_from: Path | None = None  # an earlier run's OUT: shards balanced by its times


@dataclass
class Submission:
    name: str  # as shown in the CSV
    folder: Path
    layout: Layout | None  # where its lesson folders are
    flat: Lesson | None = None  # one lesson's files straight in the folder
    version: deadline.Version | None = None  # under a deadline: what is graded, and when

    @property
    def exercises(self) -> Path | None:
        """The folder that holds its lesson folders (or its files, when `flat`)."""
        return self.layout.root if self.layout else None

    @property
    def file_stem(self) -> str:
        return safe_name(self.name)


@dataclass
class Report:
    graded: list[Graded]  # this run's submissions, graded now or reused
    done: int = 0  # graded in this run
    skipped: int = 0  # already graded with the same tests (no --force): reused
    shaky: list[str] = field(default_factory=list)  # reused, with a test timed out or crashed
    kept: list[Graded] = field(default_factory=list)  # the output folder's other results
    seconds: float = 0.0
    setup_seconds: float = 0.0  # making the sandbox: the runtime, the probe, the collection
    isolation: str = ""
    warnings: list[str] = field(default_factory=list)
    similar: int | None = None  # pairs in similarity.md; None: not looked for

    @property
    def setup_failures(self) -> int:
        return sum(r.outcome is Outcome.UNGRADED for sub in self.graded for r in sub.lessons)

    @property
    def results(self) -> list[Graded]:
        """What grades.csv holds: this run's results and every other one in the folder."""
        return sorted([*self.graded, *self.kept], key=lambda g: g.submission)


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


def find_submissions(
    folder: Path, course: Course, lessons: list[Lesson], single: bool | None = None
) -> list[Submission]:
    """Each folder in `folder` is a submission (laid out like exercises/, or a course
    checkout with an exercises/), or `folder` itself is one (`single`). Unasked (None),
    `folder` is one only when it looks like one and holds no other folder: a student's
    repository named lesson1 among the others must not turn the class into one."""
    folder = folder.expanduser()
    if not folder.is_dir():
        raise CourseError(f"no such folder: {shown(str(folder))}")
    ids = [lesson.id for lesson in course.lessons]
    name = shown(folder.resolve().name) or "submission"
    if single:
        return [_as_submission(folder, name, ids, lessons) or Submission(name, folder, None)]
    itself = _as_submission(folder, name, ids, lessons, nested=False)
    entries = [
        entry
        for entry in sorted(folder.iterdir())
        if not entry.name.startswith(".") and entry.is_dir() and not entry.is_symlink()
    ]
    if itself is not None and single is None:
        own = set() if itself.flat else {itself.exercises, *(itself.exercises / x for x in ids)}
        others = [shown(entry.name) for entry in entries if entry not in own]
        if not others:
            return [itself]
        more = ", ..." if len(others) > 5 else ""
        raise CourseError(
            f"{shown(str(folder))} looks like one submission ({_layout(itself, ids)}) but also "
            f"holds {len(others)} other folder(s) ({', '.join(others[:5])}{more}): pass "
            "--roster to grade each folder in it as a submission, or --single to grade it as one"
        )
    subs = [
        _as_submission(entry, shown(entry.name), ids, lessons)
        or Submission(shown(entry.name), entry, None)
        for entry in entries
    ]
    if not subs:
        raise CourseError(f"{shown(str(folder))} holds no submissions (no folders in it)")
    return subs


def _as_submission(
    folder: Path, name: str, ids: list[str], lessons: list[Lesson], nested: bool = True
):
    layout = find_exercises(folder, ids, nested)
    if layout is not None:
        return Submission(name, folder, layout)
    if len(lessons) == 1:  # a lesson's files handed in loose, as on Gradescope
        files = {e.file for e in lessons[0].exercises}
        if exercise_files(file_names(folder), files):
            return Submission(name, folder, Layout(folder, {}), flat=lessons[0])
    return None


def _layout(sub: Submission, ids: list[str]) -> str:
    """What made a folder look like a submission, for a message."""
    if sub.flat:
        return f"{sub.flat.id}'s files at its top"
    where = "" if sub.exercises == sub.folder else f"{sub.exercises.relative_to(sub.folder)}/"
    return "it holds " + ", ".join(f"{where}{name}/" for name in sub.layout.folders.values())


def on_time(
    subs: list[Submission],
    course: Course,
    lessons: list[Lesson],
    options: GradeOptions,
    into: Path,
) -> list[Submission]:
    """Each submission as the late policy grades it: a repository as its last commit in
    time, read out into `into`; anything else as it is, late by students.csv's time."""
    if options.policy is None:
        return subs
    students = formats.read_students(options.students) if options.students else []
    times = {row["submission"]: row.get("submitted_at", "") for row in students}
    ids = [lesson.id for lesson in course.lessons]
    chosen = []
    for k, sub in enumerate(subs):
        version = deadline.choose(
            sub.folder, options.policy, into / str(k), times.get(sub.name, "")
        )
        if version.folder is None:
            sub = Submission(sub.name, sub.folder, None)
        elif version.folder != sub.folder:
            found = _as_submission(version.folder, sub.name, ids, lessons)
            sub = replace(found or Submission(sub.name, sub.folder, None), folder=sub.folder)
        chosen.append(replace(sub, version=version))
    return chosen


def select_shard(
    subs: list[Submission], shard: tuple[int, int] | None, expected: dict[str, float] | None = None
) -> list[Submission]:
    """Shard i of n (1-based): the submissions dealt out longest expected first, each to
    the share with the least expected time so far (ties by name, so every shard's run
    deals alike). With nothing known, every lesson a submission has counts the same."""
    if not shard:
        return subs
    i, n = shard
    if not 1 <= i <= n:
        raise CourseError(f"--shard {i}/{n}: I must be between 1 and N")
    cost = {s.name: (expected or {}).get(s.name, _lesson_count(s)) for s in subs}
    loads = [0.0] * n
    mine = []
    for sub in sorted(subs, key=lambda s: (-cost[s.name], s.name)):
        share = loads.index(min(loads))
        loads[share] += cost[sub.name]
        if share == i - 1:
            mine.append(sub)
    return sorted(mine, key=lambda s: s.name)


def _lesson_count(sub: Submission) -> float:
    """A submission's expected time, in lessons: one without any takes next to none."""
    if sub.flat:
        return 1.0
    return float(len(sub.layout.folders)) if sub.layout and sub.layout.folders else 0.1


def expected_times(folder: Path | None) -> dict[str, float]:
    """--balance-from: each submission's grading time in an earlier run's results."""
    if folder is None:
        return {}
    if not folder.is_dir():
        raise CourseError(f"--balance-from: no such folder: {shown(str(folder))}")
    return {name: max(g.seconds, 0.01) for name, g in collect([folder]).items()}


def select_only(subs: list[Submission], names: list[str]) -> list[Submission]:
    """--only: the submissions named; a name not in the class is a typo, not an empty run."""
    if not names:
        return subs
    wanted = {name.rstrip("/") for name in names}
    unknown = sorted(wanted - {s.name for s in subs})
    if unknown:
        known = ", ".join(s.name for s in subs[:10]) + (", ..." if len(subs) > 10 else "")
        raise CourseError(
            f"--only {', '.join(unknown)}: no such submission in SUBMISSIONS (it holds {known})"
        )
    return [s for s in subs if s.name in wanted]


def parse_shard(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or int(match[2]) < 1:
        raise CourseError(f"--shard {text!r}: write it as I/N, e.g. 1/4")
    return int(match[1]), int(match[2])


# --------------------------------------------------------------------------- hashing


def _hash_files(digest, folder: Path) -> None:
    """Every file below `folder` (the instructor's tests) by name and content, a link by
    where it points, and one over STAGE_MAX_FILE (a data set) by size and time: walked
    without recursion, read in chunks, never followed."""
    for rel, entry in walk(folder, max_entries=None):
        name = os.fsencode(rel) + b"\0"
        if entry is None:
            digest.update(b"unreadable " + name)
        elif entry.is_symlink():
            digest.update(name + b"link:" + os.fsencode(os.readlink(entry.path)))
        elif entry.is_file(follow_symlinks=False) and not entry.name.endswith(SKIPPED_SUFFIXES):
            info = entry.stat(follow_symlinks=False)
            if info.st_size > STAGE_MAX_FILE:
                digest.update(name + f"{info.st_size} bytes at {info.st_mtime_ns}".encode())
            else:
                digest.update(name + _content(entry.path, info.st_size))


def _content(path: str, limit: int) -> bytes:
    """The sha256 of a file's first `limit` bytes, read in chunks."""
    digest = hashlib.sha256()
    try:
        for chunk in read_chunks(path, limit):
            digest.update(chunk)
    except OSError as exc:  # gone or changed since it was listed: grade it again next time
        return f"unreadable: {exc}".encode(errors="backslashreplace")
    return digest.digest()


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
        "policy": options.policy.settings() if options.policy else None,
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def submission_key(sub: Submission, lessons: list[Lesson], base: str) -> str:
    """`base` and what `stage` takes of the submission from `lessons` (all of the
    course's: a later lesson may import an earlier one), by the same plan and budgets,
    so that a hostile submission cannot make hashing it cost more than staging it."""
    digest = hashlib.sha256(base.encode())
    picked = plan(sub.layout, lessons, sub.flat)
    for text in [*picked.lessons, *picked.notes, *picked.folders]:
        digest.update(os.fsencode(text) + b"\0")
    for rel, path, size in picked.files:
        digest.update(os.fsencode(rel) + b"\0" + _content(path, size))
    if sub.version is not None:
        v = sub.version
        digest.update(json.dumps([v.commit, str(v.submitted), v.days_late, v.deduction]).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- grading


def grade(
    course: Course,
    submissions: Path,
    options: GradeOptions,
    on_start: Callable[[int, int], None] | None = None,
    on_done: Callable[[Graded, bool], None] | None = None,
) -> Report:
    """Grade every submission in `submissions` (one shard of them, or those `only`
    names) into `options.out`; its CSV and summary keep every other result there too."""
    started = time.monotonic()
    lessons = choose_lessons(course, options.lessons)
    if not lessons:
        raise CourseError("no lesson to grade: the course has no tests")
    if options.tests is not None and not options.tests.is_dir():
        raise CourseError(f"--tests: no such folder: {options.tests}")
    if options.tests is not None and not any((options.tests / x.id).is_dir() for x in lessons):
        names = ", ".join(f"{x.id}/" for x in lessons)
        raise CourseError(f"--tests {options.tests} has no folder of the lessons graded ({names})")
    check_out(options.out, submissions)
    if options.gpu == "require":  # refused before OUT gets a file
        from grader.plugin import available_devices

        if not available_devices():
            raise CourseError("--gpu require: this machine has no CUDA or MPS device")
    found = find_submissions(submissions, course, lessons, options.single)
    expected = expected_times(options.balance_from)
    subs = select_shard(select_only(found, options.only), options.shard, expected)
    with tempfile.TemporaryDirectory(prefix="learn-versions-") as versions:
        subs = on_time(subs, course, lessons, options, Path(versions))
        report = _grade(course, submissions, found, subs, lessons, options, on_start, on_done)
    report.seconds = time.monotonic() - started
    return report


def check_out(out: Path, submissions: Path) -> None:
    """OUT is new, empty, or an earlier run's: never a folder of other files that the
    reports would overwrite, nor one inside SUBMISSIONS, where it would be graded."""
    out, submissions = out.expanduser().resolve(), submissions.expanduser().resolve()
    if out == submissions or out.is_relative_to(submissions):
        raise CourseError(
            f"--out {out} is inside SUBMISSIONS ({submissions}): the next run would grade it "
            "as a submission; choose a folder outside it"
        )
    if not out.is_dir() or (out / RUN_RECORD).exists():
        return
    if any(_load(path) is not None for path in out.glob("*.json")):  # a merge's OUT
        return
    found = [entry.name for entry in sorted(out.iterdir()) if not entry.name.startswith(".tmp-")]
    if found:
        more = ", ..." if len(found) > 3 else ""
        raise CourseError(
            f"--out {out} holds files learn grade did not write ({', '.join(found[:3])}{more}): "
            "choose a new or empty folder; nothing was changed"
        )


def _grade(course, submissions, found, subs, lessons, options, on_start, on_done) -> Report:
    out = options.out.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob(".tmp-*"):  # left by an interrupted run
        with contextlib.suppress(OSError):
            stale.unlink()
    record_run(out, found, subs, options)
    keep_students(out, options.students)
    base_key = grading_key(course, lessons, options)
    results: dict[str, Graded] = {}
    todo: list[tuple[Submission, str, Graded | None]] = []  # with its earlier result
    for sub in subs:
        key = submission_key(sub, course.lessons, base_key)
        previous = _load(out / f"{sub.file_stem}.json")
        if previous is not None and previous.key == key and not options.force:
            results[sub.name] = previous
        else:
            todo.append((sub, key, previous))
    shaky = [name for name, previous in results.items() if load_sensitive(previous)]
    report = Report(graded=[], skipped=len(results), shaky=shaky)
    if on_start:
        on_start(len(subs), len(results))
    for sub in subs:
        if sub.name in results and on_done:
            on_done(results[sub.name], True)
    if todo:
        jobs = max(1, min(options.jobs, len(todo)))
        secrets = [submissions.expanduser().resolve(), out]
        secrets += [s.layout.root for s in subs if s.version and s.layout]  # read out here
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
            finished = _run_pool(sandbox, todo, lessons, sandbox.slots, out, options)
            try:
                for graded in finished:
                    results[graded.submission] = graded
                    report.done += 1
                    if on_done:
                        on_done(graded, False)
            finally:
                finished.close()  # on an interrupt: stop the workers before the sandbox goes
    report.graded = [results[s.name] for s in subs if s.name in results]
    report.kept = [g for name, g in collect([out]).items() if name not in results]
    if len(found) > 1:  # the whole class, whatever share of it this run graded
        report.similar = similarity.write(out, course, found, lessons)
    write_reports(out, report.results, options.formats, options.hidden_visibility)
    return report


def _run_pool(sandbox: Sandbox, todo, lessons, jobs: int, out: Path, options: GradeOptions):
    """Grade `todo` on `jobs` threads, one sandbox slot each; yield each as it is done."""
    slots: queue.Queue[int] = queue.Queue()
    for slot in range(jobs):
        slots.put(slot)
    cancelled = threading.Event()

    def work(sub: Submission, key: str, earlier: Graded | None) -> Graded:
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
            graded = keep_other_lessons(graded, earlier, sandbox.course)
            _write_submission(out, sub, graded, options, sandbox.course)
            return graded
        finally:
            slots.put(slot)

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade")
    futures = [pool.submit(work, *job) for job in todo]
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
        staged = stage(sub.layout, job.stage, every, flat=sub.flat)
        lesson_notes: dict[str, list[str]] = {x: [] for x in staged.lessons}
        for note in staged.notes:
            owner = next((x for x in staged.lessons if f" {x}/" in note), None)
            (lesson_notes[owner] if owner else graded.notes).append(note)
        for x in staged.lessons:  # every staged lesson: one graded may run another's files
            known = stub_lines(sandbox.course.exercises_dir / x)
            lesson_notes[x] += suspicious_lines(job.stage / x, known)
        version = sub.version
        if version is not None:
            graded.submitted_at = version.submitted.isoformat() if version.submitted else ""
            graded.commit, graded.days_late = version.commit, version.days_late
            graded.deduction = version.deduction
            graded.notes += [version.note] if version.note else []
        if sub.exercises is None and (version is None or version.folder is not None):
            graded.notes.append("no lesson folders found in this submission")
        for lesson in lessons:
            if cancelled is not None and cancelled.is_set():
                raise Cancelled
            if lesson.id not in staged.lessons:
                graded.lessons.append(missing(sandbox, lesson, sub.name))
                continue
            result = sandbox.grade_lesson(job, lesson, sub.name)
            result.flags += lesson_notes.pop(lesson.id)
            graded.lessons.append(result)
        graded.notes += [note for notes in lesson_notes.values() for note in notes]
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
            outcome=Outcome.UNGRADED,
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
        error=why,
        isolation="not run: nothing to grade",
        outcome=Outcome.MISSING,
    )


def _load(path: Path) -> Graded | None:
    try:
        return Graded.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def collect(folders: list[Path]) -> dict[str, Graded]:
    """The submission results in `folders` (their <submission>.json), by submission: the
    reports are made from these, so a run that grades some keeps the others."""
    found: dict[str, Graded] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            graded = _load(path)
            if graded is not None:
                _keep_latest(found, graded)
    return found


def _keep_latest(found: dict[str, Graded], graded: Graded) -> None:
    known = found.get(graded.submission)
    if known is None or graded.graded_at >= known.graded_at:
        found[graded.submission] = graded  # graded in more than one: the latest


def load_sensitive(graded: Graded) -> bool:
    """A test timed out or crashed: a busy machine can cause either, so a rerun that
    reuses this result may keep a grade the load made."""
    return any(
        t.status in (Status.TIMED_OUT, Status.CRASHED) for r in graded.lessons for t in r.tests
    )


def keep_other_lessons(graded: Graded, earlier: Graded | None, course: Course) -> Graded:
    """A run grades the lessons it was asked for: what an earlier run into the same OUT
    found for the submission's other lessons stays (lesson 1 in week 3, lesson 5 in week
    8), in the course's order."""
    if earlier is None or earlier.submission != graded.submission:
        return graded
    now = {result.lesson for result in graded.lessons}
    order = {lesson.id: index for index, lesson in enumerate(course.lessons)}
    kept = [result for result in earlier.lessons if result.lesson not in now]
    graded.lessons = sorted(kept + graded.lessons, key=lambda r: order.get(r.lesson, len(order)))
    return graded


def _write_submission(
    out: Path, sub: Submission, graded: Graded, options: GradeOptions, course: Course
) -> None:
    formats.write_atomic(out / f"{sub.file_stem}.json", formats.submission_json(graded))
    feedback = formats.feedback_text(graded, course)
    formats.write_atomic(out / "feedback" / f"{sub.file_stem}.txt", feedback)
    _write_platforms(out, graded, options.formats, options.hidden_visibility)


def _write_platforms(out: Path, graded: Graded, extra, hidden_visibility: str) -> None:
    """A submission's file for each platform asked for: OUT/<platform>/<submission>.json."""
    stem = safe_name(graded.submission)
    if "gradescope" in extra:
        data = formats.gradescope(graded, hidden_visibility)
        formats.write_atomic(out / "gradescope" / f"{stem}.json", json.dumps(data))
    if "classroom" in extra:
        data = formats.classroom(graded)
        formats.write_atomic(out / "classroom" / f"{stem}.json", json.dumps(data))


def write_reports(
    out: Path,
    graded: list[Graded],
    extra: tuple[str, ...] = (),
    hidden_visibility="hidden",
    missing: list[str] = (),
) -> None:
    """The files made from every submission: grades.csv, summary.md (naming `missing`
    submissions, which have no result), and junit.xml, gradescope/ or classroom/ when
    asked for or made by an earlier run (a report in OUT never goes stale)."""
    made = {"junit": "junit.xml", "gradescope": "gradescope", "classroom": "classroom"}
    extra = (*extra, *(kind for kind, name in made.items() if (out / name).exists()))
    formats.write_atomic(out / "grades.csv", formats.grades_csv(graded))
    students = formats.read_students(out / STUDENTS) if (out / STUDENTS).is_file() else []
    formats.write_atomic(out / "gradebook.csv", formats.gradebook_csv(graded, students))
    summary = formats.summary_markdown(graded, missing)
    if (out / "similarity.md").is_file():
        summary += "\nFiles that look alike across the class (a hint): see similarity.md\n"
    formats.write_atomic(out / "summary.md", summary)
    formats.write_atomic(out / "scores.svg", formats.scores_svg(graded))
    if "junit" in extra:
        formats.write_atomic(out / "junit.xml", formats.junit_xml(graded))
    for sub in graded:
        _write_platforms(out, sub, extra, hidden_visibility)


# ----------------------------------------------------------------------------- merge

RUN_RECORD = "run.json"  # the class a run was part of: what merge checks a join against
STUDENTS = "students.csv"  # the instructor's list, kept in OUT: every gradebook uses it


def keep_students(out: Path, students: Path | None) -> None:
    """Check the instructor's students.csv and keep a copy in OUT for every report."""
    if students is not None:
        formats.read_students(students)  # a clear error now, not a broken gradebook later
        formats.write_atomic(out / STUDENTS, students.read_text(encoding="utf-8-sig"))


def record_run(out: Path, found: list[Submission], subs: list[Submission], options) -> None:
    """What this run was asked to grade, out of which class, with hidden tests or not."""
    record = {
        "class": sorted(s.name for s in found),
        "graded": sorted(s.name for s in subs),
        "shard": list(options.shard) if options.shard else None,
        "hidden_tests": options.tests is not None,
    }
    formats.write_atomic(out / RUN_RECORD, json.dumps(record, indent=2))


def _run_record(folder: Path) -> dict:
    try:
        data = json.loads((folder / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def with_hidden_tests(graded: Graded) -> bool | None:
    """Whether the submission was graded with the instructor's hidden tests (None: no
    lesson of it ran, so it cannot tell)."""
    ran = [r for r in graded.lessons if r.isolation.startswith("learn grade examiner")]
    return any("and hidden tests" in r.isolation for r in ran) if ran else None


@dataclass
class Merged:
    graded: list[Graded]
    missing: list[str]  # in a run's class, with a result in none of the folders


def merge(
    folders: list[Path], out: Path, extra: tuple[str, ...] = (), students: Path | None = None
) -> Merged:
    """Join the output folders of several runs (e.g. the shards of a CI matrix) into
    `out`, with the results `out` already holds; a submission graded in more than one
    keeps its latest grade. Runs with and without hidden tests are never mixed; a
    submission of the class that no folder has a result for is named (a shard failed)."""
    for folder in folders:
        if not folder.is_dir():
            raise CourseError(f"no such folder: {folder}")
    by_folder = {folder: collect([folder]) for folder in [out, *folders]}
    if not any(by_folder[folder] for folder in folders):
        raise CourseError(
            "nothing to merge: no submission results in " + ", ".join(map(str, folders))
        )
    found: dict[str, Graded] = {}
    kinds: dict[bool, list[str]] = {}
    for folder, results in by_folder.items():
        for sub in results.values():
            _keep_latest(found, sub)
            hidden = with_hidden_tests(sub)
            if hidden is not None and str(folder) not in kinds.setdefault(hidden, []):
                kinds[hidden].append(str(folder))
    if len(kinds) > 1:
        raise CourseError(
            f"will not mix grades: {', '.join(kinds[True])} graded with hidden tests and "
            f"{', '.join(kinds[False])} without. Regrade one side so that they agree."
        )
    everyone = {name for f in [out, *folders] for name in _run_record(f).get("class", [])}
    missing = sorted(everyone - set(found))
    out.mkdir(parents=True, exist_ok=True)
    if students is None and not (out / STUDENTS).is_file():  # the shards' own, if they kept one
        students = next((f / STUDENTS for f in folders if (f / STUDENTS).is_file()), None)
    keep_students(out, students)
    graded = [found[name] for name in sorted(found)]
    for sub in graded:
        stem = safe_name(sub.submission)
        formats.write_atomic(out / f"{stem}.json", formats.submission_json(sub))
        source = next(f for f, results in by_folder.items() if results.get(sub.submission) is sub)
        feedback = source / "feedback" / f"{stem}.txt"  # what to send the student, with it
        if source != out and feedback.is_file():
            formats.write_atomic(out / "feedback" / f"{stem}.txt", feedback.read_text("utf-8"))
    write_reports(out, graded, extra, missing=missing)
    return Merged(graded, missing)


# ---------------------------------------------------------------------------- bundle


def bundle(
    course: Course,
    dest: Path,
    lessons: list[str] = (),
    tests: Path | None = None,
    limits: Limits | None = None,
    hidden_visibility: str = "hidden",
    torch_index: str = "",
) -> Path:
    """A Gradescope autograder: `dest/` holds setup.sh, run_autograder and the course
    without its solutions or exercises; `dest/autograder.zip` is what to upload. `dest`
    is new, empty or an earlier bundle, whose files alone are replaced: anything else
    may be someone's work."""
    chosen = choose_lessons(course, list(lessons))
    limits = limits or Limits()
    if tests is not None and not tests.is_dir():
        raise CourseError(f"--tests: no such folder: {tests}")
    dest = dest.expanduser().resolve()
    earlier = _replaceable(course, dest, tests)
    root = course.root
    copies = {name: root / name for name in BUNDLED_FILES if (root / name).is_file()}
    for name in _files(root / "grader"):
        if not name.startswith("mutants/"):
            copies[f"grader/{name}"] = root / "grader" / name
    for name in _files(tests) if tests is not None else []:
        copies[f"hidden-tests/{name}"] = tests / name
    args = ["--format", "gradescope", "--jobs", "1", "--hidden-visibility", hidden_visibility]
    for lesson in chosen:
        args += ["--lesson", lesson.id]
    if tests is not None:
        args += ["--tests", "/autograder/source/hidden-tests"]
    args += ["--timeout", f"{limits.timeout:g}", "--lesson-timeout", f"{limits.lesson_timeout:g}"]
    args += ["--memory", str(limits.memory_mb), "--processes", str(limits.processes)]
    values = {
        "LEARN_ARGS": " ".join(shlex.quote(a) for a in args),
        "TORCH_INDEX": shlex.quote(torch_index),
    }
    scripts = {}
    for name in ("setup.sh", "run_autograder"):
        text = (TEMPLATES / "gradescope" / name).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        scripts[name] = text
    archive = dest / "autograder.zip"
    for name in earlier:
        (dest / name).unlink(missing_ok=True)
    if earlier:
        for top, folders, _ in os.walk(dest, topdown=False):
            for folder in folders:
                with contextlib.suppress(OSError):  # only the folders now empty go
                    os.rmdir(os.path.join(top, folder))
    dest.mkdir(parents=True, exist_ok=True)
    made = [*copies, *scripts, archive.name, BUNDLE_SETTINGS]
    manifest = {"kind": BUNDLE_KIND, "files": sorted(made)}
    # first, so that a build cut short is still known for the bundle it is
    (dest / BUNDLE_MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for name, source in copies.items():
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name)
    for name, text in scripts.items():
        (dest / name).write_text(text, encoding="utf-8")
        os.chmod(dest / name, 0o755)
    (dest / BUNDLE_SETTINGS).write_text("\n".join(gradescope_settings(course, chosen, limits)))
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted([*copies, *scripts]):
            info = zipfile.ZipInfo.from_file(dest / name, name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, (dest / name).read_bytes())
    return archive


# Gradescope's defaults for an autograder: 10 minutes, 768 MB for the whole container.
GRADESCOPE_MINUTES, GRADESCOPE_MB = 10, 768
START_SECONDS = 60  # the grader's own start and set-up before the first lesson
# Measured: a process's resident memory once torch is imported (about 220 MB); the judge
# and the sandbox of a torch lesson each hold one, the grader and pytest the rest.
TORCH_LESSON_MB = 1536


def uses_torch(course: Course, lesson: Lesson) -> bool:
    folder = course.tests_dir / lesson.id
    return any("torch" in p.read_text(encoding="utf-8") for p in folder.glob("*.py"))


def gradescope_settings(course: Course, lessons: list[Lesson], limits: Limits) -> list[str]:
    """What to set in Gradescope's autograder settings for this bundle to grade in full:
    its defaults are smaller than a torch lesson or several lessons need."""
    minutes = math.ceil((len(lessons) * limits.lesson_timeout + START_SECONDS) / 60)
    memory = TORCH_LESSON_MB if any(uses_torch(course, x) for x in lessons) else GRADESCOPE_MB
    lines = [
        f"Gradescope autograder settings for {', '.join(x.id for x in lessons)}:",
        f"- timeout: at least {minutes} minutes ({len(lessons)} lessons of up to "
        f"{limits.lesson_timeout:g} s each, and the start); Gradescope's default is "
        f"{GRADESCOPE_MINUTES}",
        f"- memory: at least {memory / 1024:g} GB; Gradescope's default is {GRADESCOPE_MB} MB",
    ]
    if minutes <= GRADESCOPE_MINUTES and memory <= GRADESCOPE_MB:
        lines.append("Gradescope's defaults are enough.")
    else:
        lines.append(
            "Raise them in the assignment's autograder settings, or build the bundle with a "
            "smaller --lesson-timeout or fewer lessons."
        )
    return lines


def _replaceable(course: Course, dest: Path, tests: Path | None) -> list[str]:
    """The files in `dest` a new bundle may remove: none in a new or empty folder, and
    those an earlier bundle wrote (its manifest names them). Any other folder is
    refused, and so are the course and git checkouts, inside or around them."""
    root = course.root.resolve()
    if _overlap(dest, root):
        raise CourseError(f"--out {dest}: the course is at {root}; build the bundle outside it")
    checkout = next((p for p in (dest, *dest.parents) if (p / ".git").exists()), None)
    if checkout is not None:
        raise CourseError(f"--out {dest}: {checkout} is a git checkout; build the bundle elsewhere")
    if tests is not None and _overlap(dest, tests.resolve()):
        raise CourseError(f"--out {dest} and --tests {tests} overlap: keep them apart")
    if not dest.exists():
        return []
    if not dest.is_dir():
        raise CourseError(f"--out {dest}: not a folder")
    found = _entries(dest)
    if not found:
        return []
    written = _bundle_manifest(dest)
    if written is None:
        raise CourseError(
            f"--out {dest} is not empty and holds no bundle (no {BUNDLE_MANIFEST}): "
            "choose a new or empty folder; nothing was removed"
        )
    others = [name for name in found if name not in written and name != BUNDLE_MANIFEST]
    if others:
        more = ", ..." if len(others) > 3 else ""
        raise CourseError(
            f"--out {dest} holds files the bundle did not write ({', '.join(others[:3])}{more}): "
            "move them, or choose a new or empty folder; nothing was removed"
        )
    return found


def _bundle_manifest(dest: Path) -> set[str] | None:
    """The files an earlier bundle in `dest` wrote, or None when it is not a bundle."""
    try:
        data = json.loads((dest / BUNDLE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("kind") != BUNDLE_KIND:
        return None
    return {name for name in data.get("files", []) if isinstance(name, str)}


def _overlap(a: Path, b: Path) -> bool:
    """One folder is the other or holds it: removing or filling one touches the other."""
    return a == b or a in b.parents or b in a.parents


def _entries(folder: Path) -> list[str]:
    """Every file and link under `folder`, relative; links are not followed, so nothing
    named here lies outside it."""
    found = []
    for top, folders, files in os.walk(folder):
        links = [name for name in folders if os.path.islink(os.path.join(top, name))]
        found += [Path(top, name).relative_to(folder).as_posix() for name in [*files, *links]]
    return sorted(found)


def _files(folder: Path) -> list[str]:
    """The files a bundle copies from `folder`, relative: no caches or compiled files."""
    found = []
    for top, folders, files in os.walk(folder, followlinks=True):
        folders[:] = [name for name in folders if name not in SKIPPED_NAMES]
        found += [
            Path(top, name).relative_to(folder).as_posix()
            for name in files
            if not name.endswith(SKIPPED_SUFFIXES)
        ]
    return sorted(found)


def workflow(name: str) -> str:
    """A GitHub Actions workflow template: `student` (per-student repository) or
    `roster` (the instructor's repository grading the class)."""
    path = TEMPLATES / "github" / f"{name}.yml"
    if not path.is_file():
        raise CourseError(f"no workflow template {name!r}: choose student or roster")
    return path.read_text(encoding="utf-8")
