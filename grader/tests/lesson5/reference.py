"""Grade a file that builds on lesson 5 against the course's reference lesson 5.

The learner's `lesson5/nn.py` imports their own `Value`, and lesson 6's `training.py`
imports their `Value` and `MLP`. Graded as they stand, one wrong derivative in
engine.py would fail every test of nn.py and of lesson 6 as well, and the learner would
hunt for the mistake in the wrong file. So those tests import the learner's file with
`lesson5` (and `lesson5.engine`, `lesson5.nn`) resolving to the reference solutions in
the course's `solutions/lesson5/` for the time of that import only: whatever the file
takes from lesson 5 at import time is then the reference code. Everything else in the
process (the engine tests, later imports) still sees the learner's own lesson 5.

Where the solutions cannot be read (the examiner, `learn grade`, hides them from the
sandbox on purpose), the learner's own lesson 5 is used, and failures say so.

See grader/tests/lesson5/README.md.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.course import CourseError, find_root
from grader.testkit import ExerciseModule, exercise_module, import_fresh, sandbox, target_dir

REFERENCE = "reference_lesson5"  # the name the reference package is imported under

NOTE = (
    "(this test runs your file with the course's reference lesson 5 in place of your "
    "engine.py and nn.py: mistakes there cost points in their own tests, not here)"
)
FALLBACK_NOTE = (
    "(this test ran your file with your own lesson 5: the course's reference solutions "
    "are not available here, as under `learn grade`, so a mistake in your engine.py or "
    "nn.py can show up here too)"
)


def solutions_dir() -> Path | None:
    """The course's solutions/ folder: next to grader/, else under the course root."""
    candidates = [Path(__file__).resolve().parents[3] / "solutions"]
    with contextlib.suppress(CourseError):
        candidates.append(find_root() / "solutions")
    for folder in candidates:
        if (folder / "lesson5" / "engine.py").is_file():
            return folder
    return None


def reference_lesson5() -> ModuleType | None:
    """The reference `lesson5` package with `.engine` and `.nn` loaded, or None."""
    if REFERENCE in sys.modules:
        return sys.modules[REFERENCE]
    folder = solutions_dir()
    if folder is None:
        return None
    package = folder / "lesson5"
    spec = importlib.util.spec_from_file_location(
        REFERENCE, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[REFERENCE] = module
    spec.loader.exec_module(module)
    for name in ("engine", "nn"):  # they import each other relatively, under REFERENCE
        importlib.import_module(f"{REFERENCE}.{name}")
    return module


def _graded_folder() -> Path:
    folder = target_dir()
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return folder


def import_with_reference(name: str) -> ModuleType:
    """The learner's module `name` (e.g. "lesson5.nn"), imported fresh with `lesson5`
    standing for the reference package; the learner's own lesson 5 when there is none."""
    _graded_folder()
    reference = reference_lesson5()
    if reference is None:
        return importlib.import_module(name)
    stand_ins = {
        "lesson5": reference,
        "lesson5.engine": reference.engine,
        "lesson5.nn": reference.nn,
    }
    return import_fresh(name, stand_ins)


def shared(module: ModuleType) -> dict[str, Any]:
    """What a reference module lends a sandbox: the classes and functions it defines
    (never a module it imported: those would open the judge's process to the sandbox)."""
    return {
        key: item
        for key, item in vars(module).items()
        if not key.startswith("_") and getattr(item, "__module__", None) == module.__name__
    }


class GradedAlone(ExerciseModule):
    """Like grader.testkit.exercise_module, but imported with the reference lesson 5:
    the import happens on first use, so a broken file fails its own tests only."""

    _loaded: ModuleType | None = None

    def _module(self) -> ModuleType:
        if self._loaded is None:
            self._loaded = import_with_reference(self._name)
        return self._loaded

    def _remote(self, place: Any) -> Any:
        """In a sandbox, the reference lesson 5 stays here: the learner's file gets
        handles to its classes, and every Value it builds lives in this process."""
        reference = reference_lesson5()
        if reference is None:
            return place.module(self._name)
        lends = {f"lesson5.{n}": shared(getattr(reference, n)) for n in ("engine", "nn")}
        return place.module(self._name, lends)


def reference_module(name: str) -> ModuleType:
    """`engine` or `nn` as the graded-alone files see it: the reference, else the learner's."""
    reference = reference_lesson5()
    if reference is not None:
        return getattr(reference, name)
    if sandbox() is not None:  # the learner's code is never imported by the judge
        return exercise_module(f"lesson5.{name}")
    _graded_folder()
    return importlib.import_module(f"lesson5.{name}")


def value(x: float) -> Any:
    """A Value of the engine the graded-alone files are graded with."""
    return reference_module("engine").Value(x)


def note_failures(item: Any):
    """Body of a `pytest_runtest_call` wrapper for a lesson's conftest.py: a failure in a
    test module that defines GRADED_ALONE = True says how it was graded."""
    try:
        return (yield)
    except NotImplementedError:
        raise
    except Exception as exc:
        if getattr(item.module, "GRADED_ALONE", False):
            exc.add_note(NOTE if reference_lesson5() is not None else FALLBACK_NOTE)
        raise
