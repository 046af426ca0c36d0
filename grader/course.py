"""The course on disk: where its root is and what its catalogue (`course.toml`) says."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CATALOGUE = "course.toml"

STATE_FOLDER = ".learn"  # beside the course, for what learn keeps of its own
LESSON_LIMITS = {"timeout", "lesson_timeout", "memory_mb"}  # a lesson's [lessons.limits]


class CourseError(Exception):
    """A problem with the course or the learner's set-up: shown as one line, exit code 2."""


@dataclass(frozen=True)
class Exercise:
    name: str
    file: str
    section: str
    hints: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()

    @property
    def module(self) -> str:
        return self.file.removesuffix(".py")


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    page: str
    exercises: tuple[Exercise, ...] = ()
    # What grading this lesson needs at least (`[lessons.limits]`: timeout, lesson_timeout
    # in seconds, memory_mb): a torch lesson may need more than the run's defaults.
    limits: tuple[tuple[str, float], ...] = ()

    @property
    def number(self) -> int:
        return int(re.sub(r"\D", "", self.id) or 0)

    def exercise(self, name: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.name == name:
                return exercise
        known = ", ".join(e.name for e in self.exercises)
        raise CourseError(f"{self.id} has no exercise {name!r} (it has: {known})")

    def section_link(self, section: str) -> str:
        """Where a section lives on the built site, relative to its root."""
        return f"lessons/{Path(self.page).stem}/#{slugify(section)}"


@dataclass(frozen=True)
class Course:
    root: Path
    title: str
    lessons: tuple[Lesson, ...] = field(default=())

    @property
    def state_dir(self) -> Path:
        """The learner's own state: progress, backups, caches (never in exercises/)."""
        return self.root / STATE_FOLDER

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    @property
    def tests_dir(self) -> Path:
        return self.root / "grader" / "tests"

    @property
    def mutants_dir(self) -> Path:
        return self.root / "grader" / "mutants"

    @property
    def variants_dir(self) -> Path:
        return self.root / "grader" / "variants"

    def lesson(self, lesson_id: str) -> Lesson:
        wanted = lesson_id.strip().lower()
        if wanted.isdigit():
            wanted = f"lesson{wanted}"
        for lesson in self.lessons:
            if lesson.id == wanted:
                return lesson
        known = ", ".join(lesson.id for lesson in self.lessons)
        raise CourseError(f"unknown lesson {lesson_id!r}: the course has {known}")


def slugify(title: str) -> str:
    """The anchor mkdocs gives a heading (its default toc slugify, for ASCII titles)."""
    slug = re.sub(r"[^\w\s-]", "", title.lower()).strip()
    return re.sub(r"[-\s]+", "-", slug)


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds the catalogue."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CATALOGUE).is_file():
            return folder
    raise CourseError(
        f"not inside a course: no {CATALOGUE} in {here} or any folder above it "
        "(run learn from the course folder you cloned)"
    )


def load(root: Path | None = None) -> Course:
    """Read the catalogue of the course at `root` (found from the working folder by default)."""
    root = find_root() if root is None else root.resolve()
    path = root / CATALOGUE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lessons = tuple(_lesson(entry) for entry in data["lessons"])
        title = data["course"]["title"]
    except FileNotFoundError:
        raise CourseError(f"{root} is not a course: it has no {CATALOGUE}") from None
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CourseError(f"{path} is not a valid catalogue: {exc}") from None
    ids = [lesson.id for lesson in lessons]
    if len(set(ids)) != len(ids):
        raise CourseError(f"{path} lists a lesson twice: {ids}")
    return Course(root=root, title=title, lessons=lessons)


def _lesson(entry: dict) -> Lesson:
    exercises = tuple(
        Exercise(
            name=ex["name"],
            file=ex["file"],
            section=ex["section"],
            hints=tuple(ex.get("hints", ())),
            objects=tuple(ex.get("objects", (ex["name"],))),
        )
        for ex in entry.get("exercises", ())
    )
    limits = entry.get("limits", {})
    unknown = set(limits) - LESSON_LIMITS
    if unknown or not all(type(v) in (int, float) and v > 0 for v in limits.values()):
        raise ValueError(
            f"{entry['id']}: limits takes positive numbers for {sorted(LESSON_LIMITS)}"
            + (f", not {sorted(unknown)}" if unknown else "")
        )
    return Lesson(
        id=entry["id"],
        title=entry["title"],
        page=entry["page"],
        exercises=exercises,
        limits=tuple(sorted(limits.items())),
    )
