"""Turn the result model into what people read: a terminal table, or JSON for machines."""

from __future__ import annotations

import json

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.course import Lesson
from grader.results import ExerciseResult, LessonResult, Status

STYLE = {
    Status.PASSED: ("✔ passed", "green"),
    Status.FAILED: ("✘ failed", "red"),
    Status.NOT_STARTED: ("○ not started", "dim"),
    Status.ERROR: ("‼ error in your code", "magenta"),
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


def _details(lesson: Lesson, exercise: ExerciseResult) -> Text:
    problem = exercise.first_problem
    if exercise.status is Status.PASSED or problem is None:
        return Text("")
    text = Text()
    if exercise.status is Status.NOT_STARTED:
        text.append("still raises NotImplementedError", style="dim")
    else:
        text.append(problem.message.strip() or problem.status.value)
        if problem.location:
            text.append(f"\nat {problem.location}", style="cyan")
    known = {e.name: e for e in lesson.exercises}
    if exercise.name in known and exercise.status is not Status.NOT_RUN:
        section = known[exercise.name].section
        text.append(f"\nread: “{section}” ({lesson.section_link(section)})", style="dim italic")
    return text


def table(lesson: Lesson, result: LessonResult) -> Group:
    grid = Table(title=f"{lesson.id}: {lesson.title}", title_justify="left", expand=True)
    grid.add_column("exercise", style="bold", no_wrap=True)
    grid.add_column("status", no_wrap=True)
    grid.add_column("points", justify="right", no_wrap=True)
    grid.add_column("first problem", ratio=1, overflow="fold")
    for exercise in result.exercises([e.name for e in lesson.exercises]):
        grid.add_row(
            exercise.name,
            status_text(exercise.status),
            points(exercise.score, exercise.max_score),
            _details(lesson, exercise),
        )
    return Group(grid, summary(result))


def summary(result: LessonResult) -> Text:
    counts = result.counts_by_status()
    parts = ", ".join(f"{n} {status.value}" for status, n in counts.items())
    text = Text(f"score {points(result.score, result.max_score)}  ({parts})\n")
    if counts.get(Status.NOT_RUN):
        text.append(
            f"{counts[Status.NOT_RUN]} GPU test(s) not run: they need a CUDA or MPS device; "
            "they do not count toward the score.\n",
            style="blue",
        )
    if result.passed:
        text.append(f"All done: {result.lesson} passes. On to the next lesson!", style="bold green")
    elif counts.get(Status.NOT_STARTED) == len([t for t in result.tests if t.counts]):
        text.append("Nothing started yet: open the exercise file and fill in the first stub.")
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
