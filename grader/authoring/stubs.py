"""Generate the learner's stubs in `exercises/` from the reference code in `solutions/`.

A solution marks what the learner writes with `# BEGIN SOLUTION` / `# END SOLUTION`.
Inside a function the block becomes `raise NotImplementedError(...)` naming the lesson
section to read; anywhere else (a helper only the solution needs) it is dropped.
Everything else — imports, signatures, type hints, docstrings — is kept as written.
"""

from __future__ import annotations

import ast
import io
import subprocess
import tarfile
import threading
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course, CourseError, Lesson

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


def _functions(tree: ast.AST) -> list[tuple[int, int, str, str]]:
    """(first line, last line, qualified name, top-level name) of every function."""
    found = []

    def visit(node: ast.AST, prefix: str, top: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                owner = top or child.name
                if not isinstance(child, ast.ClassDef):
                    found.append((child.lineno, child.end_lineno or child.lineno, name, owner))
                visit(child, f"{name}.", owner)

    visit(tree, "", None)
    return found


# CPython 3.11's ast.parse is not safe to run in two threads at once (it can fail with
# "AST constructor recursion depth mismatch"), and verify makes stubs and applies
# mutants in threads: every parse of the authoring tools takes this lock.
_parsing = threading.Lock()


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    with _parsing:
        return ast.parse(source, filename=filename)


def make_stub(source: str, lesson: Lesson, filename: str) -> str:
    """The stub for one solution file of `lesson`."""
    tree = parse(source, filename=filename)
    functions = _functions(tree)
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    begin: int | None = None
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == BEGIN:
            if begin is not None:
                raise CourseError(f"{filename}:{number}: {BEGIN} inside another one")
            begin = number
            enclosing = [f for f in functions if f[0] < number <= f[1]]
            if enclosing:
                _, _, qualname, top = max(enclosing, key=lambda f: f[0])
                indent = line[: len(line) - len(line.lstrip())]
                message = _message(lesson, filename, qualname, top)
                out.append(
                    f"{indent}raise NotImplementedError(\n{indent}    {message!r}\n{indent})\n"
                )
        elif marker == END:
            if begin is None:
                raise CourseError(f"{filename}:{number}: {END} without {BEGIN}")
            begin = None
        elif begin is None:
            out.append(line)
    if begin is not None:
        raise CourseError(f"{filename}:{begin}: {BEGIN} is never closed")
    return "".join(out)


def _message(lesson: Lesson, filename: str, qualname: str, top: str) -> str:
    for exercise in lesson.exercises:
        if exercise.file == Path(filename).name and top in exercise.objects:
            return f"{qualname}: yours to write; read “{exercise.section}” ({lesson.page})"
    return f"{qualname}: yours to write; see {lesson.page}"


def planned(course: Course) -> dict[Path, str]:
    """Every file of exercises/ as the generator would write it."""
    files: dict[Path, str] = {}
    for lesson in course.lessons:
        source_dir = course.solutions_dir / lesson.id
        if not source_dir.is_dir():
            continue
        for source in sorted(source_dir.rglob("*.py")):
            if "__pycache__" in source.parts:
                continue
            relative = source.relative_to(course.solutions_dir)
            text = source.read_text(encoding="utf-8")
            files[course.exercises_dir / relative] = make_stub(text, lesson, str(relative))
    return files


@dataclass(frozen=True)
class Stub:
    """One file of exercises/: what the solutions generate, what is there, what git holds.

    What git's last commit holds is taken as the stub last generated: on a learner's clone
    it is the stub they started from, it follows `git pull`, and there is no record of our
    own to lose or go stale. Outside a git checkout nothing is known to be generated, so
    any file that differs counts as someone's work.
    """

    path: Path
    text: str  # generated from solutions/ now
    current: str | None  # the working file (None: missing)
    committed: str | None  # in git's HEAD (None: not in a commit, or not asked for)

    @property
    def edited(self) -> bool:
        """Holds something other than a generated stub: maybe a learner's work."""
        return self.current not in (None, self.text, self.committed)

    @property
    def in_sync(self) -> bool:
        """The working file is the generated stub, or else the committed one is: a learner's
        edits are not the stubs the course ships."""
        return self.text in (self.current, self.committed)


def survey(course: Course) -> list[Stub]:
    """Every stub, with git asked only when a working file is not the generated stub."""
    generated = planned(course)
    current = {path: read(path) for path in generated}
    git = {} if all(current[p] == t for p, t in generated.items()) else committed(course) or {}
    return [Stub(path, text, current[path], git.get(path)) for path, text in generated.items()]


def committed(course: Course) -> dict[Path, str] | None:
    """exercises/ as git's HEAD holds it; None outside a git checkout (or before a commit)."""
    try:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", "HEAD", "exercises"],
            cwd=course.root, capture_output=True, check=True,
        )  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        return {
            course.root / member.name: tar.extractfile(member).read().decode("utf-8", "replace")
            for member in tar.getmembers()
            if member.isfile()
        }


def read(path: Path) -> str | None:
    """A file's text; None when it is missing, "" when unreadable (not a stub: a backup
    copies its bytes)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""


def out_of_date(course: Course) -> list[Path]:
    """Stubs that are not what the solutions generate (see `Stub.in_sync`)."""
    return [stub.path for stub in survey(course) if not stub.in_sync]


def write(course: Course, only: Path | None = None) -> list[Path]:
    """(Re)generate the stubs, or just the one at `only`; returns the files written."""
    written = []
    for path, text in planned(course).items():
        if only is not None and path.resolve() != only.resolve():
            continue
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
