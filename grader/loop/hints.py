"""`learn hint`: each exercise's ladder of hints from the catalogue, one rung per call.

The ladder goes from a nudge to the answer. Every call shows the hints seen so far
plus the next one, and the position is remembered per learner in the progress file,
so a hint once seen is never lost and the next call never jumps ahead by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.course import Course, Exercise, Lesson
from grader.loop import progress
from grader.results import next_exercise


@dataclass(frozen=True)
class HintStep:
    lesson: Lesson
    exercise: Exercise
    seen: int  # hints shown, this call's included
    new: bool  # this call revealed one that had not been shown before

    @property
    def shown(self) -> tuple[str, ...]:
        return self.exercise.hints[: self.seen]

    @property
    def total(self) -> int:
        return len(self.exercise.hints)

    @property
    def last(self) -> bool:
        return self.seen >= self.total


def default_exercise(course: Course, lesson: Lesson) -> Exercise | None:
    """The first exercise, in the catalogue's order, that did not pass in the last check.

    Before any check that is the first exercise; None when everything passed.
    """
    statuses = progress.exercise_statuses(progress.last(course.root, lesson.id))
    name = next_exercise((e.name for e in lesson.exercises), statuses)
    return None if name is None else lesson.exercise(name)


def next_hint(course: Course, lesson: Lesson, exercise: Exercise) -> HintStep:
    """Reveal the next hint of `exercise` (or repeat them all once the ladder is climbed)."""
    seen = min(progress.hints_seen(course.root, lesson.id, exercise.name), len(exercise.hints))
    new = seen < len(exercise.hints)
    if new:
        seen += 1
        progress.set_hints_seen(course.root, lesson.id, exercise.name, seen)
    return HintStep(lesson=lesson, exercise=exercise, seen=seen, new=new)


def forget(course: Course, lesson: Lesson, exercise: Exercise) -> None:
    """Start the exercise's ladder again from the first rung."""
    progress.set_hints_seen(course.root, lesson.id, exercise.name, 0)
