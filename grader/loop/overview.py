"""The course at a glance: `learn list` (every lesson, progress, what to do next) and
the summary of `learn check --all`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from grader import render
from grader.course import Course, Lesson
from grader.loop import progress
from grader.results import LessonResult, Status, next_exercise


@dataclass(frozen=True)
class LessonState:
    lesson: Lesson
    available: bool  # the course has its tests and the learner its exercise folder
    last: progress.LessonProgress | None  # the lesson's last check, from the progress file

    @property
    def statuses(self) -> dict[str, Status]:
        return progress.exercise_statuses(self.last)

    @property
    def passed(self) -> bool:
        return self.last is not None and self.last.passed

    @property
    def exercises_done(self) -> int:
        if self.passed:
            return len(self.lesson.exercises)
        statuses = self.statuses
        return sum(1 for e in self.lesson.exercises if statuses.get(e.name) is Status.PASSED)

    @property
    def next_exercise(self) -> str | None:
        return next_exercise((e.name for e in self.lesson.exercises), self.statuses)


@dataclass(frozen=True)
class Overview:
    course: Course
    lessons: tuple[LessonState, ...]

    @property
    def exercises_done(self) -> int:
        return sum(state.exercises_done for state in self.lessons)

    @property
    def exercises_total(self) -> int:
        return sum(len(state.lesson.exercises) for state in self.lessons)

    def next_step(self) -> str:
        """One sentence: what the learner should do now."""
        for state in self.lessons:
            if not state.available or state.passed:
                continue
            lesson = state.lesson
            if state.last is None:
                files = sorted({e.file for e in lesson.exercises})
                where = ", ".join(f"exercises/{lesson.id}/{f}" for f in files)
                return (
                    f"start {lesson.id} ({lesson.title}): `learn read {lesson.id}`, "
                    f"fill in {where}, "
                    f"then `learn watch {lesson.id}` re-checks on every save"
                )
            name = state.next_exercise
            if name is None:
                return f"run `learn check {lesson.id}` again: its last check did not pass"
            exercise = lesson.exercise(name)
            status = state.statuses.get(name)
            how = f" ({render.STYLE[status][0].split(' ', 1)[1]})" if status else ""
            return (
                f"{lesson.id}: `{name}` in exercises/{lesson.id}/{exercise.file}{how}; "
                f"`learn watch {lesson.id}` re-checks on save, "
                f"`learn hint {lesson.id} {name}` if you are stuck"
            )
        waiting = [s.lesson.id for s in self.lessons if not s.available]
        if waiting:
            return f"every lesson so far passes; {', '.join(waiting)} not ready yet"
        return "every lesson passes: the course is done. Well done!"


def overview(course: Course, target: Path | None = None) -> Overview:
    target = target or course.exercises_dir
    states = tuple(
        LessonState(
            lesson=lesson,
            available=(course.tests_dir / lesson.id).is_dir() and (target / lesson.id).is_dir(),
            last=progress.last(course.root, lesson.id),
        )
        for lesson in course.lessons
    )
    return Overview(course, states)


def course_bar(done: int, total: int, width: int = 40) -> Text:
    filled = round(width * done / total) if total else 0
    bar = Text("━" * filled, style="green")
    bar.append("━" * (width - filled), style="grey30")
    percent = f"{100 * done / total:.0f}%" if total else "0%"
    bar.append(f"  {done}/{total} exercises ({percent})")
    return bar


def table(view: Overview) -> Group:
    """`learn list`: every lesson, its points and status, the course's bar, what next."""
    grid = Table(title=view.course.title, title_justify="left")
    for column in ("lesson", "title", "exercises", "points", "last check"):
        grid.add_column(column, justify="right" if column in ("exercises", "points") else "left")
    for state in view.lessons:
        last = state.last
        total = len(state.lesson.exercises)
        if not state.available:
            points, status = "", Text("not ready yet", style="dim")
        elif last is None:
            points, status = "", Text("not checked yet", style="dim")
        else:
            points = render.points(last.score, last.max_score)
            status = render.status_text(Status.PASSED if last.passed else last.status)
            status.append(f"  {last.when}", style="dim")
        grid.add_row(
            state.lesson.id,
            state.lesson.title,
            f"{state.exercises_done}/{total}",
            points,
            status,
        )
    return Group(
        grid,
        Text("course ").append_text(course_bar(view.exercises_done, view.exercises_total)),
        Text(f"next: {view.next_step()}", style="bold"),
    )


def summary(course: Course, outcomes: list[tuple[Lesson, LessonResult | None, str]]) -> Group:
    """`learn check --all`: a row per lesson (result, or why it was skipped)."""
    grid = Table(title=f"{course.title}: every lesson", title_justify="left", expand=True)
    for column in ("lesson", "status", "points", "exercises", "first problem"):
        grid.add_column(column, no_wrap=column != "first problem")
    score = max_score = 0.0
    for lesson, result, skipped in outcomes:
        if result is None:
            grid.add_row(lesson.id, Text("– skipped", style="dim"), "", "", Text(skipped, "dim"))
            continue
        if result.error:
            grid.add_row(
                lesson.id, render.status_text(Status.ERROR), "", "", Text(result.error[:300])
            )
            continue
        score, max_score = score + result.score, max_score + result.max_score
        exercises = result.exercises([e.name for e in lesson.exercises])
        passed = sum(1 for e in exercises if e.status is Status.PASSED)
        name = result.next_exercise(e.name for e in lesson.exercises)
        first = Text("")
        if name is not None and not result.passed:
            first = Text(f"{name}: ", style="bold")
            first.append_text(render.status_text(result.statuses()[name]))
        status = Status.PASSED if result.passed else result.status
        grid.add_row(
            lesson.id,
            render.status_text(status),
            render.points(result.score, result.max_score),
            f"{passed}/{len(lesson.exercises)}",
            first,
        )
    footer = Text(f"score {render.points(score, max_score)} over the lessons checked")
    failing = [lesson.id for lesson, result, _ in outcomes if result and not result.passed]
    if failing:
        footer.append(f"\nfor the details: learn check {failing[0]}", style="bold")
    return Group(grid, footer)


def worst_exit_code(outcomes: list[tuple[Lesson, LessonResult | None, str]]) -> int:
    """2 if a lesson could not be graded, else 1 if one did not pass, else 0."""
    results = [result for _, result, _ in outcomes if result is not None]
    if not results or any(r.error for r in results):
        return 2
    return 0 if all(r.passed for r in results) else 1
