"""`learn`: the command line. Each command is a thin shell over a plain function."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from grader import course as course_mod
from grader import progress, render, stubs
from grader.course import CourseError
from grader.results import Status
from grader.runner import RunOptions, resolve_target, run_lesson

EXIT_CODES = """\b
Exit codes:
  0  every test that could run passed
  1  some test failed, errored, timed out or is not started
  2  usage or environment error (unknown lesson, missing folder, not in a course)
"""

console = Console(highlight=False)


@click.group(epilog=EXIT_CODES)
@click.version_option(package_name="learn-pytorch-course")
def cli() -> None:
    """Grade the exercises of the course, lesson by lesson."""


@cli.command()
@click.argument("lesson")
@click.option(
    "--path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder laid out like exercises/ to grade (default: the course's exercises/).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per test.")
def check(lesson: str, path: Path | None, fmt: str, timeout: float) -> None:
    """Run the tests of LESSON (e.g. lesson1, or 1) against your code."""
    course = course_mod.load()
    chosen = course.lesson(lesson)
    target = resolve_target(course, chosen, path)
    result = run_lesson(course, chosen, target, RunOptions(timeout=timeout))
    if path is None:
        progress.record(course.root, result)
    if fmt == "json":
        click.echo(render.as_json([result]))
    else:
        render.print_result(console, chosen, result)
    if result.error:
        sys.exit(2)
    sys.exit(0 if result.passed else 1)


@cli.command(name="list")
def list_lessons() -> None:
    """Every lesson in order, with your last result."""
    course = course_mod.load()
    grid = Table(title=course.title, title_justify="left")
    for column in ("lesson", "title", "exercises", "last check"):
        grid.add_column(column)
    for lesson in course.lessons:
        last = progress.last(course.root, lesson.id)
        if last is None:
            state = Text("not checked yet", style="dim")
        else:
            status = Status.PASSED if last.get("passed") else Status(last.get("status", "error"))
            state = render.status_text(status)
            state.append(f"  {render.points(last['score'], last['max_score'])}  {last['when']}")
        grid.add_row(lesson.id, lesson.title, str(len(lesson.exercises)), state)
    console.print(grid)


@cli.group()
def dev() -> None:
    """Commands for the people who write the course."""


@dev.command(name="stubs")
@click.option("--check", "check_only", is_flag=True, help="Only report stubs that are stale.")
def dev_stubs(check_only: bool) -> None:
    """Generate exercises/ from the marked solutions/."""
    course = course_mod.load()
    if check_only:
        stale = stubs.out_of_date(course)
        for path in stale:
            click.echo(f"out of date: {path.relative_to(course.root)}")
        if stale:
            click.echo("run `learn dev stubs` to regenerate them")
            sys.exit(1)
        click.echo("exercises/ is in sync with solutions/")
        return
    for path in stubs.write(course):
        click.echo(f"wrote {path.relative_to(course.root)}")


@dev.command(name="verify")
@click.argument("lessons", nargs=-1)
@click.option("--jobs", type=int, default=os.cpu_count() or 1, show_default="the cores")
def dev_verify(lessons: tuple[str, ...], jobs: int) -> None:
    """Prove the course sound: solutions pass, stubs not started, every mutant caught."""
    from grader import verify

    course = course_mod.load()
    chosen = [course.lesson(x) for x in lessons] if lessons else list(course.lessons)

    def show(item: object) -> None:
        if isinstance(item, verify.Check):
            mark = "[green]✔[/]" if item.ok else "[red]✘[/]"
            console.print(f"{mark} {item.lesson}: {item.what}  [dim]{escape(item.detail)}[/]")
        elif isinstance(item, verify.MutantOutcome):
            m = item.mutant
            mark = "[green]caught[/]" if item.caught else "[red]SURVIVED[/]"
            console.print(
                f"  {mark} {m.lesson}/{m.module}/{m.name}: {escape(m.description)}"
                f"  [dim]{escape(item.by)}[/]"
            )

    report = verify.verify(course, chosen, jobs=jobs, progress=show)
    for lesson in chosen:
        caught, total = report.catch_rate(lesson.id)
        rate = f"{100 * caught / total:.0f}%" if total else "n/a"
        console.print(f"{lesson.id}: mutants caught {caught}/{total} ({rate})")
    caught, total = report.catch_rate()
    verdict = "[green]course verified[/]" if report.ok else "[red]verification failed[/]"
    console.print(f"[bold]catch rate: {caught}/{total}[/]  {verdict}")
    sys.exit(0 if report.ok else 1)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
    except CourseError as exc:
        click.echo(f"learn: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
