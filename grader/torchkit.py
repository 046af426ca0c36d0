"""Torch-side helpers the lesson tests share: seeded inputs, tolerances per dtype, a
guard against the built-ins an exercise must not call, and the scenarios that must run
where the learner's code runs (under `learn grade`, a sandbox process of its own; see
grader.testkit.run_there): autograd state, in-place changes, a learner's autograd
Function. What those return is data the tests judge here. Kept apart from
grader.testkit, which must not import torch: lesson 1 runs without it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
import torch

from grader.testkit import Called, expect_tensor_close, run_there, sandbox

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


def magnitude(*tensors: torch.Tensor) -> float:
    """The largest finite absolute value in the inputs: a correct computation in another
    order may round at that size (testkit.ROUNDINGS), whatever the size of its answer."""
    finite = [t.detach().abs()[torch.isfinite(t)] for t in tensors]
    return max((float(f.max()) for f in finite if f.numel()), default=0.0)


def expect_same(
    got: Called, expected: torch.Tensor, tolerance=TOLERANCE, magnitude: float = 0.0
) -> None:
    """expect_tensor_close with the (rtol, atol) that `tolerance` gives the expected dtype,
    widened to the roundings of inputs of `magnitude` (see `magnitude`)."""
    rtol, atol = tolerance[expected.dtype]
    expect_tensor_close(got, expected, rtol=rtol, atol=atol, magnitude=magnitude)


def first_optimizer() -> None:
    """Shipped: torch's first optimiser made. It imports torch._dynamo, a one-off cost of
    seconds (tens on a busy machine) to pay before a test's time limit starts, where the
    learner's code runs: not inside whichever test first runs their torch.optim.SGD."""
    import torch

    torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)


@contextmanager
def forbidden(fn: Any, rule: str, names: list[tuple[Any, str, str]]) -> Iterator[None]:
    """While the block runs, each (owner, attribute, label) raises an AssertionError that
    quotes `rule`; so does any alias of it that the learner imported into `fn`'s module.
    A learner who catches that error still fails: the block's end checks for any call.
    The patches are made where the learner's code runs (see `forbid`)."""
    allow = run_there(forbid, fn, rule, [(_dotted(o), a, label) for o, a, label in names])
    try:
        yield
    except BaseException:
        place = sandbox()
        if place is None or place.process is not None:  # else gone with its process
            with suppress(Exception):
                allow()
        raise
    used = allow()
    assert not used, f"{rule}; your code called {', '.join(dict.fromkeys(used))}"


def _dotted(owner: Any) -> str:
    """The dotted name an owner is reached by: torch.nn.functional, torch.Tensor."""
    if isinstance(owner, type):
        return f"{owner.__module__}.{owner.__qualname__}"
    return owner.__name__


def forbid(fn, rule, names):
    """Shipped to where the learner's code runs: each (owner's dotted name, attribute,
    label) of `names`, and each alias of one in `fn`'s module, replaced by a function
    that refuses. Returns `allow`, which puts everything back and returns the labels of
    the calls refused (the learner's word: the tests judge it)."""
    import importlib
    import sys

    used = []
    undo = []
    missing = object()

    def refusing(label):
        def refuse(*args, **kwargs):
            used.append(label)
            raise AssertionError(f"{rule}; your code called {label}, which is off limits here")

        return refuse

    def patch(owner, attribute, value):
        undo.append((owner, attribute, vars(owner).get(attribute, missing)))
        setattr(owner, attribute, value)

    def resolve(dotted):
        try:
            return importlib.import_module(dotted)
        except ImportError:
            module, _, name = dotted.rpartition(".")
            return getattr(importlib.import_module(module), name)

    def allow():
        while undo:
            owner, attribute, before = undo.pop()
            if before is missing:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, before)
        return list(used)

    learner = sys.modules.get(getattr(fn, "__module__", None) or "")
    namespace = dict(vars(learner)) if learner is not None else {}
    try:
        for dotted, attribute, label in names:
            owner = resolve(dotted)
            original = getattr(owner, attribute, None)
            if original is None:
                continue
            patch(owner, attribute, refusing(label))
            for name, value in namespace.items():
                if value is original:
                    patch(learner, name, refusing(label))
    except BaseException:
        allow()
        raise
    return allow


def call_there(text: str, function: Any, *args: Any, **kwargs: Any) -> Called:
    """run_there(function, ...) as a Called shown as `text` (the call of the learner's
    code it makes there); an error it raises is noted with that text, as `call` does."""
    try:
        return Called(text, run_there(function, *args, **kwargs))
    except Exception as exc:
        exc.add_note(f"raised by {text}")
        raise


def afterwards(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, tuple]:
    """fn(*args, **kwargs) where the learner's code runs, and then the arguments as they
    are there: a change it makes to one in place is seen only there."""
    return run_there(_called, fn, args, kwargs)


def _called(fn, args, kwargs):
    """Shipped: what fn returns, and its arguments afterwards."""
    return fn(*args, **kwargs), args


# --- a learner's autograd Function ------------------------------------------------------


class There(torch.autograd.Function):
    """`There.apply(function, *inputs)` is `function.apply(*inputs)` for a learner's
    autograd Function, made a Function of the tests' own: its forward and backward run
    where the learner's code runs (see `applied`) and only values cross, so that this
    process's autograd (torch.autograd.grad, gradcheck) drives it like any other."""

    @staticmethod
    def forward(ctx, function, *inputs):
        output, ctx.engine, ctx.by_hand = run_there(applied, function, inputs)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        grads, _ = ctx.engine(grad_output)
        return None, *grads


def through_engine(out: torch.Tensor, grad_output: torch.Tensor) -> tuple[tuple, list]:
    """For `out`, from There.apply: the gradients autograd's engine gets for its inputs
    through the learner's backward, and the repr of the grad_fn each carries (None: no
    graph)."""
    return out.grad_fn.engine(grad_output)


def by_hand(out: torch.Tensor, grad_output: torch.Tensor) -> tuple[Any, list]:
    """For `out`, from There.apply: what the learner's backward returns when called as
    autograd calls it (with the ctx its forward filled, under torch.no_grad()), and the
    repr of the grad_fn each tensor in it carries (None: no graph)."""
    return out.grad_fn.by_hand(grad_output)


def applied(function, inputs):
    """Shipped: function.apply on leaves made there from `inputs` (each requiring grad
    as its input does). Returns the output, detached, and two functions that run there
    on what forward saved: `engine(grad_output)`, the gradients through the engine (one
    per input, None for an input that does not require grad), and `by_hand(grad_output)`,
    what function.backward returns called with forward's ctx under no_grad. Each returns
    its value with the tensors detached (requires_grad kept) and the grad_fn of each."""
    import torch

    grad = torch.autograd.grad  # taken before a test forbids it
    leaves = [t.detach().clone().requires_grad_(t.requires_grad) for t in inputs]
    with torch.enable_grad():
        out = function.apply(*leaves)

    def detached(value):
        items = list(value) if isinstance(value, tuple | list) else [value]
        tensors = [isinstance(item, torch.Tensor) for item in items]
        plain = [
            item.detach().requires_grad_(item.requires_grad) if tensor else item
            for item, tensor in zip(items, tensors, strict=True)
        ]
        graphs = [
            repr(item.grad_fn) if tensor and item.grad_fn is not None else None
            for item, tensor in zip(items, tensors, strict=True)
        ]
        if isinstance(value, tuple | list):
            return (tuple(plain) if isinstance(value, tuple) else plain), graphs
        return plain[0], graphs

    def engine(grad_output):
        wanted = [leaf for leaf in leaves if leaf.requires_grad]
        grads = iter(grad(out, wanted, grad_output, retain_graph=True, allow_unused=True))
        return detached(tuple(next(grads) if leaf.requires_grad else None for leaf in leaves))

    def by_hand(grad_output):
        with torch.no_grad():
            return detached(function.backward(out.grad_fn, grad_output))

    return (out.detach() if isinstance(out, torch.Tensor) else out), engine, by_hand
