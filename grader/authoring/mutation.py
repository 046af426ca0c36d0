"""Known-wrong implementations (mutants) that the lesson tests must reject.

A mutant lives at `grader/mutants/<lesson>/<module>/<mistake>.py`. Its docstring names
the learner's mistake; its functions replace the reference functions of the same name
in `solutions/<lesson>/<module>.py`, and the methods of a class replace the methods of
the reference class of that name. Its imports are added to the module. Variants (see
variants.py) are applied the same way, but replace classes whole.

A mistake that one test is there to catch, and that must cost that test alone (a test
fails for one reason), says so in a docstring line `Rejected only by: test_name` (test
functions, comma-separated): then verify runs every test and requires exactly those.
"""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.stubs import parse
from grader.course import Course, Lesson


def docstring(path: Path) -> str:
    return (ast.get_docstring(parse(path.read_text(encoding="utf-8"))) or "").strip()


def summary(path: Path) -> str:
    """The first line of a file's docstring ("" when it has none)."""
    doc = docstring(path)
    return doc.splitlines()[0] if doc else ""


ONLY = re.compile(r"^Rejected only by: *(.+)$", re.M)


@dataclass(frozen=True)
class Mutant:
    lesson: str
    module: str
    name: str
    path: Path

    @property
    def description(self) -> str:
        return summary(self.path) or self.name

    @property
    def only(self) -> frozenset[str]:
        """The test functions that alone may reject it (none named: any test may)."""
        found = ONLY.search(docstring(self.path))
        return frozenset(n.strip() for n in found.group(1).split(",")) if found else frozenset()


def find(course: Course, lesson: Lesson) -> list[Mutant]:
    folder = course.mutants_dir / lesson.id
    return [
        Mutant(lesson.id, path.parent.name, path.stem, path)
        for path in sorted(folder.glob("*/*.py"))
    ]


def _span(node: ast.stmt) -> tuple[int, int]:
    """0-based [start, end) lines of a statement, decorators included."""
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start - 1, node.end_lineno or node.lineno


def _defs(body: list[ast.stmt]) -> dict[str, ast.stmt]:
    kinds = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    return {node.name: node for node in body if isinstance(node, kinds)}


def apply(solution: str, mutant: str, whole: bool = False) -> str:
    """The solution module with the mutant's definitions swapped in; with `whole`, a
    class replaces the reference class instead of only the methods it defines."""
    lines = solution.splitlines(keepends=True)
    mutant_lines = mutant.splitlines(keepends=True)
    tree, patch = parse(solution), parse(mutant)
    targets = _defs(tree.body)
    edits: list[tuple[int, int, str]] = []  # (start, end, new text) in solution lines
    appended: list[str] = []

    def text_of(node: ast.stmt) -> str:
        start, end = _span(node)
        return "".join(mutant_lines[start:end])

    for node in patch.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        name = getattr(node, "name", None)
        target = targets.get(name) if name else None
        if not whole and isinstance(node, ast.ClassDef) and isinstance(target, ast.ClassDef):
            methods = _defs(target.body)
            for method in _defs(node.body).values():
                if method.name in methods:
                    edits.append((*_span(methods[method.name]), text_of(method)))
                else:
                    end = _span(target)[1]
                    edits.append((end, end, "\n" + text_of(method)))
        elif target is not None:
            edits.append((*_span(target), text_of(node)))
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            appended.append("\n\n" + text_of(node))

    imports = [
        text_of(n)
        for n in patch.body
        if isinstance(n, ast.Import | ast.ImportFrom) and getattr(n, "module", "") != "__future__"
    ]
    last_import = max(
        (_span(n)[1] for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)), default=0
    )
    edits.append((last_import, last_import, "".join(imports)))
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = [text if text.endswith("\n") else text + "\n"]
    return "".join(lines) + "".join(appended)


def patched_solutions(
    course: Course, lesson: Lesson, patches: dict[str, Path], folder: Path, whole: bool = False
) -> Path:
    """A copy of solutions/ under `folder` with each module of `lesson` named in `patches`
    (module name -> patch file) patched by `apply`; the copy's path."""
    copy = folder / "solutions"
    shutil.copytree(course.solutions_dir, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for module, patch in patches.items():
        path = copy / lesson.id / f"{module}.py"
        text = apply(path.read_text(encoding="utf-8"), patch.read_text(encoding="utf-8"), whole)
        path.write_text(text, encoding="utf-8")
    return copy
