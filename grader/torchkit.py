"""Torch-side helpers the lesson tests share: seeded inputs, tolerances per dtype, and a
guard against the built-ins an exercise must not call. Kept apart from grader.testkit,
which must not import torch: lesson 1 runs without it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import torch

from grader.testkit import Called, expect_tensor_close

FLOATS = [torch.float32, torch.float64]
TOLERANCE = {  # (rtol, atol) against a float64 reference
    torch.float64: (1e-9, 1e-12),
    torch.float32: (1e-5, 1e-6),
    torch.float16: (2e-2, 2e-3),
    torch.bfloat16: (3e-2, 1e-2),
}


def usable(dtype: torch.dtype, device: str) -> torch.dtype:
    """MPS has no float64: there the float64 inputs of random cases become float32."""
    return torch.float32 if dtype == torch.float64 and device == "mps" else dtype


def needs(dtype: torch.dtype, device: str) -> None:
    """Skip (reported "not run") a case written for a dtype that the device lacks."""
    if usable(dtype, device) != dtype:
        pytest.skip(f"{device} has no {dtype}")


def random_tensor(shape, seed: int, dtype=torch.float64, device="cpu", scale=1.0) -> torch.Tensor:
    """Normal random values, the same for a given seed on every machine and device."""
    generator = torch.Generator().manual_seed(seed)
    values = torch.randn(tuple(shape), generator=generator, dtype=torch.float64) * scale
    return values.to(dtype=usable(dtype, device), device=device)


def expect_same(got: Called, expected: torch.Tensor, tolerance=TOLERANCE) -> None:
    """expect_tensor_close with the (rtol, atol) that `tolerance` gives the expected dtype."""
    rtol, atol = tolerance[expected.dtype]
    expect_tensor_close(got, expected, rtol=rtol, atol=atol)


@contextmanager
def forbidden(monkeypatch, fn: Any, rule: str, names: list[tuple[Any, str, str]]) -> Iterator[None]:
    """While the block runs, each (owner, attribute, label) raises an AssertionError that
    quotes `rule`; so does any alias of it that the learner imported into `fn`'s module.
    A learner who catches that error still fails: the block's end checks for any call."""
    used: list[str] = []

    def refusing(label: str):
        def refuse(*args: Any, **kwargs: Any):
            used.append(label)
            raise AssertionError(f"{rule}; your code called {label}, which is off limits here")

        return refuse

    learner = sys.modules.get(getattr(fn, "__module__", ""))
    namespace = dict(vars(learner)) if learner is not None else {}
    with monkeypatch.context() as patch:
        for owner, attribute, label in names:
            original = getattr(owner, attribute, None)
            if original is None:
                continue
            patch.setattr(owner, attribute, refusing(label))
            for name, value in namespace.items():
                if value is original:
                    patch.setattr(learner, name, refusing(label))
        yield
    assert not used, f"{rule}; your code called {', '.join(dict.fromkeys(used))}"
