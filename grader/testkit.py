"""Helpers the lesson tests share, so every failure reads the same way:
what was called, what was expected, what came back."""

from __future__ import annotations

import importlib
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
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
        folder = str(target_dir())
        if folder not in sys.path:
            sys.path.insert(0, folder)
        try:
            return importlib.import_module(self._name)
        except ModuleNotFoundError as exc:
            if exc.name and self._name.startswith(exc.name):
                path = Path(folder, *self._name.split(".")).with_suffix(".py")
                raise FileNotFoundError(f"{path} is missing") from None
            raise

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):  # pytest's collector probes objects; never import for it
            raise AttributeError(attr)
        module = self._module()
        try:
            return getattr(module, attr)
        except AttributeError:
            raise AttributeError(
                f"{self._name.replace('.', '/')}.py has no {attr!r}: keep the names of the stub"
            ) from None


def exercise_module(name: str) -> ExerciseModule:
    return ExerciseModule(name)


def show(value: Any) -> str:
    """A short, readable repr for messages (tensors by shape, dtype and values)."""
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        text = repr(value.detach().cpu().tolist() if hasattr(value, "detach") else value)
        if len(text) > 120:
            text = text[:117] + "..."
        device = getattr(value, "device", "")
        return f"tensor(shape={tuple(shape)}, dtype={value.dtype}, device={device}, {text})"
    text = repr(value)
    return text if len(text) <= 160 else text[:157] + "..."


@dataclass
class Called:
    """A call made on the learner's code: its text for messages and what came back."""

    text: str
    value: Any


def describe_call(fn: Any, *args: Any, **kwargs: Any) -> str:
    parts = [show(a) for a in args] + [f"{k}={show(v)}" for k, v in kwargs.items()]
    name = getattr(fn, "__qualname__", getattr(fn, "__name__", repr(fn)))
    return f"{name}({', '.join(parts)})"


def call(fn: Any, *args: Any, **kwargs: Any) -> Called:
    """Call the learner's `fn`; an exception it raises is noted with the call that raised it."""
    text = describe_call(fn, *args, **kwargs)
    try:
        return Called(text, fn(*args, **kwargs))
    except Exception as exc:
        exc.add_note(f"raised by {text}")
        raise


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


def expect_tensor_close(
    called: Called, expected: Any, rtol: float = 1e-5, atol: float = 1e-6
) -> None:
    """Shape first, then dtype and device, then values: the order a learner should fix them."""
    import torch

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
