"""`learn`: the command line. Each command is a thin shell over a plain function.

Startup is on the learner's critical path, so imports are lazy: rich is imported
while `learn check`'s test process runs, and a command's own module (grade, watch,
hint...) only when that command is run.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader import course as course_mod
from grader.course import CourseError
from grader.loop import daemon, progress
from grader.loop.install import ensure_torch
from grader.loop.livebar import LiveBar
from grader.options import timeout_option
from grader.runner import RunOptions, parallel_shares, resolve_target

if TYPE_CHECKING:
    from grader.authoring.stubs import Stub

EXIT_CODES = """\b
Exit codes:
  0  every test that could run passed
  1  some test failed, errored, timed out or is not started
  2  usage or environment error (unknown lesson, missing folder, not in a course)
"""


class _LazyConsole:
    """rich's Console, made on first use (importing rich costs a tenth of a second)."""

    _real = None

    def _console(self):
        if _LazyConsole._real is None:
            from rich.console import Console

            _LazyConsole._real = Console(highlight=False)
        return _LazyConsole._real

    def print(self, *objects, **options) -> None:
        """Handed around as `say=console.print` before a check: rich loads on first use."""
        self._console().print(*objects, **options)

    def __getattr__(self, name: str):
        return getattr(self._console(), name)


console = _LazyConsole()


class LazyGroup(click.Group):
    """A group whose commands in `lazy` ("name" -> "module:attribute") load when used."""

    lazy: dict[str, str]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *getattr(self, "lazy", {})})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        lazy = getattr(self, "lazy", {})
        if name not in self.commands and name in lazy:
            module, attribute = lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


def _import_in_background(*modules: str) -> None:
    """Import `modules` in a thread, while the main one waits for the test process."""

    def load() -> None:
        for module in modules:
            importlib.import_module(module)

    threading.Thread(target=load, daemon=True).start()


@click.group(cls=LazyGroup, epilog=EXIT_CODES, invoke_without_command=True)
@click.version_option(package_name="learn-pytorch-course")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Grade the exercises of the course, lesson by lesson.

    With no command, inside a course: `learn watch` on your current lesson.
    """
    if ctx.invoked_subcommand is not None:
        return
    try:
        course_mod.find_root()
    except CourseError as exc:
        click.echo(ctx.get_help())
        click.echo(f"\nlearn: {exc}: with no command, learn watches a course's lesson", err=True)
        sys.exit(2)
    ctx.invoke(cli.get_command(ctx, "watch"))


@cli.command()
@click.argument("lesson", required=False)
@click.option("--all", "every", is_flag=True, help="Check every lesson in order; a summary.")
@click.option(
    "--path",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder laid out like exercises/ to grade (default: the course's exercises/).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@timeout_option
def check(lesson: str | None, every: bool, path: Path | None, fmt: str, timeout: float) -> None:
    """Run the tests of LESSON (e.g. lesson1, or 1) against your code.

    A check leaves a warm worker behind, so the next one starts in a fraction of a
    second; it leaves after LEARN_WARM seconds without a check (600), and
    LEARN_WARM=0 turns it off.
    """
    if every == bool(lesson):
        raise click.UsageError(
            "Missing argument 'LESSON' (or --all for every lesson)."
            if not lesson
            else "give a LESSON or --all, not both"
        )
    course = course_mod.load()
    if every:
        sys.exit(_check_all(course, path, fmt, timeout))
    chosen = course.lesson(lesson or "")
    target = resolve_target(course, chosen, path)
    ensure_torch(course, [chosen], say=console.print)
    _import_in_background("grader.render")  # rich, ready by the time the tests are done
    with LiveBar() as bar:
        options = RunOptions(timeout, on_record=bar.follow(chosen.id), shares=parallel_shares())
        result = daemon.check(course, chosen, target, options)
    if path is None:
        progress.record(course.root, result)
    from grader import render

    if fmt == "json":
        click.echo(render.as_json([result]))
    else:
        render.print_result(console, chosen, result)
        _what_next(chosen, result)
    if result.error:
        sys.exit(2)
    sys.exit(0 if result.passed else 1)


def _what_next(lesson: course_mod.Lesson, result) -> None:
    """One line under the table: which exercise to fix, and the commands that help."""
    name = result.next_exercise(e.name for e in lesson.exercises)
    if name is not None and not result.error:
        console.print(
            f"[dim]next: `{name}`; `learn hint {lesson.id} {name}` for a hint, "
            f"`learn watch {lesson.id}` re-checks on every save[/]"
        )


def _check_all(course: course_mod.Course, path: Path | None, fmt: str, timeout: float) -> int:
    from grader.loop import overview

    outcomes = []
    ensure_torch(course, course.lessons, say=console.print)
    _import_in_background("grader.render", "grader.loop.overview")
    with LiveBar() as bar:
        for lesson in course.lessons:
            if not (course.tests_dir / lesson.id).is_dir():
                outcomes.append((lesson, None, "no tests yet"))
                continue
            try:
                target = resolve_target(course, lesson, path)
            except CourseError as exc:
                outcomes.append((lesson, None, str(exc)))
                continue
            options = RunOptions(timeout, on_record=bar.follow(lesson.id), shares=parallel_shares())
            result = daemon.check(course, lesson, target, options)
            if path is None:
                progress.record(course.root, result)
            outcomes.append((lesson, result, ""))
    if fmt == "json":
        from grader import render

        click.echo(render.as_json([result for _, result, _ in outcomes if result is not None]))
    else:
        console.print(overview.summary(course, outcomes))
    return overview.worst_exit_code(outcomes)


@cli.command(name="list")
def list_lessons() -> None:
    """Every lesson with its points and status, your progress, and what to do next."""
    from grader.loop import overview

    course = course_mod.load()
    console.print(overview.table(overview.overview(course)))


cli.add_command(list_lessons, name="progress")


@cli.group()
def dev() -> None:
    """Commands for the people who write the course."""


@dev.command(name="stubs")
@click.option("--check", "check_only", is_flag=True, help="Only report stubs that are stale.")
@click.option("--force", is_flag=True, help="Overwrite edited files too, backed up first.")
def dev_stubs(check_only: bool, force: bool) -> None:
    """Generate exercises/ from the marked solutions/.

    A file that is not the stub last generated (the one in git's last commit) may be a
    learner's work: it is left alone, unless --force, which backs it up to
    .learn/backups/ first.
    """
    from grader.authoring import stubs

    course = course_mod.load()
    found = stubs.survey(course)
    if check_only:
        sys.exit(_check_stubs(course, found))
    edited = [stub.path for stub in found if stub.edited]
    names = ", ".join(str(path.relative_to(course.root)) for path in edited)
    if edited and not force:
        raise CourseError(
            f"not overwriting {names}: {'they differ' if len(edited) > 1 else 'it differs'} "
            "from the stub last generated (the one in "
            "git's last commit, if any) and may be someone's work. "
            "`learn dev stubs --force` overwrites after a backup in .learn/backups/."
        )
    if edited:
        from grader.loop import reset

        folder = reset.backup(course, edited)
        click.echo(f"backed up {names} to {folder.relative_to(course.root)}/")
    for path in stubs.write(course):
        click.echo(f"wrote {path.relative_to(course.root)}")


def _check_stubs(course: course_mod.Course, found: list[Stub]) -> int:
    """Report the stubs the solutions no longer generate. A file edited here (a learner's
    work) is judged by the stub committed in git, or by itself when git has none."""
    stale = False
    for stub in (s for s in found if s.current != s.text):
        name = stub.path.relative_to(course.root)
        if stub.in_sync:
            click.echo(f"{name}: edited here; checked the stub committed in git instead")
        else:
            where = "as committed in git" if stub.committed is not None else "no stub in git"
            click.echo(f"out of date: {name} ({where})")
            stale = True
    if stale:
        click.echo("run `learn dev stubs` to regenerate them")
        return 1
    click.echo("exercises/ is in sync with solutions/")
    return 0


@dev.command(name="verify")
@click.argument("lessons", nargs=-1)
@click.option("--jobs", type=int, default=os.cpu_count() or 1, show_default="the cores")
def dev_verify(lessons: tuple[str, ...], jobs: int) -> None:
    """Prove the course sound: solutions pass, stubs not started, every mutant caught,
    every variant (a correct solution in another style) given full marks, with the
    learner's code in the test process and in a sandbox process of its own (as
    `learn grade` runs it), and the same result for every test both ways."""
    from rich.markup import escape

    from grader.authoring import verify

    course = course_mod.load()
    chosen = [course.lesson(x) for x in lessons] if lessons else list(course.lessons)

    def show(item: object) -> None:
        if isinstance(item, verify.Check):
            mark = "[green]✔[/]" if item.ok else "[red]✘[/]"
            console.print(f"{mark} {item.lesson}: {item.what}  [dim]{escape(item.detail)}[/]")
        elif isinstance(item, verify.MutantOutcome):
            m = item.mutant
            mark = "[green]caught[/]" if item.caught else "[red]SURVIVED[/]"
            if item.astray:
                mark = "[red]CAUGHT ELSEWHERE[/]"
            if item.fault:
                mark = "[red]TEST FAULT[/]"
            console.print(
                f"  {mark} {m.lesson}/{m.module}/{m.name}: {escape(m.description)}"
                f"  [dim]{escape(item.fault or item.astray or item.by)}[/]"
            )
        elif isinstance(item, verify.VariantOutcome):
            v = item.variant
            mark = "[green]accepted[/]" if item.accepted else "[red]REJECTED[/]"
            console.print(
                f"  {mark} {v.lesson}/{v.name}: {escape(v.description)}"
                f"  [dim]{escape(item.detail)}[/]"
            )

    report = verify.verify(course, chosen, jobs=jobs, progress=show)
    for lesson in chosen:
        caught, total = report.catch_rate(lesson.id)
        rate = f"{100 * caught / total:.0f}%" if total else "n/a"
        accepted, variants = report.acceptance(lesson.id)
        console.print(
            f"{lesson.id}: mutants caught {caught}/{total} ({rate}), "
            f"variants accepted {accepted}/{variants}"
        )
    caught, total = report.catch_rate()
    accepted, variants = report.acceptance()
    verdict = "[green]course verified[/]" if report.ok else "[red]verification failed[/]"
    console.print(
        f"[bold]catch rate: {caught}/{total}, variants accepted: {accepted}/{variants}[/]  "
        f"{verdict}"
    )
    sys.exit(0 if report.ok else 1)


cli.lazy = {
    "grade": "grader.examiner.cli:grade",  # `learn grade ...`: grader/examiner/cli.py
    **{name: f"grader.loop.cli:{name}" for name in ("hint", "watch", "reset", "doctor", "read")},
}


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
