"""Correct implementations in other styles (variants) that the lesson tests must accept.

Mutants prove that the tests reject wrong code; variants prove that they accept right
code written otherwise. A variant lives at `grader/variants/<lesson>/<variant>/`, one
file for each module of `solutions/<lesson>/` it rewrites. Each file's docstring says
what makes it different; its functions and classes replace the reference ones of the
same name whole (`mutation.apply` with `whole`), and its imports are added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.authoring.mutation import summary
from grader.course import Course, Lesson


@dataclass(frozen=True)
class Variant:
    lesson: str
    name: str
    folder: Path

    @property
    def modules(self) -> dict[str, Path]:
        """The modules it rewrites: module name -> its file."""
        return {path.stem: path for path in sorted(self.folder.glob("*.py"))}

    @property
    def description(self) -> str:
        return next((s for s in map(summary, self.modules.values()) if s), self.name)


def find(course: Course, lesson: Lesson) -> list[Variant]:
    folder = course.variants_dir / lesson.id
    return [
        Variant(lesson.id, path.name, path)
        for path in sorted(folder.glob("*"))
        if path.is_dir() and any(path.glob("*.py"))
    ]
