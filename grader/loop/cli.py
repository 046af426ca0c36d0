"""The learner's loop beyond `check` and `list`: `learn hint`, `watch`, `reset`, `doctor`.

Thin click commands over hints.py, watch.py, reset.py and doctor.py beside it; grader/cli.py
loads this module only when one of them is run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from grader import course as course_mod
from grader import render
from grader.loop import hints as hints_mod
from grader.options import timeout_option
from grader.runner import resolve_target

console = Console(highlight=False)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


@click.command()
@click.argument("lesson")
@click.argument("exercise", required=False)
@click.option("--again", is_flag=True, help="Start this exercise's hints from the first again.")
def hint(lesson: str, exercise: str | None, again: bool) -> None:
    """Show the next hint for EXERCISE of LESSON (and the ones you have seen).

    Without EXERCISE: the first exercise that did not pass in your last check.
    """
    course = course_mod.load()
    chosen = course.lesson(lesson)
    picked = chosen.exercise(exercise) if exercise else hints_mod.default_exercise(course, chosen)
    if picked is None:
        first = chosen.exercises[0].name if chosen.exercises else "NAME"
        console.print(
            f"Every exercise of {chosen.id} passed in your last check. For the hints of one "
            f"of them anyway: learn hint {chosen.id} {first}"
        )
        return
    if again:
        hints_mod.forget(course, chosen, picked)
    step = hints_mod.next_hint(course, chosen, picked)
    where = f"exercises/{chosen.id}/{picked.file}"
    read = f"read: {render.read_command(chosen, picked.section)}"
    if not step.total:
        console.print(f"[bold]{escape(picked.name)}[/] has no hints in the catalogue.")
        console.print(Text(read, style="dim"))
        return
    title = Text(f"{picked.name}", style="bold")
    title.append(f"  ({chosen.id}, {where})  hint {step.seen} of {step.total}", style="dim")
    console.print(title)
    hints = Table.grid(padding=(0, 1))  # a long hint wraps under itself, not under "1."
    hints.add_column(justify="right", min_width=4)
    hints.add_column()
    for number, text in enumerate(step.shown, start=1):
        style = "" if number == step.seen and step.new else "dim"
        hints.add_row(Text(f"{number}.", style="bold " + style), Text(text, style=style))
    console.print(hints)
    console.print(Text(read, style="dim"))
    if step.last:
        console.print(
            Text(
                "That was the last hint."
                + (
                    ""
                    if step.new
                    else f" (`learn hint {chosen.id} {picked.name} --again` starts over)"
                ),
                style="yellow",
            )
        )
    else:
        console.print(
            Text(f"Still stuck? `learn hint {chosen.id} {picked.name}` shows the next.", "dim")
        )


@click.command()
@click.argument("lesson", required=False)
@click.option(
    "--path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder laid out like exercises/ to watch and grade (default: exercises/).",
)
@timeout_option
def watch(lesson: str | None, path: Path | None, timeout: float) -> None:
    """Re-check LESSON every time you save a file (default: your first unfinished lesson).

    Ctrl-C stops watching.
    """
    from grader.loop import watch as watching

    try:
        course = course_mod.load()
        chosen = course.lesson(lesson) if lesson else watching.first_unfinished(course, path)
        if chosen is None:
            console.print("Every lesson passes. To watch one anyway: learn watch LESSON")
            return
        target = resolve_target(course, chosen, path)
        code = watching.watch(
            course, chosen, target, console=console, timeout=timeout, record=path is None
        )
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)


def _agreed(question: str) -> bool:
    """Yes or no from the learner; with nobody to ask (stdin closed), a usage error."""
    click.echo(question, nl=False)
    answer = sys.stdin.readline()
    if not answer:
        click.echo()
        raise click.UsageError("no answer to the question (stdin is closed): pass --yes")
    return answer.strip().lower() in ("y", "yes")


@click.command()
@click.argument("lesson")
@click.argument("file", required=False)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def reset(lesson: str, file: str | None, yes: bool) -> None:
    """Put the fresh stub back in place of FILE of LESSON (default: all its files).

    What is replaced is first copied to .learn/backups/<time>/.
    """
    from grader.loop import reset as reset_mod

    course = course_mod.load()
    chosen = course.lesson(lesson)
    restores = reset_mod.plan(course, chosen, file)
    changed = [r for r in restores if r.changed]
    if not changed:
        console.print(
            "Nothing to reset: "
            + ", ".join(_relative(r.path, course.root) for r in restores)
            + (" already hold" if len(restores) > 1 else " already holds")
            + " the fresh stub."
        )
        return
    console.print("These files get a fresh stub:")
    for restore in changed:
        missing = "  (missing now)" if restore.current is None else ""
        console.print(f"  {escape(_relative(restore.path, course.root))}{missing}")
    if not yes and not _agreed("Replace them? Your version is backed up first [y/N]: "):
        console.print("Nothing changed.")  # the learner's choice, not a failure
        return
    backups = reset_mod.apply(course, restores)
    console.print(f"Restored {len(changed)} file(s).")
    if backups is not None:
        console.print(f"Your previous version is in {escape(_relative(backups, course.root))}/")


@click.command()
def doctor() -> None:
    """Check this machine for the course: Python, torch and its GPUs, the install."""
    from grader.loop import doctor as doctor_mod

    console.print("[dim]checking (torch is imported in a separate process)…[/]")
    findings = doctor_mod.diagnose()
    width = max(len(f.what) for f in findings)
    for finding in findings:
        if finding.ok and not finding.warning:
            mark = "[green]✔[/]"
        elif finding.ok:
            mark = "[yellow]![/]"
        else:
            mark = "[red]✘[/]"
        console.print(f"{mark} {finding.what:<{width}}  {escape(finding.detail)}")
        if finding.fix:
            console.print(f"  {'':<{width}}  [bold]fix:[/] {escape(finding.fix)}")
    problems = [f for f in findings if not f.ok]
    if problems:
        console.print(f"[red]{len(problems)} problem(s) found[/]: the fixes are above.")
        sys.exit(2)
    console.print("[green]Ready for the course.[/]")


@click.command()
@click.argument("lesson")
@click.argument("section", required=False)
def read(lesson: str, section: str | None) -> None:
    """Open LESSON's page in your browser, at SECTION (a heading, or words of it).

    The published site when the course names one, else the course's own site/,
    built the first time. BROWSER chooses the browser.
    """
    from grader.loop import read as read_mod

    course = course_mod.load()
    url = read_mod.open_page(course, course.lesson(lesson), section)
    console.print(f"opened {escape(url)}", soft_wrap=True)


COMMANDS = {"hint": hint, "watch": watch, "reset": reset, "doctor": doctor, "read": read}
