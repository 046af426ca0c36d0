"""Grade a file that builds on lesson 5 on its own merits, with the grader's lesson 5.

The learner's `lesson5/nn.py` imports their own `Value`, and lesson 6's `training.py`
imports their `Value` and `MLP`. Graded as they stand, one wrong derivative in
engine.py would fail every test of nn.py and of lesson 6 as well, and the learner would
hunt for the mistake in the wrong file. So those tests import the learner's file with
`lesson5` (and `lesson5.engine`, `lesson5.nn`) resolving to the grader's own lesson 5,
`grader.stand_in`, for the time of that import only: whatever the file takes from lesson
5 at import time is then that code. Everything else in the process (the engine tests,
later imports) still sees the learner's own lesson 5.

The import happens where the learner's code runs: in the tests' process for `learn
check`, in the sandbox for `learn grade`, so the Values a graded file builds live beside
it and cost no request per operation. A test that drives many of them at once ships a
function of its own there (`run_there`) and judges the numbers it returns against the
oracle, here. See grader/tests/lesson5/README.md.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from grader.testkit import ExerciseModule, import_fresh

# The learner's modules the graded files import, and the grader's that stand for them.
STAND_INS = {
    "lesson5": "grader.stand_in",
    "lesson5.engine": "grader.stand_in.engine",
    "lesson5.nn": "grader.stand_in.nn",
}


def note(replaced: str) -> str:
    """What a failure says when the test ran with the grader's `replaced` (files of lesson 5)."""
    return (
        f"(this test runs your file with the grader's own {replaced} in place of yours: "
        "mistakes there cost points in their own tests, not here)"
    )


class GradedAlone(ExerciseModule):
    """Like grader.testkit.exercise_module, but imported with the grader's lesson 5:
    the import happens on first use, so a broken file fails its own tests only."""

    _loaded: ModuleType | None = None

    def _module(self) -> ModuleType:
        if self._loaded is None:
            stand_ins = {key: importlib.import_module(name) for key, name in STAND_INS.items()}
            self._loaded = import_fresh(self._name, stand_ins)
        return self._loaded

    def _remote(self, place: Any) -> Any:
        return place.module(self._name, STAND_INS)


def stand_in(name: str) -> ExerciseModule:
    """`engine` or `nn` of the grader's lesson 5 as the graded files see it: imported
    where they run (a handle into the sandbox under `learn grade`)."""
    return ExerciseModule(f"grader.stand_in.{name}")


def value(x: float) -> Any:
    """A Value of the engine the graded files are graded with, where they run."""
    return stand_in("engine").Value(x)


# The functions below run where the learner's code does (`run_there`): self-contained, with
# only built-in names in their signatures, as their source is all that is sent there.


def seeded(make: type, seed: int, *args: object) -> object:
    """Runs where the learner's code does: make(*args) right after random.seed(seed),
    so that a network's random weights are those of `seed`."""
    import random

    random.seed(seed)
    return make(*args)


def read(values: list, field: str) -> list:
    """Runs where the learner's code does: `field` of each of `values`, in one request."""
    return [getattr(v, field) for v in values]


def write(values: list, field: str, numbers: list) -> None:
    """Runs where the learner's code does: `field` of each of `values` set to a number."""
    for v, number in zip(values, numbers, strict=True):
        setattr(v, field, number)


def instances(values: list, kind: type) -> list:
    """Runs where the learner's code does: whether each of `values` is a `kind`."""
    return [isinstance(v, kind) for v in values]


def note_failures(item: Any):
    """Body of a `pytest_runtest_call` wrapper for a lesson's conftest.py: a failure in a
    test module that names the files it replaces (GRADED_ALONE = "engine.py") says so."""
    try:
        return (yield)
    except NotImplementedError:
        raise
    except Exception as exc:
        replaced = getattr(item.module, "GRADED_ALONE", "")
        if replaced:
            exc.add_note(note(replaced))
        raise
