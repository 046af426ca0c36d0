"""Turn the result model into what people read: a terminal table, or JSON for machines."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.course import Lesson
from grader.results import ExerciseResult, LessonResult, Status, TestResult

STYLE = {
    Status.PASSED: ("✔ passed", "green"),
    Status.FAILED: ("✘ failed", "red"),
    Status.NOT_STARTED: ("○ not started", "dim"),
    Status.IN_PROGRESS: ("◐ in progress", "cyan"),
    Status.ERROR: ("‼ error in your code", "magenta"),
    Status.TEST_ERROR: ("‼ error in the test", "bold magenta"),
    Status.TIMED_OUT: ("⧗ timed out", "yellow"),
    Status.OUT_OF_MEMORY: ("▲ out of memory", "yellow"),
    Status.CRASHED: ("☠ crashed", "bold red"),
    Status.NOT_RUN: ("– not run", "blue"),
}


def status_text(status: Status) -> Text:
    label, style = STYLE[status]
    return Text(label, style=style)


def points(score: float, max_score: float) -> str:
    return f"{score:g}/{max_score:g}"


def shown_path(result: LessonResult, file: str) -> str:
    """A learner's file as they would type it: relative to where `learn` runs, if inside."""
    path = Path(result.target, file)
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def read_command(lesson: Lesson, section: str) -> str:
    return f'learn read {lesson.id} "{section}"'


def problem_text(lesson: Lesson, exercise: ExerciseResult, indent: str = "") -> Text:
    """The exercise's first problem as a learner reads it: the message (call, expected,
    got, example), where in their file, what their code printed, and what to reread."""
    problem = exercise.first_problem
    text = Text()
    if exercise.status is Status.PASSED or problem is None:
        return text
    if problem.unloadable:
        text.append(f"{indent}{Path(problem.unloadable).name} does not load: see above")
        return text
    if exercise.status is Status.NOT_STARTED:
        text.append(f"{indent}still raises NotImplementedError", style="dim")
    else:
        message = problem.message.strip() or problem.status.value
        text.append("\n".join(indent + line for line in message.splitlines()))
        if problem.location:
            text.append(f"\n{indent}at {problem.location}", style="cyan")
        if problem.output:
            text.append(f"\n{indent}your code printed:", style="dim")
            text.append("".join(f"\n{indent}  {line}" for line in problem.output.splitlines()))
    known = {e.name: e for e in lesson.exercises}
    if exercise.name in known and exercise.status not in (Status.NOT_RUN, Status.TEST_ERROR):
        # Not started: the exercise's own section, where it begins, not one a test of a
        # particular mistake names.
        started = exercise.status is not Status.NOT_STARTED
        section = (started and problem.section) or known[exercise.name].section
        text.append(f"\n{indent}read: {read_command(lesson, section)}", style="dim italic")
    return text


def unloadable_files(lesson: Lesson, result: LessonResult) -> Text | None:
    """Each learner file that could not be imported, once, with the lines around the
    problem and the fix; None when every file loads."""
    firsts: dict[str, TestResult] = {}
    for test in result.tests:
        if test.unloadable:
            firsts.setdefault(test.unloadable, test)
    if not firsts:
        return None
    text = Text()
    for file, test in firsts.items():
        text.append(f"{shown_path(result, file)} does not load", style="bold magenta")
        text.append(", so none of its tests could run:\n")
        text.append(test.message.strip() + "\n")
        name = Path(file).name
        if "is missing" in test.message:
            text.append(f"fix: `learn reset {lesson.id} {name}` puts its stub back\n", "bold")
        else:
            text.append(f"fix: the line marked > in {name} (or the one before it)\n", "bold")
    return text


def table(lesson: Lesson, result: LessonResult) -> Group:
    grid = Table(title=f"{lesson.id}: {lesson.title}", title_justify="left", expand=True)
    grid.add_column("exercise", style="bold", no_wrap=True)
    grid.add_column("status", no_wrap=True)
    grid.add_column("points", justify="right", no_wrap=True)
    grid.add_column("first problem", ratio=1)
    for exercise in result.exercises([e.name for e in lesson.exercises]):
        grid.add_row(
            exercise.name,
            status_text(exercise.status),
            points(exercise.score, exercise.max_score),
            problem_text(lesson, exercise),
        )
    files = unloadable_files(lesson, result)
    return Group(*([files] if files else []), grid, summary(lesson, result))


def summary(lesson: Lesson, result: LessonResult) -> Text:
    counts = result.counts_by_status()
    parts = ", ".join(f"{n} {status.value}" for status, n in counts.items())
    text = Text(f"score {points(result.score, result.max_score)}  (tests: {parts})\n")
    if counts.get(Status.NOT_RUN):
        text.append(
            f"{counts[Status.NOT_RUN]} GPU test(s) not run: they need a CUDA or MPS device; "
            "they do not count toward the score.\n",
            style="blue",
        )
    if result.passed:
        text.append(f"All done: {result.lesson} passes. On to the next lesson!", style="bold green")
    elif counts.get(Status.NOT_STARTED) == len([t for t in result.tests if t.counts]):
        files = sorted({e.file for e in lesson.exercises})
        where = ", ".join(shown_path(result, f"{lesson.id}/{f}") for f in files)
        text.append(f"Nothing started yet: open {where} and fill in the first stub.")
    return text


def print_result(console: Console, lesson: Lesson, result: LessonResult) -> None:
    if result.error:
        console.print(
            Text.assemble((f"{lesson.id} could not be graded: ", "bold red"), result.error)
        )
        return
    console.print(table(lesson, result))


def as_json(results: list[LessonResult]) -> str:
    return json.dumps([r.to_dict() for r in results], indent=2)
