"""Helpers the lesson tests share, so every failure reads the same way:
what was called, what was expected, what came back."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import math
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from grader.course import find_root


def target_dir() -> Path:
    """The folder being graded: --learn-path, else the course's exercises/."""
    chosen = os.environ.get("LEARN_TARGET")
    return Path(chosen) if chosen else find_root() / "exercises"


E = TypeVar("E", bound=BaseException)


class ExerciseModule:
    """A learner's module, imported on first use so that one broken file fails its own
    tests with a clear error instead of breaking collection for the whole lesson."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self):
        loaded = sys.modules.get(self._name)  # what import_module would return, sooner
        if loaded is not None:
            return loaded
        folder = str(target_dir())
        if folder not in sys.path:
            sys.path.insert(0, folder)
        try:
            return importlib.import_module(self._name)
        except ModuleNotFoundError as exc:
            if exc.name and self._name.startswith(exc.name):
                path = Path(folder, *self._name.split(".")).with_suffix(".py")
                raise blame(FileNotFoundError(f"{path} is missing")) from None
            raise

    def _remote(self, place: Any) -> Any:
        """The module as a handle into the sandbox that runs it."""
        return place.module(self._name)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):  # pytest's collector probes objects; never import for it
            raise AttributeError(attr)
        place = sandbox()
        module = self._module() if place is None else self._remote(place)
        try:
            return getattr(module, attr) if place is None else place.lookup(module, attr)
        except AttributeError:
            raise blame(
                AttributeError(
                    f"{self._name.replace('.', '/')}.py has no {attr!r}: keep the names of the stub"
                )
            ) from None


def import_fresh(name: str, stand_ins: dict[str, ModuleType]) -> ModuleType:
    """The learner's module `name`, imported anew from the graded folder while the
    modules in `stand_ins` take the place of theirs (for that import only)."""
    folder = target_dir()
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    path = Path(folder, *name.split(".")).with_suffix(".py")
    if not path.is_file():
        raise blame(FileNotFoundError(f"{path} is missing"))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    saved = {key: sys.modules.get(key) for key in [*stand_ins, name]}
    sys.modules.update(stand_ins)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        for key, previous in saved.items():
            if previous is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = previous
    return module


def exercise_module(name: str) -> ExerciseModule:
    return ExerciseModule(name)


@functools.cache
def sandbox():
    """Where the learner's code runs: None for this process (`learn check`, which coaches
    and trusts), else a `grader.remote.Sandbox` (`learn grade`, which judges and does not).
    The tests read the same either way; LEARN_REMOTE chooses."""
    spec = os.environ.get("LEARN_REMOTE")
    if not spec:
        return None
    from grader import remote

    return remote.from_spec(spec)


def seeded_random(seed: int) -> Any:
    """random.Random(seed) where the learner's code runs, so that a shuffle moves the
    learner's own list (a list crosses to the judge as a copy)."""
    return run_there(_random, seed)


def _random(seed: int) -> Any:
    import random

    return random.Random(seed)


def run_there(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run `function` (one of the tests' own, self-contained: it imports what it needs)
    where the learner's code runs, for a loop too long to drive call by call; what it
    returns is all the test may judge."""
    place = sandbox()
    return function(*args, **kwargs) if place is None else place.run(function, *args, **kwargs)


def run_each_there(function: Any, cases: list[tuple]) -> Iterator[Any]:
    """`run_there(function, *case)` for each case in turn, all in one request: an
    example that carries many cases costs one round trip, not one each. The
    answers stop at the first case that raised there; from that case on, each runs again
    alone, so that its error is raised here in its turn, as `run_there` raises it."""
    place = sandbox()
    if place is None or len(cases) == 1:  # nothing to gain from a batch
        for case in cases:
            yield run_there(function, *case)
        return
    answers = place.run(_each, place.shipped(function), cases)
    for i, case in enumerate(cases):
        yield answers[i] if i < len(answers) else place.run(function, *case)


# An example of a property that sends its cases in one request is a list of 1 to CASES
# of them (`several`): 13 examples (`batched`) give it about as many cases as the
# profile's 60 examples of one (counted on lessons 1 and 5), in 13 requests instead of 60.
# Hypothesis shrinks a list too, so a failure still names one small case. (Lists of cases
# of drawn sizes, a program or a network, shrink poorly: those stay one per example.)
CASES = 10


def several(strategy: Any) -> Any:
    from hypothesis import strategies as st

    return st.lists(strategy, min_size=1, max_size=CASES)


def batched(test: Any) -> Any:
    from hypothesis import settings

    return settings(max_examples=13)(test)


def _each(function: object, cases: list) -> list:
    """Runs where the learner's code does: function(*case) for each case, up to the
    first that raises (the sandbox answers every error it can catch, so this does too)."""
    answers = []
    for case in cases:
        try:
            answers.append(function(*case))
        except BaseException:
            break
    return answers


def show(value: Any) -> str:
    """A short, readable repr for messages (tensors by shape, dtype and values)."""
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        text = repr(value.detach().cpu().tolist() if hasattr(value, "detach") else value)
        if len(text) > 120:
            text = text[:117] + "..."
        device = getattr(value, "device", "")
        return f"tensor(shape={tuple(shape)}, dtype={value.dtype}, device={device}, {text})"
    return shorten(repr(value))


def shorten(text: str) -> str:
    """A repr cut to a length a message can hold (one that came back as data, too)."""
    return text if len(text) <= 160 else text[:157] + "..."


@dataclass
class Called:
    """A call made on the learner's code: its text for messages and what came back."""

    text: str
    value: Any


def describe_call(fn: Any, *args: Any, **kwargs: Any) -> str:
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return f"{name}({', '.join(parts)})"


def call(fn: Any, *args: Any, **kwargs: Any) -> Called:
    """Call the learner's `fn`; an exception it raises is noted with the call that raised it."""
    text = describe_call(fn, *args, **kwargs)
    try:
        return Called(text, fn(*args, **kwargs))
    except Exception as exc:
        exc.add_note(f"raised by {text}")
        raise


def call_each(fn: Any, cases: list[tuple]) -> Iterator[Called]:
    """`call(fn, *case)` for each case in turn, all in one request (`run_each_there`)."""
    answers = run_each_there(_call, [(fn, *case) for case in cases])
    for case in cases:
        text = describe_call(fn, *case)
        try:
            value = next(answers)
        except Exception as exc:
            exc.add_note(f"raised by {text}")
            raise
        yield Called(text, value)


def _call(fn: object, *args: object) -> object:
    """Runs where the learner's code does."""
    return fn(*args)


def expect_equal(called: Called, expected: Any) -> None:
    assert called.value == expected, (
        f"{called.text}\n  expected {show(expected)}\n  got      {show(called.value)}"
    )


def expect_close(called: Called, expected: float, rel: float = 1e-9, abs: float = 1e-12) -> None:
    got = called.value
    assert isinstance(got, int | float) and not isinstance(got, bool), (
        f"{called.text}\n  expected a float close to {expected!r}\n  got      {show(got)}"
        f" ({type(got).__name__})"
    )
    assert math.isclose(got, expected, rel_tol=rel, abs_tol=abs), (
        f"{called.text}\n  expected {expected!r}\n  got      {got!r}"
    )


def expect_raises(error: type[E], fn: Any, *args: Any, **kwargs: Any) -> E:
    """The error the call raised (for a test to read its message); else a failure."""
    text = describe_call(fn, *args, **kwargs)
    try:
        got = fn(*args, **kwargs)
    except error as exc:
        return exc
    except Exception as exc:
        exc.add_note(f"raised by {text}, where {error.__name__} was expected")
        raise
    raise AssertionError(
        f"{text}\n  expected {error.__name__} to be raised\n  got      {show(got)}"
    )


# A correct computation of another algebraic order may differ from the reference by a
# few roundings of its largest intermediate: this many units of the dtype's precision,
# times the inputs' magnitude, are always allowed.
ROUNDINGS = 16


def expect_tensor_close(
    called: Called, expected: Any, rtol: float = 1e-5, atol: float = 1e-6, magnitude: float = 0.0
) -> None:
    """Shape first, then dtype and device, then values: the order a learner should fix them.
    `magnitude`: the inputs' largest absolute value, when it dwarfs the answer (a loss
    of 300 computed from logits of 1000 is only as exact as 1000 is in float32)."""
    import torch

    if magnitude and expected.is_floating_point():
        atol = max(atol, ROUNDINGS * torch.finfo(expected.dtype).eps * float(magnitude))

    got = called.value
    head = f"{called.text}\n"
    assert isinstance(got, torch.Tensor), f"{head}  expected a tensor\n  got      {show(got)}"
    assert got.shape == expected.shape, (
        f"{head}  expected shape {tuple(expected.shape)}\n  got shape      {tuple(got.shape)}"
    )
    assert got.dtype == expected.dtype, f"{head}  expected dtype {expected.dtype}, got {got.dtype}"
    assert got.device.type == expected.device.type, (
        f"{head}  expected a tensor on {expected.device.type}, got one on {got.device.type}"
    )
    if not torch.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=False):
        diff = (got - expected).abs()
        worst = diff.nan_to_num(float("inf")).argmax()
        index = tuple(int(i) for i in torch.unravel_index(worst, diff.shape)) if diff.dim() else ()
        raise AssertionError(
            f"{head}  values differ (largest difference at index {index}: "
            f"expected {expected[index].item()!r}, got {got[index].item()!r})\n"
            f"  expected {show(expected)}\n  got      {show(got)}"
        )


def blame(exc: E) -> E:
    """Mark an error the tests raise on the learner's behalf (a file or a name missing)."""
    exc.learn_theirs = True
    return exc


def theirs(exc: BaseException) -> bool:
    """Whether the learner's code is to blame for `exc`, rather than the test that was
    running: it went through their code, came out of a call the test made on it, or names
    an attribute their object lacks. Anything else is a fault of the test itself."""
    if any(note.startswith("raised by ") for note in getattr(exc, "__notes__", ())):
        return True
    flagged = getattr(exc, "learn_theirs", None)  # decided where the error was raised
    if flagged is not None:
        return bool(flagged)
    if learner_location(exc):
        return True
    if isinstance(exc, TypeError):  # `2 * v` where their Value has no __rmul__, ...
        message = str(exc)[:300]
        return bool(_TYPE_NAMED.search(message)) and bool(
            set(_QUOTED.findall(message)) & _learner_classes()
        )
    if isinstance(exc, AttributeError):
        owner = getattr(exc, "obj", None)
        if not isinstance(owner, ModuleType):
            owner = sys.modules.get(type(owner).__module__)
        where = getattr(owner, "__file__", None)
        target = os.environ.get("LEARN_TARGET")
        return bool(where and target and _relative_to(where, target) is not None)
    return False


# The types a TypeError names: "unsupported operand type(s) for *: 'int' and 'Value'",
# "bad operand type for unary -: 'Value'", "'Value' object is not iterable".
_TYPE_NAMED = re.compile(r"operand type|' object is not")
_QUOTED = re.compile(r"'(\w+)'")


def _learner_classes() -> set[str]:
    """Names of the classes defined in the learner's modules imported so far."""
    target = os.environ.get("LEARN_TARGET")
    if not target:
        return set()
    names = set()
    for module in list(sys.modules.values()):
        where = getattr(module, "__file__", None)
        if where and _relative_to(where, target) is not None:
            names |= {k for k, v in vars(module).items() if isinstance(v, type)}
    return names


def learner_location(exc: BaseException) -> str:
    """`file:line in function` of the innermost frame inside the code being graded (as
    the sandbox saw it, for an error that came from there)."""
    remote = getattr(exc, "learn_location", None)
    if remote is not None:
        return remote
    target = os.environ.get("LEARN_TARGET")
    if not target:
        return ""
    root = Path(target)
    if isinstance(exc, SyntaxError) and exc.filename and _inside(Path(exc.filename), root):
        return f"{Path(exc.filename).relative_to(root)}:{exc.lineno}"
    where = ""
    tb = exc.__traceback__
    while tb is not None:  # by hand: traceback.extract_tb also computes columns, slowly
        code = tb.tb_frame.f_code
        relative = _relative_to(code.co_filename, target)
        if relative is not None:
            where = f"{relative}:{tb.tb_lineno} in {code.co_name}"
        tb = tb.tb_next
    return where


@functools.lru_cache(maxsize=4096)
def _relative_to(filename: str, root: str) -> str | None:
    """`filename` relative to `root` when it lies inside it (None otherwise)."""
    path = Path(filename)
    if not _inside(path, Path(root)):
        return None
    try:
        return str(path.relative_to(root))
    except ValueError:  # inside only once symbolic links are resolved
        return str(path.resolve().relative_to(Path(root).resolve()))


@functools.lru_cache(maxsize=4096)  # resolve() is slow, and every traceback repeats paths
def _inside(path: Path, root: Path) -> bool:
    if not path.is_absolute():  # "<frozen importlib._bootstrap>", "<string>": not a file
        return False
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True
