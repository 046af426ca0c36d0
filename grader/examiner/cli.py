"""`learn grade ...`: thin click commands over `grade.py` (added to the CLI in grader/cli.py)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from grader import course as course_mod
from grader.examiner import deadline as late
from grader.examiner import formats, similarity
from grader.examiner import grade as grading
from grader.examiner.host import Limits
from grader.options import POSITIVE, SECONDS, timeout_option

err = Console(stderr=True, highlight=False)

GRADE_EXIT = """\b
Exit codes:
  0  every submission was graded (whatever its score)
  1  the sandbox failed to start for some lesson: see the CSV's error column
  2  usage or environment error
"""


class GradeGroup(click.Group):
    """`learn grade SUBMISSIONS ...` is `learn grade run SUBMISSIONS ...`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=GradeGroup, epilog=GRADE_EXIT)
def grade() -> None:
    """Grade a class's submissions as an examiner (for instructors).

    `learn grade SUBMISSIONS --out OUT` grades every folder in SUBMISSIONS, each in its
    own sandbox, with the course's tests (and your hidden ones); see `learn grade run
    --help`. `merge` joins the results of several shards, `bundle` builds a Gradescope
    autograder, `workflow` prints a GitHub Actions workflow.
    """


def _course(path: Path | None):
    return course_mod.load(path) if path else course_mod.load()


def _limits(timeout, lesson_timeout, memory, processes) -> Limits:
    return Limits(
        timeout=timeout, lesson_timeout=lesson_timeout, memory_mb=memory, processes=processes
    )


course_option = click.option(
    "--course",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="The course to grade with (default: the one around the working folder).",
)
lesson_option = click.option(
    "--lesson",
    "lessons",
    multiple=True,
    help="A lesson to grade (repeat for several; default: every lesson with tests).",
)
tests_option = click.option(
    "--tests",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Your hidden tests, laid out like grader/tests/ (DIR/lessonN/test_*.py).",
)
students_option = click.option(
    "--students",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A CSV with a 'submission' column (folder names) and others (id, email) for "
    "gradebook.csv; kept in OUT for later runs and merges.",
)
visibility_option = click.option(
    "--hidden-visibility",
    type=click.Choice(["hidden", "after_due_date", "after_published", "visible"]),
    default="hidden",
    show_default=True,
    help="Gradescope visibility of the hidden tests' results.",
)


def limit_options(function):
    for option in reversed(
        [
            timeout_option,
            click.option(
                "--lesson-timeout",
                type=SECONDS,
                default=300.0,
                show_default=True,
                help="Seconds per lesson and submission, reruns included.",
            ),
            click.option(
                "--memory",
                type=POSITIVE,
                default=2048,
                show_default=True,
                help="Megabytes of memory per test process.",
            ),
            click.option(
                "--processes",
                type=POSITIVE,
                default=64,
                show_default=True,
                help="Processes and threads a submission may run at once.",
            ),
        ]
    ):
        function = option(function)
    return function


@grade.command(name="run", epilog=GRADE_EXIT)
@click.argument("submissions", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--out", required=True, type=click.Path(path_type=Path, file_okay=False), help="Output folder."
)
@click.option(
    "--single/--roster",
    default=None,
    help="SUBMISSIONS is one submission / a class, each folder in it a submission "
    "(default: a class, unless it looks like one submission and holds nothing else).",
)
@lesson_option
@tests_option
@click.option(
    "--jobs",
    type=POSITIVE,
    default=os.cpu_count() or 1,
    show_default="the cores",
    help="In parallel.",
)
@click.option("--shard", metavar="I/N", help="Grade only the I-th of N shares of the class.")
@click.option(
    "--balance-from",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="An earlier run's OUT: --shard shares the class by the times it took there "
    "(default: by the lessons each submission has). Give every shard the same one.",
)
@click.option(
    "--format",
    "extra",
    multiple=True,
    type=click.Choice(["junit", "gradescope", "classroom"]),
    help="Also write junit.xml or gradescope/<submission>.json (CSV and JSON always).",
)
@click.option("--force", is_flag=True, help="Grade again what is already graded.")
@click.option(
    "--only",
    multiple=True,
    metavar="NAME",
    help="Grade only this submission of SUBMISSIONS (repeat for several); OUT keeps the others.",
)
@click.option(
    "--gpu",
    type=click.Choice(["skip", "require"]),
    default="skip",
    show_default=True,
    help="skip: GPU tests are not run and do not count; require: they must run, on a GPU.",
)
@limit_options
@course_option
@visibility_option
@click.option(
    "--isolation",
    type=click.Choice(["auto", "none"]),
    default="auto",
    show_default=True,
    help="auto: every layer this machine allows; none: process limits only (debugging).",
)
@students_option
@click.option(
    "--deadline",
    metavar="TIME",
    help="Grade each repository as its last commit by TIME (ISO 8601 with a time zone, "
    "e.g. 2026-12-01T23:59:00+01:00); a folder that is not one is late by students.csv's "
    "submitted_at column, where it has one.",
)
@click.option(
    "--late-days",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Days after --deadline a submission is still taken (its last commit by then).",
)
@click.option(
    "--late-penalty",
    type=click.FloatRange(0, 100),
    default=0.0,
    show_default=True,
    help="Percent of the score taken off per day (or part of a day) late.",
)
def run(
    submissions: Path,
    out: Path,
    single: bool | None,
    lessons: tuple[str, ...],
    tests: Path | None,
    jobs: int,
    shard: str | None,
    balance_from: Path | None,
    extra: tuple[str, ...],
    force: bool,
    only: tuple[str, ...],
    gpu: str,
    timeout: float,
    lesson_timeout: float,
    memory: int,
    processes: int,
    course: Path | None,
    hidden_visibility: str,
    isolation: str,
    students: Path | None,
    deadline: str | None,
    late_days: int,
    late_penalty: float,
) -> None:
    """Grade every submission in SUBMISSIONS into OUT.

    Each folder in SUBMISSIONS is one submission: laid out like exercises/ (lessonN/
    folders) or a course checkout that holds one; with --single, SUBMISSIONS itself is the
    one submission (a student's repository in CI). OUT gets grades.csv (a row per
    submission and lesson), gradebook.csv (a row per student, a column per lesson and
    exercise; --students adds ids), summary.md and <submission>.json (the full result), each
    written as soon as it is done; a rerun skips what is already graded with the same
    tests, unless --force. The CSV and the summary hold every result in OUT: regrade one
    with --force --only NAME.
    """
    chosen = _course(course)
    if not deadline and (late_days or late_penalty):
        raise click.UsageError("--late-days and --late-penalty need a --deadline")
    policy = (
        late.Policy(late.parse_time(deadline, "--deadline"), late_days, late_penalty)
        if deadline
        else None
    )
    options = grading.GradeOptions(
        out=out,
        single=single,
        lessons=list(lessons),
        tests=tests,
        jobs=max(1, jobs),
        shard=grading.parse_shard(shard),
        balance_from=balance_from,
        formats=tuple(extra),
        force=force,
        only=list(only),
        gpu=gpu,
        limits=_limits(timeout, lesson_timeout, memory, processes),
        isolation=isolation,
        hidden_visibility=hidden_visibility,
        students=students,
        policy=policy,
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)  # a cancelled CI job: stop cleanly
    try:
        report = _with_progress(chosen, submissions, options)
    finally:
        signal.signal(signal.SIGTERM, previous)
    print_summary(report)
    err.print(f"results in {out}/ (grades.csv, summary.md, one JSON per submission)")
    sys.exit(1 if report.setup_failures else 0)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _with_progress(course, submissions: Path, options) -> grading.Report:
    if err.is_terminal:
        columns = (
            TextColumn("grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
        )
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task("", total=None)

            def start(total: int, skipped: int) -> None:
                bar.update(task, total=total)

            def done(graded: formats.Graded, skipped: bool) -> None:
                note = "already graded" if skipped else f"{graded.score:g}/{graded.max_score:g}"
                bar.update(task, advance=1, description=f"{graded.submission}: {note}")

            return grading.grade(course, submissions, options, start, done)

    count = {"n": 0, "total": 0}

    def start_plain(total: int, skipped: int) -> None:
        count["total"] = total
        if skipped:
            err.print(f"{skipped} of {total} already graded with these tests (--force to redo)")

    def done_plain(graded: formats.Graded, skipped: bool) -> None:
        count["n"] += 1
        if not skipped:
            err.print(
                f"[{count['n']}/{count['total']}] {escape(graded.submission)}: "
                f"{graded.score:g}/{graded.max_score:g} in {graded.seconds:.1f} s"
            )

    return grading.grade(course, submissions, options, start_plain, done_plain)


def print_summary(report: grading.Report, counts: bool = True) -> None:
    for warning in report.warnings:
        err.print(f"[yellow]sandbox: {escape(warning)}[/]")
    table = Table(title="per lesson (scores in %)", title_justify="left")
    for column in ("lesson", "graded", "mean", "median", "range", "passed", "flagged"):
        table.add_column(column, justify="left" if column == "lesson" else "right")
    table.add_column("0 → 100", no_wrap=True)
    for s in formats.summarize(report.results):
        table.add_row(
            s.lesson,
            str(s.graded),
            f"{s.mean:g}",
            f"{s.median:g}",
            f"{s.low:g}–{s.high:g}",
            str(s.passed),
            str(s.flagged),
            formats.sparkline(s.histogram),
        )
    err.print(table)
    if not counts:
        return
    rate = report.done / report.seconds * 60 if report.seconds and report.done else 0
    kept = f", {len(report.kept)} kept from earlier runs" if report.kept else ""
    err.print(
        f"{report.done} graded, {report.skipped} already graded{kept}, "
        f"in {report.seconds:.1f} s" + (f" ({rate:.1f} submissions/minute)" if rate else "")
    )
    if report.skipped:
        err.print(_reuse_note(report))
    if report.similar is None and len(report.graded) + len(report.kept) > 1:
        err.print(f"files alike across the class were not looked for: {escape(similarity.INSTALL)}")
    elif report.similar:
        err.print(f"{report.similar} pair(s) of files alike (a hint to read): see similarity.md")


def _reuse_note(report: grading.Report) -> str:
    """A rerun keeps results graded with the same tests and files, a grade a busy
    machine caused included: say so, and how to grade again."""
    text = f"{report.skipped} result(s) reused from an earlier run (same tests, same files)"
    if report.shaky:
        names = ", ".join(escape(name) for name in report.shaky[:5])
        more = ", ..." if len(report.shaky) > 5 else ""
        text += (
            f"; {len(report.shaky)} with a test that timed out or crashed, which a busy "
            f"machine can cause: {names}{more}"
        )
    return text + ". To grade again: --force (all) or --force --only NAME (repeatable)."


@grade.command()
@click.argument(
    "folders", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False)
)
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format", "extra", multiple=True, type=click.Choice(["junit", "gradescope", "classroom"])
)
@students_option
def merge(
    folders: tuple[Path, ...], out: Path, extra: tuple[str, ...], students: Path | None
) -> None:
    """Join the OUT folders of several runs (e.g. --shard I/N in a CI matrix) into one.

    Exit 1 when a submission of the class has no result in any of them (a shard failed);
    runs with and without hidden tests are refused (exit 2)."""
    merged = grading.merge(list(folders), out, tuple(extra), students)
    print_summary(grading.Report(graded=merged.graded), counts=False)
    err.print(f"merged {len(merged.graded)} submission(s) into {out}/")
    if merged.missing:
        names = ", ".join(merged.missing[:10]) + (", ..." if len(merged.missing) > 10 else "")
        err.print(
            f"{len(merged.missing)} submission(s) of the class have no result in any folder "
            f"(a shard failed?): {names}",
            markup=False,
        )
        sys.exit(1)


@grade.command()
@click.option("--out", required=True, type=click.Path(path_type=Path, file_okay=False))
@lesson_option
@tests_option
@limit_options
@course_option
@visibility_option
@click.option(
    "--torch-index",
    default="",
    metavar="URL",
    help="Where setup.sh gets torch: PyTorch's CPU wheel index (its install selector "
    "names it). Without one, pip takes the CUDA build.",
)
def bundle(
    out: Path,
    lessons: tuple[str, ...],
    tests: Path | None,
    timeout: float,
    lesson_timeout: float,
    memory: int,
    processes: int,
    course: Path | None,
    hidden_visibility: str,
    torch_index: str,
) -> None:
    """Build a Gradescope autograder in OUT (upload OUT/autograder.zip).

    OUT is a new or empty folder, or an earlier bundle (only its files are replaced);
    any other folder, the course and git checkouts are refused.
    """
    archive = grading.bundle(
        _course(course),
        out,
        list(lessons),
        tests,
        _limits(timeout, lesson_timeout, memory, processes),
        hidden_visibility,
        torch_index,
    )
    err.print(f"wrote {archive}: upload it as the assignment's autograder")
    settings = archive.parent / grading.BUNDLE_SETTINGS
    err.print(settings.read_text(encoding="utf-8"), markup=False, highlight=False)
    err.print(f"(also in {settings})")


@grade.command()
@click.argument("name", type=click.Choice(["student", "roster"]))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write it here.")
def workflow(name: str, out: Path | None) -> None:
    """Print a GitHub Actions workflow: `student` (a student's repository) or `roster`
    (your repository, grading the whole class)."""
    text = grading.workflow(name)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        err.print(f"wrote {out}")
