"""What `learn grade` writes, all from the one result model: a CSV of grades, the full
result per submission (JSON), JUnit XML, Gradescope's results.json and a summary.

Every file is written atomically (a temporary file, then a rename), so an interrupted
run leaves the previous version or the new one, never half of one. A student's text
(names, messages, flags) is made safe for each format on the way out: nothing XML
forbids, Markdown and HTML escaped, no cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import io
import json
import os
import re
import statistics
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Course, CourseError
from grader.results import LessonResult, Outcome, Status, TestResult

KIND = "learn-grade-submission"  # marks a submission's JSON among other files
CSV_COLUMNS = (
    "submission", "lesson", "score", "max_score", "percent", "status", "tests", "passed",
    "flags", "error", "days_late", "late_deduction_percent",
)  # fmt: skip
FAILURES = (Status.FAILED, Status.NOT_STARTED)
# What XML 1.0 forbids (control characters, lone surrogates, U+FFFE, U+FFFF) and the
# controls it discourages (DEL, C1): none belongs in a report.
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MARKDOWN = re.compile(r"([\\`*_\[\]<>&|~$@])")  # what starts markup or HTML mid-line
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs a cell that starts so


@dataclass
class Graded:
    """One submission, graded: a LessonResult per lesson and notes about the whole."""

    submission: str
    lessons: list[LessonResult]
    key: str = ""  # what was graded with what: a rerun skips a submission with the same key
    graded_at: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    submitted_at: str = ""  # when it was handed in, where known (a commit's time, a CSV's)
    commit: str = ""  # the commit graded, for a repository graded against a deadline
    days_late: int = 0
    deduction: float = 0.0  # percent of the score the late policy took

    @property
    def score(self) -> float:
        return sum(r.score for r in self.lessons)

    @property
    def final_score(self) -> float:
        """The score after the late policy's deduction."""
        return round(self.score * (1 - self.deduction / 100), 4)

    @property
    def max_score(self) -> float:
        return sum(r.max_score for r in self.lessons)

    def to_dict(self) -> dict:
        return {
            "kind": KIND,
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "graded_at": self.graded_at,
            "seconds": round(self.seconds, 3),
            "source": self.source,
            "key": self.key,
            "notes": self.notes,
            "submitted_at": self.submitted_at,
            "commit": self.commit,
            "days_late": self.days_late,
            "deduction": self.deduction,
            "final_score": self.final_score,
            "lessons": [r.to_dict() for r in self.lessons],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Graded:
        if type(data) is not dict or data.get("kind") != KIND:
            raise ValueError("not a learn grade submission file")
        return cls(
            submission=data["submission"],
            lessons=[LessonResult.from_dict(r) for r in data.get("lessons", [])],
            key=data.get("key", ""),
            graded_at=data.get("graded_at", ""),
            source=data.get("source", ""),
            notes=list(data.get("notes", [])),
            seconds=float(data.get("seconds", 0.0)),
            submitted_at=str(data.get("submitted_at", "")),
            commit=str(data.get("commit", "")),
            days_late=int(data.get("days_late", 0)),
            deduction=float(data.get("deduction", 0.0)),
        )


def lesson_status(result: LessonResult) -> str:
    """One word for a lesson's grade in the CSV."""
    if result.outcome in (Outcome.MISSING, Outcome.FORGED):
        return result.outcome.value
    if result.passed:
        return "passed"
    return result.status.value


def percent(score: float, max_score: float) -> float:
    return round(100.0 * score / max_score, 1) if max_score else 0.0


# ----------------------------------------------------------------- a student's text


def clean(text: str) -> str:
    """`text` without what XML 1.0 forbids: one control character in a student's
    message would make junit.xml unreadable for the whole class."""
    return XML_ILLEGAL.sub("", text)


def markdown_text(text: str) -> str:
    """A student's text (a name, a flagged line) as plain Markdown: one line, its
    markup and HTML escaped, so it shows as written and runs nothing."""
    return MARKDOWN.sub(r"\\\1", " ".join(clean(text).split()))


def csv_cell(text: str) -> str:
    """A student's text as a CSV cell that no spreadsheet takes for a formula."""
    text = clean(text)
    return "'" + text if text.startswith(FORMULA) else text


def _cleaned(data):
    """`data` (JSON: dicts, lists, strings, numbers) with every string clean()."""
    if isinstance(data, str):
        return clean(data)
    if isinstance(data, dict):
        return {key: _cleaned(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_cleaned(value) for value in data]
    return data


# ------------------------------------------------------------------------------ files


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def submission_json(graded: Graded) -> str:
    return json.dumps(graded.to_dict(), indent=2)


def grades_csv(graded: list[Graded]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for sub in sorted(graded, key=lambda g: g.submission):
        for r in sub.lessons:
            counted = [t for t in r.tests if t.counts]
            flags = [*sub.notes, *r.flags]
            writer.writerow(
                [
                    csv_cell(sub.submission),
                    csv_cell(r.lesson),
                    f"{r.score:g}",
                    f"{r.max_score:g}",
                    f"{percent(r.score, r.max_score):g}",
                    lesson_status(r),
                    len(counted),
                    sum(t.status is Status.PASSED for t in counted),
                    csv_cell(" | ".join(flags)[:1000]),
                    csv_cell(r.error[:500]),
                    sub.days_late,
                    f"{sub.deduction:g}",
                ]
            )
    return buffer.getvalue()


def gradebook_csv(graded: list[Graded], students: list[dict[str, str]] = ()) -> str:
    """One row per student for a spreadsheet or an LMS import: the columns of the
    instructor's students.csv (an id, an email), the total, then each lesson and each
    exercise. A student of students.csv with no submission gets a row of blanks. UTF-8
    with a byte order mark, which Excel needs to read it as UTF-8."""
    by_name = {g.submission: g for g in graded}
    extra = [k for k in (students[0] if students else {}) if k != "submission"]
    lessons: dict[str, list[str]] = {}
    for sub in graded:
        for r in sub.lessons:
            names = lessons.setdefault(r.lesson, [])
            names += [e.name for e in r.exercises() if e.name not in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "submission",
            *extra,
            "total",
            "max_score",
            "percent",
            "days_late",
            "late_deduction_percent",
            "final",
            *lessons,
        ]
        + [f"{lesson} {name}" for lesson, names in lessons.items() for name in names]
        + ["note"]
    )
    width = 8 + len(extra) + len(lessons) + sum(map(len, lessons.values()))
    listed = {row.get("submission", ""): row for row in students}
    for name in [*listed, *sorted(set(by_name) - set(listed))]:
        info = listed.get(name, {})
        sub = by_name.get(name)
        cells = [csv_cell(name), *(csv_cell(info.get(k, "")) for k in extra)]
        if sub is None:
            writer.writerow([*cells, *[""] * (width - len(cells) - 1), "no submission"])
            continue
        results = {r.lesson: r for r in sub.lessons}
        cells += [f"{sub.score:g}", f"{sub.max_score:g}", f"{percent(sub.score, sub.max_score):g}"]
        cells += [str(sub.days_late), f"{sub.deduction:g}", f"{sub.final_score:g}"]
        cells += [f"{results[x].score:g}" if x in results else "" for x in lessons]
        for lesson, names in lessons.items():
            exercises = (
                {e.name: e for e in results[lesson].exercises()} if lesson in results else {}
            )
            cells += [f"{exercises[n].score:g}" if n in exercises else "" for n in names]
        review = any(r.outcome is Outcome.FORGED or r.flags for r in sub.lessons)
        writer.writerow([*cells, "flagged for review: see summary.md" if review else ""])
    return "\ufeff" + buffer.getvalue()


def read_students(path: Path) -> list[dict[str, str]]:
    """The instructor's students.csv: a `submission` column (the folder name) and any
    others to carry into the gradebook (an id, an email)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"--students: cannot read {path}: {exc}") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or "submission" not in rows[0]:
        raise CourseError(
            f"--students: {path} needs a header row with a 'submission' column (the folder "
            "name of each student's submission), e.g. submission,id,email"
        )
    return [{k: (v or "") for k, v in row.items() if k is not None} for row in rows]


# ------------------------------------------------------------------------------ JUnit


def junit_xml(graded: list[Graded]) -> str:
    suites = ET.Element("testsuites", name="learn grade")
    for sub in sorted(graded, key=lambda g: g.submission):
        for r in sub.lessons:
            suites.append(_junit_suite(sub, r))
    for element in suites.iter():  # a student's text is in names, messages and flags
        element.text = element.text and clean(element.text)
        for key, value in element.items():
            element.set(key, clean(value))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _junit_suite(sub: Graded, r: LessonResult) -> ET.Element:
    counts = r.counts_by_status()
    failures = sum(counts.get(s, 0) for s in FAILURES)
    skipped = counts.get(Status.NOT_RUN, 0)
    errors = len(r.tests) - failures - skipped - counts.get(Status.PASSED, 0)
    suite = ET.Element(
        "testsuite",
        name=f"{sub.submission}.{r.lesson}",
        tests=str(len(r.tests)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time=f"{sum(t.duration for t in r.tests):.3f}",
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("score", f"{r.score:g}"),
        ("max_score", f"{r.max_score:g}"),
        ("status", lesson_status(r)),
        ("isolation", r.isolation),
        ("flags", " | ".join([*sub.notes, *r.flags])),
        ("error", r.error),
    ):
        if value:
            ET.SubElement(props, "property", name=name, value=value)
    for t in r.tests:
        suite.append(_junit_case(sub, r, t))
    return suite


def _junit_case(sub: Graded, r: LessonResult, t: TestResult) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=f"{sub.submission}.{r.lesson}.{t.exercise}",
        name=t.test.split("::", 1)[-1] + (" (hidden)" if t.hidden else ""),
        file=t.test.split("::", 1)[0],
        time=f"{t.duration:.3f}",
    )
    text = "\n".join(x for x in (t.message, f"at {t.location}" if t.location else "") if x)
    if t.status is Status.NOT_RUN:
        ET.SubElement(case, "skipped", message=t.message)
    elif t.status in FAILURES:
        child = ET.SubElement(case, "failure", type=t.status.value, message=_first(t))
        child.text = text
    elif t.status is not Status.PASSED:
        child = ET.SubElement(case, "error", type=t.status.value, message=_first(t))
        child.text = text
    return case


def _first(t: TestResult) -> str:
    return (t.message.strip().splitlines() or [t.status.value])[0][:200]


# -------------------------------------------------------------------------- Gradescope


def gradescope(sub: Graded, hidden_visibility: str = "hidden") -> dict:
    """Gradescope's results.json for one submission: a row per exercise, and one per
    exercise for the instructor's hidden tests with `hidden_visibility`. What a student
    reads at the top counts visible tests only: a hidden test's points stay hidden with
    it. Tests that could not run here (no GPU) are no row; the top says how many."""
    rows, lines = [], [n for n in sub.notes if _for_students(n)]
    for r in sub.lessons:
        lines += _gradescope_lesson_lines(r)
        lines += [f"  {flag}" for flag in r.flags if _for_students(flag)]
        for exercise in r.exercises():
            for hidden in (False, True):
                tests = [t for t in exercise.tests if t.hidden is hidden and t.counts]
                if tests:
                    rows.append(_gradescope_row(r, exercise.name, tests, hidden, hidden_visibility))
    return _cleaned(
        {
            "score": sub.score,
            "execution_time": round(sub.seconds),
            "output": "\n".join(lines),
            "output_format": "text",
            "test_output_format": "text",  # a student's message is shown, never rendered
            "tests": rows,
            "extra_data": {
                "graded_at": sub.graded_at,
                "notes": sub.notes,
                "flags": {r.lesson: r.flags for r in sub.lessons if r.flags},
                "isolation": sub.lessons[0].isolation if sub.lessons else "",
            },
        }
    )


def _for_students(note: str) -> bool:
    """What staging found (a renamed folder, a copy graded as the file) is for the
    student too; what is for review is the instructor's."""
    return not note.startswith(("review:", "forged:"))


def _gradescope_lesson_lines(r: LessonResult) -> list[str]:
    """The lesson's line at the top of a student's results: visible tests only."""
    if r.outcome is Outcome.FORGED:
        return [
            f"{r.lesson}: under review",
            f"  {r.lesson} could not be graded automatically; your instructor will review it.",
        ]
    visible = LessonResult(r.lesson, r.target, [t for t in r.tests if not t.hidden], r.error)
    word = lesson_status(r) if r.outcome is Outcome.MISSING else lesson_status(visible)
    line = f"{r.lesson}: {visible.score:g}/{visible.max_score:g}  {word}"
    if any(t.hidden for t in r.tests):
        line += "  (not counting the hidden tests)"
    lines = [line]
    if r.outcome is Outcome.MISSING:
        lines.append(f"  {r.error}")
    not_run = sum(1 for t in visible.tests if not t.counts)
    if not_run:
        lines.append(
            f"  {not_run} GPU tests were not run: no GPU where this was graded. "
            "They carry no points here; run them with `learn check` on a machine with one."
        )
    return lines


def _gradescope_row(
    r: LessonResult, exercise: str, tests: list[TestResult], hidden: bool, visibility: str
) -> dict:
    failing = [t for t in tests if t.status is not Status.PASSED]
    output = "\n\n".join(_gradescope_problem(t) for t in failing)
    return {
        "name": f"{r.lesson} {exercise}" + (" (hidden tests)" if hidden else ""),
        "score": sum(t.points for t in tests if t.status is Status.PASSED),
        "max_score": sum(t.points for t in tests),
        "status": "failed" if failing else "passed",
        "output": (output or f"all {len(tests)} tests passed")[:8000],
        "tags": [r.lesson, exercise],
        "visibility": visibility if hidden else "visible",
    }


def _test_name(t: TestResult) -> str:
    """A test as a student reads it: `test_keeps_positives` -> "keeps positives"."""
    return t.test.rsplit("::", 1)[-1].removeprefix("test_").replace("_", " ")


def _gradescope_problem(t: TestResult) -> str:
    """One test that did not pass, by a readable name: what happened and where."""
    name = _test_name(t)
    label = {Status.NOT_STARTED: "not started: still raises NotImplementedError"}.get(
        t.status, t.status.value
    )
    text = f"{name}: {label}" + (f"\n{t.message}" if t.status is not Status.NOT_STARTED else "")
    return text + (f"\nat {t.location}" if t.location else "")


# ------------------------------------------------------------------------- feedback


def feedback_text(sub: Graded, course: Course) -> str:
    """What the student reads: each lesson as `learn check` shows it (the exercises,
    their first problem, the section to reread), without the instructor's hidden tests,
    whose results and messages are for the instructor."""
    from rich.console import Console

    from grader.render import print_result

    console = Console(record=True, width=100, file=io.StringIO(), color_system=None)
    console.print(f"Feedback for {clean(sub.submission)}, graded {sub.graded_at}\n")
    if sub.days_late:
        console.print(
            f"Handed in {sub.days_late} day(s) late: {sub.deduction:g} % off the score, "
            f"{sub.score:g} -> {sub.final_score:g} of {sub.max_score:g}.\n"
        )
    known = {lesson.id: lesson for lesson in course.lessons}
    for r in sub.lessons:
        if r.outcome is Outcome.FORGED:
            console.print(f"{r.lesson}: under review: your instructor will look at it.\n")
            continue
        visible = [t for t in r.tests if not t.hidden]
        shown = LessonResult(r.lesson, r.target, visible, r.error, r.isolation, [], r.outcome)
        if r.lesson in known:
            print_result(console, known[r.lesson], shown)
        if len(visible) < len(r.tests):
            console.print("(your instructor's hidden tests are not shown here)")
        console.print()
    return clean(console.export_text())


# ------------------------------------------------------------------- GitHub Classroom


def classroom(sub: Graded) -> dict:
    """The result GitHub Classroom's grading reporter reads (base64 of this JSON, in
    `<RUNNER>_RESULTS`). It scores a runner as the share of its tests that pass, times
    `max_score`, so a test worth k points is listed k times; a test that could not run
    here (no GPU) is not listed. Any lesson not passed in full fails the check."""
    tests = []
    for r in sub.lessons:
        for t in r.tests:
            if not t.counts:
                continue
            name = _test_name(t)
            entry = {
                "name": f"{r.lesson} {t.exercise}: {name}",
                "status": "pass" if t.status is Status.PASSED else "fail",
                "message": ""
                if t.status is Status.PASSED
                else f"{t.status.value}: {t.message}"[:500],
            }
            copies = max(1, round(t.points))
            tests += [
                {**entry, "name": f"{entry['name']} ({i + 1}/{copies})"} if copies > 1 else entry
                for i in range(copies)
            ]
    if not tests:  # nothing ran: missing lessons, or a broken submission
        tests = [{"name": "lessons graded", "status": "fail", "message": "no test ran"}]
    status = "pass" if all(t["status"] == "pass" for t in tests) else "fail"
    if any(r.outcome is Outcome.UNGRADED for r in sub.lessons):
        status = "error"
    return _cleaned({"version": 1, "status": status, "max_score": sub.max_score, "tests": tests})


# ----------------------------------------------------------------------------- summary


@dataclass
class LessonSummary:
    lesson: str
    graded: int
    mean: float
    median: float
    low: float
    high: float
    passed: int
    missing: int
    flagged: int
    histogram: list[int]  # submissions per 10 % band: 0-9, 10-19, ..., 90-100


def summarize(graded: list[Graded]) -> list[LessonSummary]:
    by_lesson: dict[str, list[LessonResult]] = {}
    for sub in graded:
        for r in sub.lessons:
            by_lesson.setdefault(r.lesson, []).append(r)
    summaries = []
    for lesson, results in by_lesson.items():
        pcts = [percent(r.score, r.max_score) for r in results]
        histogram = [0] * 10
        for p in pcts:
            histogram[min(int(p // 10), 9)] += 1
        summaries.append(
            LessonSummary(
                lesson=lesson,
                graded=len(results),
                mean=round(statistics.fmean(pcts), 1) if pcts else 0.0,
                median=round(statistics.median(pcts), 1) if pcts else 0.0,
                low=min(pcts, default=0.0),
                high=max(pcts, default=0.0),
                passed=sum(r.passed for r in results),
                missing=sum(r.outcome is Outcome.MISSING for r in results),
                flagged=sum(bool(r.flags) for r in results),
                histogram=histogram,
            )
        )
    return summaries


@dataclass
class ExerciseSummary:
    lesson: str
    exercise: str
    graded: int  # submissions that had the lesson
    passed: int  # of them, with every test of the exercise passed
    mean: float  # mean % of the exercise's points
    first_problem: str  # the most common first problem, "" if none
    first_count: int


def summarize_exercises(graded: list[Graded]) -> list[ExerciseSummary]:
    """Per exercise: how many passed it, and the first problem most of the rest hit
    (what to go over again in class)."""
    groups: dict[tuple[str, str], list] = {}
    for sub in graded:
        for r in sub.lessons:
            if r.outcome is Outcome.MISSING:
                continue
            for exercise in r.exercises():
                groups.setdefault((r.lesson, exercise.name), []).append(exercise)
    found = []
    for (lesson, name), exercises in groups.items():
        problems = collections.Counter(
            f"{_test_name(e.first_problem)}: {e.status.value}"
            for e in exercises
            if e.status not in (Status.PASSED, Status.NOT_RUN) and e.first_problem
        )
        (problem, count), *_ = problems.most_common(1) or [("", 0)]
        pcts = [percent(e.score, e.max_score) for e in exercises if e.max_score]
        passed = sum(e.status in (Status.PASSED, Status.NOT_RUN) for e in exercises)
        mean = round(statistics.fmean(pcts), 1) if pcts else 0.0
        found.append(ExerciseSummary(lesson, name, len(exercises), passed, mean, problem, count))
    return found


def exercises_markdown(graded: list[Graded]) -> str:
    rows = summarize_exercises(graded)
    if not rows:
        return ""
    lines = [
        "\n## Exercises\n",
        "| lesson | exercise | passed | mean % | most common first problem |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for e in rows:
        problem = f"{markdown_text(e.first_problem)} ({e.first_count})" if e.first_count else ""
        lines.append(
            f"| {e.lesson} | {markdown_text(e.exercise)} | {e.passed}/{e.graded} | {e.mean:g} "
            f"| {problem} |"
        )
    return "\n".join(lines) + "\n"


def scores_svg(graded: list[Graded]) -> str:
    """A histogram of the class's total scores (submissions per 10 % band), as an SVG
    with a title and a description for screen readers."""
    counts = [0] * 10
    for sub in graded:
        counts[min(int(percent(sub.score, sub.max_score) // 10), 9)] += 1
    top = max(counts, default=0) or 1
    width, height, bar = 440, 200, 36
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d">',
        '<title id="t">How the class scored</title>',
        '<desc id="d">Submissions per band of 10 % of the total score, from 0-9 % to 90-100 %: '
        + ", ".join(map(str, counts))
        + "</desc>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for i, n in enumerate(counts):
        h = round(140 * n / top)
        x = 20 + i * (bar + 4)
        parts.append(
            f'<rect x="{x}" y="{160 - h}" width="{bar}" height="{h}" fill="#1f5f99"/>'
            f'<text x="{x + bar / 2}" y="{155 - h}" font-size="11" text-anchor="middle" '
            f'font-family="sans-serif">{n}</text>'
            f'<text x="{x + bar / 2}" y="176" font-size="10" text-anchor="middle" '
            f'font-family="sans-serif">{i * 10}</text>'
        )
    parts.append(
        '<text x="220" y="194" font-size="11" text-anchor="middle" font-family="sans-serif">'
        "total score, % (band start)</text></svg>"
    )
    return "".join(parts) + "\n"


BARS = " ▁▂▃▄▅▆▇█"


def sparkline(histogram: list[int]) -> str:
    top = max(histogram, default=0)
    if not top:
        return " " * len(histogram)
    return "".join(BARS[round(8 * n / top)] if n else "·" for n in histogram)


def test_errors_markdown(graded: list[Graded]) -> str:
    """The tests that raised errors of their own: the course's faults, not the students',
    for whoever keeps the tests (those submissions lost the points: regrade once fixed)."""
    found: dict[str, list[TestResult]] = {}
    for sub in graded:
        for r in sub.lessons:
            for t in r.tests:
                if t.status is Status.TEST_ERROR:
                    found.setdefault(t.test, []).append(t)
    if not found:
        return ""
    lines = [
        f"- {markdown_text(test)} in {len(ts)} submission(s): {markdown_text(_first(ts[0]))}\n"
        for test, ts in sorted(found.items())
    ]
    return (
        "\n## Errors in the tests\n\nThese tests raised an error of their own, not in the "
        "student's code: fix the test, then regrade with `--force`.\n\n" + "".join(lines)
    )


def summary_markdown(graded: list[Graded], missing: list[str] = ()) -> str:
    rows = [
        "| lesson | graded | mean % | median % | min % | max % | passed | missing | flagged "
        "| distribution (0 → 100 %) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in summarize(graded):
        rows.append(
            f"| {s.lesson} | {s.graded} | {s.mean:g} | {s.median:g} | {s.low:g} | {s.high:g} "
            f"| {s.passed} | {s.missing} | {s.flagged} | `{sparkline(s.histogram)}` |"
        )
    flagged = [
        (sub.submission, r.lesson, flag)
        for sub in sorted(graded, key=lambda g: g.submission)
        for r in sub.lessons
        for flag in r.flags
    ]
    text = f"# Grades\n\n{len(graded)} submission(s)\n\n"
    late = [g for g in graded if g.days_late]
    if late:
        text += (
            f"{len(late)} handed in late (the late policy took "
            f"{', '.join(sorted({f'{g.deduction:g} %' for g in late}))} off: see gradebook.csv's "
            "final column)\n\n"
        )
    if missing:
        names = ", ".join(markdown_text(name) for name in missing[:50])
        more = f" and {len(missing) - 50} more" if len(missing) > 50 else ""
        text += (
            f"**{len(missing)} submission(s) of the class have no result** (a shard that "
            f"failed or was not merged): {names}{more}\n\n"
        )
    text += "\n".join(rows) + "\n"
    if graded:
        text += "\n![How the class scored: submissions per band of 10 % of the total](scores.svg)\n"
    text += exercises_markdown(graded)
    text += test_errors_markdown(graded)
    if flagged:
        text += "\n## Flagged for review\n\n"
        text += "".join(
            f"- {markdown_text(name)} {markdown_text(lesson)}: {markdown_text(flag)}\n"
            for name, lesson, flag in flagged[:200]
        )
    return text
