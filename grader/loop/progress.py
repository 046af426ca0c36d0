"""The learner's last result per lesson (and per exercise) and how far up each exercise's
hint ladder they have climbed, kept in `.learn/progress.json` (git ignores it).

A missing or damaged file is never an error: progress is a convenience, the tests
are the truth, and the next check writes a fresh file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import STATE_FOLDER
from grader.results import LessonResult, Status


def _path(root: Path) -> Path:
    return root / STATE_FOLDER / "progress.json"


def load(root: Path) -> dict:
    try:
        data = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"lessons": {}, "hints": {}}
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
        return {"lessons": {}, "hints": {}}
    if not isinstance(data.get("hints"), dict):
        data["hints"] = {}
    return data


def save(root: Path, data: dict) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half of a new one."""
    path = _path(root)
    try:
        path.parent.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as tmp:
            json.dump(data, tmp, indent=2)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only course folder still gets graded


def record(root: Path, result: LessonResult) -> None:
    if result.error:
        return
    data = load(root)
    data["lessons"][result.lesson] = {
        "score": result.score,
        "max_score": result.max_score,
        "status": result.status.value,
        "passed": result.passed,
        "target": result.target,
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "exercises": {
            exercise.name: {
                "status": exercise.status.value,
                "score": exercise.score,
                "max_score": exercise.max_score,
            }
            for exercise in result.exercises()
        },
    }
    save(root, data)


@dataclass(frozen=True)
class LessonProgress:
    """A lesson's last check as the progress file remembers it."""

    status: Status
    passed: bool
    score: float = 0.0
    max_score: float = 0.0
    when: str = ""
    target: str = ""
    exercises: dict[str, Status] = field(default_factory=dict)  # each exercise's status

    @classmethod
    def from_entry(cls, entry: object) -> LessonProgress | None:
        """The record in a file entry; None for anything that is not one (a damaged file)."""
        if not isinstance(entry, dict):
            return None
        try:
            found = entry.get("exercises")
            exercises = {
                str(name): Status(value.get("status") if isinstance(value, dict) else value)
                for name, value in (found if isinstance(found, dict) else {}).items()
            }
            return cls(
                status=Status(entry.get("status", Status.ERROR)),
                passed=entry.get("passed") is True,
                score=float(entry.get("score", 0)),
                max_score=float(entry.get("max_score", 0)),
                when=str(entry.get("when", "")),
                target=str(entry.get("target", "")),
                exercises=exercises,
            )
        except (ValueError, TypeError, AttributeError):
            return None


def last(root: Path, lesson_id: str) -> LessonProgress | None:
    return LessonProgress.from_entry(load(root)["lessons"].get(lesson_id))


def exercise_statuses(entry: LessonProgress | None) -> dict[str, Status]:
    """Each exercise's status in a lesson's last result (from `last`); {} when unknown."""
    return dict(entry.exercises) if entry is not None else {}


def hints_seen(root: Path, lesson_id: str, exercise: str) -> int:
    """How many hints of an exercise the learner has been shown so far."""
    seen = load(root)["hints"].get(lesson_id)
    count = seen.get(exercise, 0) if isinstance(seen, dict) else 0
    return count if isinstance(count, int) and count > 0 else 0


def set_hints_seen(root: Path, lesson_id: str, exercise: str, count: int) -> None:
    data = load(root)
    lesson = data["hints"].get(lesson_id)
    if not isinstance(lesson, dict):
        lesson = data["hints"][lesson_id] = {}
    lesson[exercise] = count
    save(root, data)
