"""`learn reset`: put a fresh stub back in place of the learner's file, keeping a backup.

The stub is generated from solutions/ exactly as `learn dev stubs` writes it. Whatever
is replaced is first copied to `.learn/backups/<timestamp>/`, under the same path it
had in the course (`exercises/lesson1/neuron.py`), so nothing is ever lost.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from grader.authoring import stubs
from grader.course import Course, CourseError, Lesson


@dataclass(frozen=True)
class Restore:
    path: Path  # the learner's file, in exercises/
    stub: str  # what it becomes
    current: str | None  # what it holds now (None: missing)

    @property
    def changed(self) -> bool:
        return self.current != self.stub


def plan(course: Course, lesson: Lesson, file: str | None = None) -> list[Restore]:
    """The files of `lesson` (or just `file`) that a reset would write, stubs included."""
    folder = course.exercises_dir / lesson.id
    planned = {path: text for path, text in stubs.planned(course).items() if path.parent == folder}
    if not planned:
        raise CourseError(f"no stubs for {lesson.id}: solutions/{lesson.id}/ has no files")
    if file is not None:
        wanted = _resolve(course, lesson, file)
        if wanted not in planned:
            known = ", ".join(sorted(p.name for p in planned))
            raise CourseError(f"{lesson.id} has no exercise file {file!r} (it has: {known})")
        planned = {wanted: planned[wanted]}
    return [Restore(path, text, stubs.read(path)) for path, text in sorted(planned.items())]


def _resolve(course: Course, lesson: Lesson, file: str) -> Path:
    """`neuron.py`, `neuron`, `lesson1/neuron.py` or `exercises/lesson1/neuron.py`."""
    name = Path(file).name
    return course.exercises_dir / lesson.id / (name if name.endswith(".py") else f"{name}.py")


def backup_folder(course: Course, now: float | None = None) -> Path:
    """A new folder under .learn/backups/ named by the time (never one already used)."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    base = course.state_dir / "backups"
    folder, n = base / stamp, 1
    while folder.exists():
        n += 1
        folder = base / f"{stamp}-{n}"
    return folder


def backup(course: Course, paths: list[Path], now: float | None = None) -> Path | None:
    """Copy the files of `paths` that exist into a new backup folder, under their path in
    the course; returns the folder (None: nothing to keep). `learn dev stubs` shares it."""
    backups = None
    for path in paths:
        if path.exists():
            backups = backups or backup_folder(course, now)
            copy = backups / path.relative_to(course.root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
    return backups


def apply(course: Course, restores: list[Restore], now: float | None = None) -> Path | None:
    """Back up each changed file, then write its stub; returns the backup folder (if any)."""
    changed = [r for r in restores if r.changed]
    backups = backup(course, [r.path for r in changed], now)
    for restore in changed:
        restore.path.parent.mkdir(parents=True, exist_ok=True)
        restore.path.write_text(restore.stub, encoding="utf-8")
    return backups
