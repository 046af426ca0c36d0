"""Lesson 3: autograd. Gradients, one step of gradient descent, fitting a line, and two
autograd Functions whose backward the learner writes by hand.

Every test calls the learner's `lesson3/autograd.py`. Expected gradients come from the
calculus (for `gradients`), from torch's own autograd on torch.sigmoid and F.linear,
and from `torch.autograd.gradcheck`, which compares a backward with central differences
of the forward in float64. The Functions' tests run on every device the `device`
fixture gives: the CPU always, a GPU when there is one.

What depends on autograd's state or on a change made in place (a formula's gradients,
a step of sgd_step, the learner's Functions) runs where the learner's code runs, which
under `learn grade` is a process of its own (grader.testkit.run_there); only data comes
back to be judged here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from torch.autograd.gradcheck import GradcheckError

from grader import torchkit
from grader.testkit import (
    Called,
    call,
    describe_call,
    exercise_module,
    expect_close,
    run_there,
    show,
)
from grader.torchkit import (
    FLOATS,
    TOLERANCE,
    There,
    afterwards,
    by_hand,
    call_there,
    first_optimizer,
    forbidden,
    needs,
    random_tensor,
    through_engine,
)

ag = exercise_module("lesson3.autograd")

# Kept before any test patches torch: the tests drive backward through these.
autograd_grad = torch.autograd.grad
gradcheck = torch.autograd.gradcheck

# Expected values come from torch's own float32 ops, which round too (not from a float64
# reference as in lesson 2): float32 gets a looser atol.
expect_same = partial(torchkit.expect_same, tolerance={**TOLERANCE, torch.float32: (1e-5, 1e-5)})

seeds = st.integers(0, 2**16)
dtypes = st.sampled_from(FLOATS)
reals = st.floats(min_value=-3, max_value=3, allow_nan=False)


@pytest.fixture(autouse=True)
def optimizer_ready():
    """A learner's sgd_step or fit_line may use torch.optim.SGD: the first one made costs
    seconds, paid here before the test's time limit starts (torchkit.first_optimizer)."""
    run_there(first_optimizer)


# --- helpers --------------------------------------------------------------------------


def leaves(*tensors: torch.Tensor) -> list[torch.Tensor]:
    return [t.detach().clone().requires_grad_(True) for t in tensors]


def apply(name: str, *inputs: torch.Tensor) -> Called:
    """`Sigmoid.apply(...)` or `Linear.apply(...)` on the learner's Function, as a Called
    (through torchkit.There: the Function runs where the learner's code runs)."""
    text = f"{name}.apply({', '.join(show(t) for t in inputs)})"
    try:
        return Called(text, There.apply(getattr(ag, name), *inputs))
    except Exception as exc:
        exc.add_note(f"raised by {text}")
        raise


@contextmanager
def engine_errors_explained(what: str) -> Iterator[None]:
    """Autograd's complaints about a backward's return value, as a failed test."""
    try:
        yield
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        text = str(exc)
        if isinstance(exc, GradcheckError) or not any(
            clue in text for clue in ("invalid gradient", "incorrect number of gradients")
        ):
            raise
        raise AssertionError(
            f"{what}\n  autograd rejected what backward returned: {text.strip()}\n"
            "  backward returns one gradient per input of forward, each shaped like its input"
        ) from None


def expect_gradcheck(name: str, inputs: tuple[torch.Tensor, ...]) -> None:
    """torch.autograd.gradcheck of the learner's Function `name` (run here, on the values
    its forward and backward give), with a message that says what was compared."""
    needs(torch.float64, inputs[0].device.type)
    shapes = ", ".join(f"{tuple(t.shape)}" for t in inputs)
    what = f"gradcheck({name}.apply, inputs of shapes {shapes}, float64 on {inputs[0].device.type})"
    try:
        with engine_errors_explained(what):
            gradcheck(
                partial(There.apply, getattr(ag, name)), inputs, eps=1e-6, atol=1e-5, rtol=1e-3
            )
    except GradcheckError as exc:
        raise AssertionError(
            f"{what}\n  your backward's gradients differ from central differences of your "
            f"forward:\n  {str(exc).strip()[:900]}"
        ) from None


AUTOGRAD_ENTRY_POINTS = [
    (torch.autograd, "grad", "torch.autograd.grad"),
    (torch.autograd, "backward", "torch.autograd.backward"),
    (torch.Tensor, "backward", "Tensor.backward"),
    *(
        (torch.autograd.functional, name, f"torch.autograd.functional.{name}")
        for name in ("vjp", "jvp", "jacobian", "hessian", "vhp", "hvp")
    ),
    *(
        (torch.func, name, f"torch.func.{name}")
        for name in ("grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian")
    ),
]


def backward_results(returned: Any, count: int, what: str) -> list[Any]:
    """What a backward returned, as a list of `count` gradients (a lone tensor is one)."""
    grads = [returned] if isinstance(returned, torch.Tensor) else returned
    assert isinstance(grads, tuple | list) and len(grads) == count, (
        f"{what}\n  expected {count} gradient(s), one per input of forward\n"
        f"  got      {show(returned)}"
    )
    return list(grads)


# --- gradients ------------------------------------------------------------------------


def expect_gradients(got: Called, expected: tuple[float, ...], rel: float = 1e-5) -> None:
    value = got.value
    assert isinstance(value, tuple) and len(value) == len(expected), (
        f"{got.text}\n  expected a tuple of {len(expected)} floats, one per input\n"
        f"  got      {show(value)}"
    )
    for i, (g, e) in enumerate(zip(value, expected, strict=True)):
        expect_close(Called(f"{got.text}[{i}]", g), e, rel=rel, abs=1e-5)


class Formula:
    """A function to differentiate, kept as its source: messages show it as its formula
    (not as <lambda>), and it is made where the learner's code runs (see `differentiate`)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def gradients_of(f: Formula, *point: float) -> Called:
    """gradients(f, *point), where the learner's code runs."""
    text = describe_call(ag.gradients, f, *point)
    return call_there(text, differentiate, ag.gradients, f.text, point)


def differentiate(gradients, formula, point):
    """Shipped: gradients(f, *point) for f made there from the formula's text (a function
    of the tests' own would run here, on copies of the learner's tensors)."""
    import math

    import torch

    return gradients(eval(formula, {"math": math, "torch": torch}), *point)


def calls_of_f(gradients, point):
    """Shipped: gradients(f, *point) for an f(x, y) = x * y that notes its arguments; the
    arguments of each call, tensors detached (keeping requires_grad)."""
    import torch

    seen = []

    def f(x, y):
        seen.append((x, y))
        return x * y

    def plain(a):
        return a.detach().requires_grad_(a.requires_grad) if isinstance(a, torch.Tensor) else a

    gradients(f, *point)
    return [[plain(a) for a in args] for args in seen]


@pytest.mark.exercise("gradients")
class TestGradients:
    def test_the_worked_example(self):
        """z = x*x*y at (2, 3): dz/dx = 2xy = 12, dz/dy = x^2 = 4."""
        f = Formula("lambda x, y: x * x * y")
        expect_gradients(gradients_of(f, 2.0, 3.0), (2 * 2.0 * 3.0, 2.0**2))

    @pytest.mark.parametrize(
        "f, point, partials",
        [
            pytest.param(Formula("torch.sin"), (0.5,), lambda x: (math.cos(x),), id="sin"),
            pytest.param(Formula("lambda x: x**3"), (-1.5,), lambda x: (3 * x * x,), id="cube"),
            pytest.param(Formula("lambda x, y: torch.exp(x) * y"), (0.3, -2.0),
                         lambda x, y: (math.exp(x) * y, math.exp(x)), id="exp(x)*y"),
            pytest.param(Formula("lambda x, y: (x - y) ** 2"), (1.0, 4.0),
                         lambda x, y: (2 * (x - y), -2 * (x - y)), id="(x-y)^2"),
            pytest.param(Formula("lambda x, y, z: x / y + z"), (3.0, 2.0, 7.0),
                         lambda x, y, z: (1 / y, -x / y**2, 1.0), id="x/y+z"),
        ],
    )  # fmt: skip
    def test_known_derivatives(self, f, point, partials):
        expect_gradients(gradients_of(f, *point), partials(*point))

    @given(reals, reals, reals, reals, reals)
    def test_a_polynomial_anywhere(self, a, b, c, x, y):
        f = Formula(f"lambda x, y: {a!r} * x * x * y + {b!r} * y**3 + {c!r} * x")
        expected = (2 * a * x * y + c, a * x * x + 3 * b * y * y)
        expect_gradients(gradients_of(f, x, y), expected, rel=1e-4)

    def test_returns_python_floats(self):
        got = gradients_of(Formula("lambda x, y: x * y"), 2.0, 5.0)
        assert isinstance(got.value, tuple) and all(type(g) is float for g in got.value), (
            f"{got.text}\n  expected a tuple of Python floats (use .item())\n"
            f"  got      {show(got.value)}"
        )

    def test_an_unused_input_has_derivative_zero(self):
        expect_gradients(gradients_of(Formula("lambda x, y: 3 * x"), 1.0, 2.0), (3.0, 0.0))

    def test_a_detached_input_has_derivative_zero(self):
        """What autograd sees: y.detach() is a constant, so dz/dy = 0."""
        f = Formula("lambda x, y: x * y.detach()")
        expect_gradients(gradients_of(f, 2.0, 5.0), (5.0, 0.0))

    def test_calls_f_once_on_scalar_tensors_that_require_grad(self):
        seen = run_there(calls_of_f, ag.gradients, (2.0, 3.0))
        assert len(seen) == 1, (
            f"gradients(f, 2.0, 3.0) called f {len(seen)} times\n"
            "  expected one call: autograd gives every partial derivative from one backward"
        )
        for arg in seen[0]:
            ok = isinstance(arg, torch.Tensor) and arg.dim() == 0 and arg.requires_grad
            assert ok, (
                "gradients(f, 2.0, 3.0) called f with "
                f"{', '.join(show(a) for a in seen[0])}\n"
                "  expected 0-d tensors with requires_grad=True"
            )


# --- sgd_step -------------------------------------------------------------------------


def with_grad(values, grad, device) -> torch.Tensor:
    p = torch.tensor(values, device=device, requires_grad=True)
    p.grad = torch.tensor(grad, device=device)
    return p


@dataclass
class Stepped:
    """A parameter after sgd_step, as data from where the step ran."""

    value: torch.Tensor  # p.detach()
    grad: torch.Tensor | None
    grad_fn: str | None  # its repr
    is_leaf: bool
    requires_grad: bool
    kept: bool  # still the tensor at its place in the list sgd_step was given


def sgd_step_on(
    params: list[torch.Tensor], lr: float, generator: bool = False, then: Any = None
) -> list[Stepped]:
    """sgd_step(params, lr) where the learner's code runs (it changes the tensors in
    place: this process's would not see it); each param afterwards. `generator`: hand the
    params over as a generator; `then`: weights w for (params[0] * w).sum().backward()
    after the step."""
    pairs = [(p, p.grad) for p in params]
    return [Stepped(*state) for state in run_there(step, ag.sgd_step, pairs, lr, generator, then)]


def step(sgd_step, pairs, lr, generator, then):
    """Shipped: each (p, grad) made a param with that grad, sgd_step on them, then the
    backward of `then`; each param's state afterwards, as data (see Stepped)."""
    params = []
    for p, grad in pairs:
        p.grad = grad
        params.append(p)
    given = list(params)
    sgd_step((p for p in given) if generator else given, lr)
    if then is not None:
        (params[0] * then).sum().backward()
    return [
        (
            p.detach(),
            None if p.grad is None else p.grad.detach(),
            None if p.grad_fn is None else repr(p.grad_fn),
            p.is_leaf,
            p.requires_grad,
            given[i] is p,
        )
        for i, p in enumerate(params)
    ]


def expect_reset(p: Stepped, text: str) -> None:
    assert p.grad is None or not p.grad.any(), (
        f"{text}\n  expected the gradient reset afterwards (None or zeros)\n"
        f"  got      p.grad = {show(p.grad)}"
    )


@pytest.mark.exercise("sgd_step")
class TestSgdStep:
    def test_moves_against_the_gradient(self, device):
        p = with_grad([1.0, 2.0, -3.0], [0.5, -1.0, 2.0], device)
        expected = (p - 0.1 * p.grad).detach()
        text = f"sgd_step([{show(p)} with grad {show(p.grad)}], lr=0.1)"
        (after,) = sgd_step_on([p], 0.1)
        expect_same(Called(f"{text}, then p", after.value), expected)

    def test_updates_in_place(self, device):
        """The caller's tensor itself changes: `p = p - ...` would only rebind a name."""
        p = with_grad([[1.0, 2.0], [3.0, 4.0]], [[1.0, 1.0], [1.0, 1.0]], device)
        expected = (p - 0.5 * p.grad).detach()
        (after,) = sgd_step_on([p], 0.5)
        assert after.kept, "sgd_step replaced a tensor in the list: update each one in place"
        expect_same(Called("sgd_step([p], lr=0.5), then the same p", after.value), expected)

    def test_not_recorded_by_autograd(self, device):
        (p,) = sgd_step_on([with_grad([1.0, -1.0], [0.25, 0.25], device)], 0.1)
        assert p.grad_fn is None and p.is_leaf and p.requires_grad, (
            "after sgd_step([p], lr=0.1)\n"
            "  expected p to stay a leaf that requires grad, with no grad_fn\n"
            f"  got      grad_fn={p.grad_fn}, is_leaf={p.is_leaf}, "
            f"requires_grad={p.requires_grad}\n"
            "  (do the update inside torch.no_grad())"
        )

    def test_resets_the_gradients(self, device):
        (p,) = sgd_step_on([with_grad([1.0, 2.0], [3.0, 4.0], device)], 0.1)
        expect_reset(p, "sgd_step([p], lr=0.1), then p.grad")

    def test_next_backward_starts_from_zero(self, device):
        """Gradients accumulate: without a reset, the next backward adds to the old one."""
        p = with_grad([1.0, 2.0], [10.0, 10.0], device)
        (p,) = sgd_step_on([p], 0.1, then=torch.tensor([3.0, -1.0], device=device))
        expect_same(
            Called(
                "sgd_step([p], lr=0.1), then (p * [3, -1]).sum().backward(), then p.grad", p.grad
            ),
            torch.tensor([3.0, -1.0], device=device),
        )

    def test_leaves_params_without_a_gradient_alone(self, device):
        p = with_grad([1.0, 2.0], [1.0, 1.0], device)
        untouched = torch.tensor([5.0, 6.0], device=device, requires_grad=True)
        untouched, p = sgd_step_on([untouched, p], 0.5)
        assert untouched.grad is None, "sgd_step gave a gradient to a parameter that had none"
        expect_same(
            Called("sgd_step([q without grad, p], lr=0.5), then q", untouched.value),
            torch.tensor([5.0, 6.0], device=device),
        )
        expect_same(
            Called("sgd_step([q without grad, p], lr=0.5), then p", p.value),
            torch.tensor([0.5, 1.5], device=device),
        )

    def test_several_params_from_a_generator(self, device):
        """model.parameters() is a generator: it can be walked through only once."""
        params = [
            with_grad([1.0], [2.0], device),
            with_grad([[0.0, 1.0]], [[-1.0, 4.0]], device),
            with_grad(3.0, -0.5, device),
        ]
        expected = [(p - 0.25 * p.grad).detach() for p in params]
        stepped = sgd_step_on(params, 0.25, generator=True)
        for i, (p, e) in enumerate(zip(stepped, expected, strict=True)):
            text = f"sgd_step(a generator of 3 params, lr=0.25), then param {i}"
            expect_same(Called(text, p.value), e)
            expect_reset(p, text)

    @given(st.lists(st.floats(-10, 10), min_size=1, max_size=5), st.data())
    def test_any_values_and_learning_rate(self, device, values, data):
        grads = data.draw(st.lists(st.floats(-10, 10), min_size=len(values), max_size=len(values)))
        lr = data.draw(st.sampled_from([0.0, 1e-3, 0.1, 1.0]))
        p = with_grad(values, grads, device)
        expected = (p - lr * p.grad).detach()
        (p,) = sgd_step_on([p], lr)
        expect_same(Called(f"sgd_step([p with grad {grads}], lr={lr}), then p", p.value), expected)
        expect_reset(p, f"sgd_step([p], lr={lr}), then p.grad")


# --- fit_line -------------------------------------------------------------------------


def least_squares(xs: torch.Tensor, ys: torch.Tensor) -> tuple[float, float]:
    """The best line through the points, in closed form (float64)."""
    x, y = xs.double().cpu(), ys.double().cpu()
    dx, dy = x - x.mean(), y - y.mean()
    w = float((dx * dy).sum() / (dx * dx).sum())
    return w, float(y.mean()) - w * float(x.mean())


def expect_line(got: Called, w: float, b: float, tol: float) -> None:
    value = got.value
    assert isinstance(value, tuple) and len(value) == 2, (
        f"{got.text}\n  expected a tuple (w, b)\n  got      {show(value)}"
    )
    for name, g, e in (("w", value[0], w), ("b", value[1], b)):
        assert isinstance(g, float), (
            f"{got.text}\n  expected {name} as a Python float, got {show(g)}"
        )
        assert math.isclose(g, e, rel_tol=0, abs_tol=tol), (
            f"{got.text}\n  expected {name} = {e:.6g} (within {tol:g})\n  got      {name} = {g!r}"
        )


@pytest.mark.exercise("fit_line")
class TestFitLine:
    @pytest.mark.parametrize("dtype", FLOATS, ids=str)
    def test_recovers_a_known_line(self, device, dtype):
        needs(dtype, device)
        xs = torch.linspace(-2, 2, 41, dtype=dtype, device=device)
        ys = 3 * xs - 1
        expect_line(call(ag.fit_line, xs, ys), 3.0, -1.0, tol=1e-3)

    def test_finds_the_least_squares_line_through_noisy_points(self, device):
        xs = random_tensor((60,), 12, device=device)
        ys = -0.5 * xs + 2 + 0.3 * random_tensor((60,), 13, device=device)
        w, b = least_squares(xs, ys)
        expect_line(call(ag.fit_line, xs, ys), w, b, tol=1e-3)

    def test_one_step_from_zero(self, device):
        """From w = b = 0 the MSE's gradient is (-2 mean(x*y), -2 mean(y)): one step of lr."""
        xs = torch.tensor([0.0, 1.0, 2.0, 3.0], device=device)
        ys = torch.tensor([1.0, 3.0, 2.0, 6.0], device=device)
        lr = 0.01
        x, y = xs.tolist(), ys.tolist()
        w = lr * 2 * sum(a * c for a, c in zip(x, y, strict=True)) / len(x)
        b = lr * 2 * sum(y) / len(y)
        expect_line(call(ag.fit_line, xs, ys, lr=lr, steps=1), w, b, tol=1e-6)

    def test_uses_the_learning_rate_and_steps_given(self, device):
        """On x in [0, 6] the default lr = 0.1 overshoots; lr = 0.05 with 1000 steps fits."""
        xs = torch.linspace(0, 6, 25, device=device)
        ys = 0.5 * xs + 1
        expect_line(call(ag.fit_line, xs, ys, lr=0.05, steps=1000), 0.5, 1.0, tol=1e-3)

    def test_leaves_the_data_alone(self, device):
        xs = torch.linspace(-1, 1, 11, device=device)
        ys = 2 * xs
        before = (xs.clone(), ys.clone())
        _, (xs, ys) = afterwards(ag.fit_line, xs, ys, steps=20)
        expect_same(Called("fit_line(xs, ys, steps=20), then xs", xs), before[0])
        expect_same(Called("fit_line(xs, ys, steps=20), then ys", ys), before[1])


# --- Sigmoid --------------------------------------------------------------------------


@pytest.mark.exercise("Sigmoid")
class TestSigmoid:
    @given(shape=st.lists(st.integers(1, 4), max_size=3), dtype=dtypes, seed=seeds)
    def test_forward_and_gradient_match_torch_sigmoid(self, device, shape, dtype, seed):
        x = random_tensor(shape, seed, dtype, device, scale=3.0)
        grad_output = random_tensor(shape, seed + 1, dtype, device)
        (mine,), (theirs,) = leaves(x), leaves(x)
        out = apply("Sigmoid", mine)
        expect_same(out, torch.sigmoid(theirs).detach())
        with engine_errors_explained(f"{out.text}.backward()"):
            (got,) = autograd_grad(out.value, mine, grad_output)
        (expected,) = autograd_grad(torch.sigmoid(theirs), theirs, grad_output)
        expect_same(Called(f"the gradient of {out.text} for x", got), expected)

    @pytest.mark.points(2)
    @pytest.mark.parametrize("shape", [(5,), (2, 3)])
    def test_gradcheck(self, device, shape):
        (x,) = leaves(random_tensor(shape, 14, device=device, scale=2.0))
        expect_gradcheck("Sigmoid", (x,))

    @pytest.mark.points(2)
    def test_backward_by_hand(self, device):
        """backward must compute s * (1 - s) itself, and build no graph while doing it."""
        (x,) = leaves(random_tensor((2, 3), 15, device=device))
        grad_output = random_tensor((2, 3), 16, device=device)
        out = apply("Sigmoid", x)
        rule = "Sigmoid.backward must be written by hand, without autograd"
        with forbidden(ag.Sigmoid.backward, rule, AUTOGRAD_ENTRY_POINTS):
            returned, _ = by_hand(out.value, grad_output)
        (grad,) = backward_results(returned, 1, f"Sigmoid.backward(ctx, {show(grad_output)})")
        s = torch.sigmoid(x.detach())
        expect_same(Called("Sigmoid.backward(ctx, grad_output)", grad), grad_output * s * (1 - s))
        with forbidden(ag.Sigmoid.backward, rule, AUTOGRAD_ENTRY_POINTS):
            (grad,), (grad_fn,) = through_engine(out.value, grad_output)
        assert grad_fn is None and not grad.requires_grad, (
            "Sigmoid.backward built a graph: its gradient has "
            f"grad_fn={grad_fn}; compute it from the saved tensors, without autograd"
        )

    @pytest.mark.parametrize("dtype", FLOATS, ids=str)
    def test_stable_for_large_inputs(self, device, dtype):
        values = [-1000.0, -50.0, 0.0, 50.0, 1000.0]
        needs(dtype, device)
        x = torch.tensor(values, dtype=dtype, device=device, requires_grad=True)
        out = apply("Sigmoid", x)
        (got,) = autograd_grad(out.value, x, torch.ones_like(x))
        (reference,) = leaves(x)
        (expected,) = autograd_grad(torch.sigmoid(reference), reference, torch.ones_like(x))
        expect_same(out, torch.sigmoid(x.detach()))
        expect_same(Called(f"the gradient of {out.text}", got), expected)


# --- Linear ---------------------------------------------------------------------------


def linear_inputs(n, n_in, n_out, seed, dtype=torch.float64, device="cpu"):
    return leaves(
        random_tensor((n, n_in), seed, dtype, device),
        random_tensor((n_out, n_in), seed + 1, dtype, device),
        random_tensor((n_out,), seed + 2, dtype, device),
    )


@pytest.mark.exercise("Linear")
class TestLinear:
    @given(
        sizes=st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)),
        dtype=dtypes,
        seed=seeds,
    )
    def test_forward_and_gradients_match_f_linear(self, device, sizes, dtype, seed):
        n, n_in, n_out = sizes
        mine = linear_inputs(n, n_in, n_out, seed, dtype, device)
        theirs = leaves(*mine)
        grad_output = random_tensor((n, n_out), seed + 3, dtype, device)
        out = apply("Linear", *mine)
        expected_out = F.linear(*theirs)
        expect_same(out, expected_out.detach())
        with engine_errors_explained(f"{out.text}.backward()"):
            got = autograd_grad(out.value, mine, grad_output)
        expected = autograd_grad(expected_out, theirs, grad_output)
        for name, g, e in zip(("x", "weight", "bias"), got, expected, strict=True):
            expect_same(Called(f"the gradient of {out.text} for {name}", g), e)

    @pytest.mark.points(2)
    @pytest.mark.parametrize("sizes", [(4, 3, 2), (1, 5, 1), (3, 3, 3)], ids=str)
    def test_gradcheck(self, device, sizes):
        inputs = tuple(linear_inputs(*sizes, seed=17, device=device))
        expect_gradcheck("Linear", inputs)

    @pytest.mark.points(2)
    @pytest.mark.parametrize("sizes", [(4, 3, 2), (2, 2, 2)], ids=str)
    def test_backward_by_hand_returns_three_gradients_shaped_like_the_inputs(self, device, sizes):
        """Called as autograd calls it: with the ctx forward filled, under no_grad."""
        x, weight, bias = linear_inputs(*sizes, seed=18, device=device)
        grad_output = random_tensor((sizes[0], sizes[2]), 19, device=device)
        out = apply("Linear", x, weight, bias)
        what = f"Linear.backward(ctx, grad_output of shape {tuple(grad_output.shape)})"
        rule = "Linear.backward must be written by hand, without autograd"
        with forbidden(ag.Linear.backward, rule, AUTOGRAD_ENTRY_POINTS):
            returned, grad_fns = by_hand(out.value, grad_output)
        grads = backward_results(returned, 3, what)
        reference = leaves(x, weight, bias)
        expected = autograd_grad(F.linear(*reference), reference, grad_output)
        names = ("x", "weight", "bias")
        for name, g, grad_fn, e in zip(names, grads, grad_fns, expected, strict=True):
            assert isinstance(g, torch.Tensor), f"{what}\n  the {name} gradient is {show(g)}"
            assert grad_fn is None, f"{what}\n  the {name} gradient was built with autograd"
            expect_same(Called(f"{what}: the gradient for {name}", g), e)

    def test_bias_is_broadcast_over_the_batch(self, device):
        x = torch.zeros(3, 2, device=device)
        weight = torch.zeros(4, 2, device=device)
        bias = torch.tensor([1.0, 2.0, 3.0, 4.0], device=device)
        out = apply("Linear", x, weight, bias)
        expect_same(out, bias.expand(3, 4))
