"""`learn dev verify`: prove the course is sound, lesson by lesson.

The reference solutions pass; the stubs are in sync and show every test "not started";
every test grades an exercise of the catalogue; every mutant (a known-wrong
implementation) is rejected by at least one test (by exactly the ones it names, if it
names them); and every variant (a correct one in another style) gets full marks. Each
of these holds under both transports (the learner's code in the test process, or in a
sandbox process of its own as `learn grade` runs it), with the same result for every
test.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.authoring import mutation, stubs, variants
from grader.course import Course, CourseError, Lesson
from grader.loop.clients import Runs, WorkerGone, make_runner
from grader.results import LessonResult, Status
from grader.runner import RunOptions, run_lesson


@dataclass
class Check:
    lesson: str
    what: str
    ok: bool
    detail: str = ""


@dataclass
class MutantOutcome:
    mutant: mutation.Mutant
    caught: bool
    by: str = ""
    astray: str = ""  # how the tests that rejected it differ from the ones it names
    fault: str = ""  # a test's own error on it: the test needs fixing

    @property
    def ok(self) -> bool:
        return self.caught and not self.astray and not self.fault


@dataclass
class VariantOutcome:
    variant: variants.Variant
    accepted: bool
    detail: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    mutants: list[MutantOutcome] = field(default_factory=list)
    variants: list[VariantOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            all(c.ok for c in self.checks)
            and all(m.ok for m in self.mutants)
            and all(v.accepted for v in self.variants)
        )

    def catch_rate(self, lesson: str | None = None) -> tuple[int, int]:
        chosen = [m for m in self.mutants if lesson in (None, m.mutant.lesson)]
        return sum(m.caught for m in chosen), len(chosen)

    def acceptance(self, lesson: str | None = None) -> tuple[int, int]:
        chosen = [v for v in self.variants if lesson in (None, v.variant.lesson)]
        return sum(v.accepted for v in chosen), len(chosen)


def _problems(result: LessonResult, allowed: set[Status]) -> str:
    if result.error:
        return result.error
    bad = [t for t in result.tests if t.status not in allowed]
    return "; ".join(f"{t.test}: {t.status.value} {t.message[:200]}" for t in bad[:5])


# Where the learner's code runs: in the test process (`learn check`), or in a process of
# its own that the tests talk to (`learn grade`, grader/remote.py). Both must agree.
TRANSPORTS = {"direct": None, "remote": "local"}


class Workers:
    """A warm worker for each thread of verify's pool: starting Python and importing torch
    was most of a mutant's check, and a worker does it once, then forks a child per run
    (`learn check`'s own machinery). Where forking is not safe, a fresh interpreter."""

    def __init__(self, course: Course) -> None:
        self.course = course
        self._mine = threading.local()
        self._started: list[Runs] = []
        self._lock = threading.Lock()

    def run(self, lesson: Lesson, folder: Path, options: RunOptions) -> LessonResult:
        runner = getattr(self._mine, "runner", None)
        if runner is None:
            runner = self._mine.runner = make_runner(self.course, lesson)
            with self._lock:
                self._started.append(runner)
        try:
            return runner.run(lesson, folder, options)
        except WorkerGone:  # a worker that died takes no verdict with it: run afresh
            self._mine.runner = None
            return run_lesson(self.course, lesson, folder, options)

    def close(self) -> None:
        for runner in self._started:
            runner.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_in(
    course: Course,
    lesson: Lesson,
    folder: Path,
    options: RunOptions,
    transport: str,
    workers: Workers | None = None,
) -> LessonResult:
    """The lesson's results for `folder` under one transport (a name of TRANSPORTS)."""
    env = dict(options.env if options.env is not None else os.environ)
    env.pop("LEARN_REMOTE", None)
    if TRANSPORTS[transport]:
        env["LEARN_REMOTE"] = TRANSPORTS[transport]
    mine = replace(options, env=env)
    if workers is None:
        return run_lesson(course, lesson, folder, mine)
    return workers.run(lesson, folder, mine)


def run_both(
    course: Course,
    lesson: Lesson,
    folder: Path,
    options: RunOptions,
    workers: Workers | None = None,
) -> dict[str, LessonResult]:
    """The lesson's results for `folder` under each transport, by transport name."""
    return {name: run_in(course, lesson, folder, options, name, workers) for name in TRANSPORTS}


def agree(lesson: Lesson, what: str, results: dict[str, LessonResult]) -> Check:
    """Every test has the same status under every transport."""
    (first, base), *others = results.items()
    statuses = {t.test: t.status for t in base.tests}
    differ = [
        f"{t.test}: {first} {statuses.get(t.test, 'missing')}, {name} {t.status.value} "
        f"{t.message[:200]}"
        for name, result in others
        for t in result.tests
        if statuses.get(t.test) is not t.status
    ]
    return Check(lesson.id, f"{what}: the same results in every transport", not differ,
                 "; ".join(differ[:5]))  # fmt: skip


def check_solutions(
    course: Course, lesson: Lesson, options: RunOptions, workers: Workers | None = None
) -> list[Check]:
    results = run_both(course, lesson, course.solutions_dir, options, workers)
    checks = []
    for name, result in results.items():
        problems = _problems(result, {Status.PASSED, Status.NOT_RUN})
        detail = problems or f"{len(result.tests)} tests pass"
        ok = not problems and bool(result.tests)
        checks.append(Check(lesson.id, f"solutions pass ({name})", ok, detail))
    return [*checks, agree(lesson, "solutions", results)]


def check_stubs(
    course: Course, lesson: Lesson, options: RunOptions, workers: Workers | None = None
) -> list[Check]:
    """Grade the stubs as generated, in a folder of their own: exercises/ may hold a
    learner's work (that the stubs match it is the sync check's business)."""
    with tempfile.TemporaryDirectory(prefix="learn-stubs-") as tmp:
        for path, text in stubs.planned(course).items():
            copy = Path(tmp) / path.relative_to(course.exercises_dir)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text, encoding="utf-8")
        results = run_both(course, lesson, Path(tmp), options, workers)
    checks = [
        Check(lesson.id, f"stubs are all 'not started' ({name})", not problems, problems)
        for name, result in results.items()
        for problems in [_problems(result, {Status.NOT_STARTED, Status.NOT_RUN})]
    ]
    names = {e.name for e in lesson.exercises}
    tested = {t.exercise for t in results["direct"].tests}
    unknown, untested = sorted(tested - names), sorted(names - tested)
    mapping = "; ".join(
        part
        for part in (
            f"tests name exercises not in the catalogue: {unknown}" if unknown else "",
            f"exercises without tests: {untested}" if untested else "",
        )
        if part
    )
    return [
        *checks,
        agree(lesson, "stubs", results),
        Check(lesson.id, "tests cover the catalogue", not mapping, mapping),
    ]


def check_mutant(
    course: Course, mutant: mutation.Mutant, options: RunOptions, workers: Workers | None = None
) -> MutantOutcome:
    """Caught when a test rejects it under every transport, and no test broke on it with
    an error of its own. A mutant that names the only tests that may reject it runs
    through every test, and must be rejected by exactly those: a mistake that costs
    other tests too makes them fail for its reason."""
    lesson = course.lesson(mutant.lesson)
    only = mutant.only
    with tempfile.TemporaryDirectory(prefix="learn-mutant-") as tmp:
        patches = {mutant.module: mutant.path}
        copy = mutation.patched_solutions(course, lesson, patches, Path(tmp))
        if only:
            results = run_both(course, lesson, copy, options, workers)
        else:  # one rejecting test is enough: stop at the first (the rest report "crashed"),
            # and under the other transports run only the tests that rejected it (that the
            # tests before pass alike under every transport, the solutions' check proves)
            stop = replace(options, pytest_args=(*options.pytest_args, "-x"))
            results = {"direct": run_in(course, lesson, copy, stop, "direct", workers)}
            names = sorted({t.split("[")[0] for t in _rejected_by(results["direct"], True)})
            if names:
                narrow = ("-k", " or ".join(names))
                narrowed = replace(stop, pytest_args=(*stop.pytest_args, *narrow))
                for name in TRANSPORTS.keys() - {"direct"}:
                    results[name] = run_in(course, lesson, copy, narrowed, name, workers)
    faults = [t for r in results.values() for t in r.tests if t.status is Status.TEST_ERROR]
    if faults:  # a test that breaks on wrong code has not judged it: the test needs fixing
        first = faults[0]
        return MutantOutcome(mutant, False, fault=f"{first.test}: {first.message[:300]}")
    by = {name: _rejected_by(result, stopped=not only) for name, result in results.items()}
    missed = [name for name, found in by.items() if not found]
    if missed:
        return MutantOutcome(mutant, False, f"not rejected ({', '.join(missed)})")
    shown = ", ".join(by["direct"][:3])
    if not only:
        return MutantOutcome(mutant, True, shown)
    astray = []
    for name, found in by.items():
        functions = {test.split("[")[0] for test in found}
        astray += [f"also rejected by {t} ({name})" for t in sorted(functions - only)]
        astray += [f"not rejected by {t} ({name})" for t in sorted(only - functions)]
    if astray:
        return MutantOutcome(
            mutant, True, shown, f"it names {', '.join(sorted(only))}: " + "; ".join(astray[:6])
        )
    return MutantOutcome(mutant, True, f"{shown}, and no other test")


def _rejected_by(result: LessonResult, stopped: bool) -> list[str]:
    """The tests that rejected a mutant, by name (none when none did). In a run `stopped`
    at the first failure, the tests after it report "crashed": those count only alone."""
    if result.error:
        return []
    rejected = [t for t in result.tests if t.status not in (Status.PASSED, Status.NOT_RUN)]
    if stopped:
        rejected = [t for t in rejected if t.status is not Status.CRASHED] or rejected
    return sorted({t.test.split("::")[-1] for t in rejected})


def check_variant(
    course: Course, variant: variants.Variant, options: RunOptions, workers: Workers | None = None
) -> VariantOutcome:
    """Accepted when every test passes under every transport: full marks."""
    lesson = course.lesson(variant.lesson)
    with tempfile.TemporaryDirectory(prefix="learn-variant-") as tmp:
        copy = mutation.patched_solutions(course, lesson, variant.modules, Path(tmp), whole=True)
        results = run_both(course, lesson, copy, options, workers)
    by = {name: _marked_down(result) for name, result in results.items()}
    # transports that marked it down alike are named together
    rejected = {text: [n for n, t in by.items() if t == text] for text in by.values() if text}
    detail = "; ".join(f"{' and '.join(names)}: {text}" for text, names in rejected.items())
    return VariantOutcome(variant, not rejected, detail)


def _marked_down(result: LessonResult) -> str:
    """The tests that cost points, and the first one's problem ("" for full marks)."""
    if result.error or not result.tests:
        return result.error or "no tests ran"
    lost = [t for t in result.tests if t.status not in (Status.PASSED, Status.NOT_RUN)]
    if not lost:
        return ""
    names = ", ".join(t.test.rpartition("/")[2] for t in lost[:8])
    more = f" and {len(lost) - 8} more" if len(lost) > 8 else ""
    first = (lost[0].message.strip().splitlines() or [""])[0][:160]
    return f"{len(lost)} tests lose points: {names}{more} (first: {lost[0].status.value}, {first})"


def verify(
    course: Course,
    lessons: list[Lesson],
    jobs: int = 2,
    options: RunOptions | None = None,
    progress: Callable[[object], None] = lambda item: None,
) -> Report:
    # Time limits in CPU time, as the examiner's: the course's own check must not turn a
    # slow, busy machine (CI, two jobs on two cores) into a "timed out" verdict.
    options = options or RunOptions(clock="cpu")
    report = Report()
    outdated = stubs.out_of_date(course)
    report.checks.append(
        Check(
            "all",
            "exercises/ is generated from solutions/",
            not outdated,
            "out of date: " + ", ".join(str(p.relative_to(course.root)) for p in outdated)
            if outdated
            else "",
        )
    )
    progress(report.checks[-1])
    with Workers(course) as workers, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = []
        for lesson in lessons:
            jobs_for_lesson = [
                pool.submit(check_solutions, course, lesson, options, workers),
                pool.submit(check_stubs, course, lesson, options, workers),
                *(
                    pool.submit(check_mutant, course, m, options, workers)
                    for m in mutation.find(course, lesson)
                ),
                *(
                    pool.submit(check_variant, course, v, options, workers)
                    for v in variants.find(course, lesson)
                ),
            ]
            futures += [(lesson.id, future) for future in jobs_for_lesson]
        for lesson_id, future in futures:
            try:
                outcome = future.result()
            except CourseError as exc:
                outcome = Check(lesson_id, "the lesson can be graded", False, str(exc))
            except Exception as exc:  # a bug in a mutant or the grader: report, go on
                outcome = Check(lesson_id, "a check ran", False, f"{type(exc).__name__}: {exc}")
            for item in outcome if isinstance(outcome, list) else [outcome]:
                kind = {MutantOutcome: report.mutants, VariantOutcome: report.variants}
                kind.get(type(item), report.checks).append(item)
                progress(item)
    return report
