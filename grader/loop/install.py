"""torch on demand. Lessons 1, 5 and 6 are plain Python, so a learner's first set-up
leaves torch out (it is three quarters of the install); the first check of a lesson that
imports it installs it into the course's own .venv, as `./learn` installed the rest.
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from grader.course import Course, CourseError, Lesson
from grader.loop.worker import lesson_preload

EXTRA = "torch"  # the extra of pyproject.toml that holds torch and numpy


def torch_installed() -> bool:
    return importlib.util.find_spec("torch") is not None


def needs_torch(course: Course, lesson: Lesson) -> bool:
    return "torch" in lesson_preload(course, lesson)


def command(course: Course) -> str:
    """What installs torch by hand, pinned as the course pins it."""
    return f"pip install -c constraints.txt -e '.[{EXTRA}]'  (in {course.root})"


def ensure_torch(
    course: Course, lessons: Iterable[Lesson], say: Callable[[str], None] = print
) -> None:
    """Install torch when one of `lessons` needs it and it is missing. Only into the
    course's own .venv (the one `./learn` made): anywhere else, say how, and stop."""
    if torch_installed():  # the usual case: no need to read the lessons' files
        return
    needing = [lesson.id for lesson in lessons if needs_torch(course, lesson)]
    if not needing:
        return
    venv = course.root / ".venv"
    if Path(sys.prefix).resolve() != venv.resolve():
        raise CourseError(f"{needing[0]} uses PyTorch, which is not installed: {command(course)}")
    say(
        f"{needing[0]} is the first lesson that uses PyTorch: installing it into .venv "
        "(about 750 MB; once, a few minutes)..."
    )
    log = venv / "install.log"
    pip = [sys.executable, "-m", "pip", "install", "-c", str(course.root / "constraints.txt")]
    with log.open("a", encoding="utf-8") as out:
        done = subprocess.run(
            [*pip, "-e", f"{course.root}[{EXTRA}]"], stdout=out, stderr=subprocess.STDOUT
        )
    importlib.invalidate_caches()
    if done.returncode != 0 or not torch_installed():
        raise CourseError(
            f"installing PyTorch failed; the log is in {log}. By hand: {command(course)}"
        )
    say("PyTorch is installed.")
