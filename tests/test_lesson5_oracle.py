"""The lesson 5 tests' oracle (grader/tests/lesson5/oracle.py) agrees with PyTorch.

Lesson 5's tests judge the learner's `Value` with a forward-mode oracle of their own, so
that they run in a browser, where there is no torch. Here, where there is, the oracle
meets torch's autograd in float64 on everything those tests ask of it: each operation
with Values and numbers on either side, every exponent they try, their random programs,
and the MLP of the nn tests.

How close is close enough follows from float64, not from a guess: the oracle runs a
second time over `Rounded` numbers, which compute the very same floats and carry a bound
on how far each is from the exact result. torch's results carry errors of their own, of
the same kind but from formulas taken in another order.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from grader.tests.lesson5.oracle import Dual, contract_mlp
from grader.tests.lesson5.test_engine import (
    BINARY,
    KINDS,
    N_INPUTS,
    OPERANDS,
    POWERS,
    UNARY,
    Reject,
    nonzero,
    programs,
    reals,
    run_program,
)
from grader.tests.lesson5.test_engine import inputs as program_inputs

U = 2.0**-53  # float64's unit roundoff: a correctly rounded result is within U relative
LIBM = 4 * U  # exp, tanh and pow are not: within two ulps (glibc's worst, for tanh)
# The bound is for the oracle's own formulas; torch's, in another order, are as far off:
# twice the bound covers both, and twice again the orders the bound does not foresee.
# (Over 500 random programs, torch and the oracle were at most 0.4 x the bound apart.)
SLACK = 4


class Rounded:
    """A float64 result `v` and `e`, a first-order bound on |v - the exact result of the
    same formulas on the same inputs|. Only the oracle's operations are defined."""

    __slots__ = ("e", "v")

    def __init__(self, v: float, e: float = 0.0) -> None:
        self.v, self.e = v, e

    def __add__(self, other):
        o = rounded(other)
        v = self.v + o.v
        return Rounded(v, self.e + o.e + U * abs(v))

    __radd__ = __add__

    def __sub__(self, other):
        return self + -rounded(other)

    def __rsub__(self, other):
        return rounded(other) - self

    def __neg__(self):
        return Rounded(-self.v, self.e)

    def __mul__(self, other):
        o = rounded(other)
        v = self.v * o.v
        return Rounded(v, abs(self.v) * o.e + abs(o.v) * self.e + self.e * o.e + U * abs(v))

    __rmul__ = __mul__

    def __truediv__(self, other):
        o = rounded(other)
        v = self.v / o.v
        return Rounded(v, (self.e + abs(v) * o.e) / (abs(o.v) - o.e) + U * abs(v))

    def __rtruediv__(self, other):
        return rounded(other) / self

    def __pow__(self, k):
        v = self.v**k
        slope = abs(k * self.v ** (k - 1)) if k else 0.0
        return Rounded(v, slope * self.e + LIBM * abs(v))

    def __gt__(self, other):
        return self.v > rounded(other).v

    def __eq__(self, other):
        return self.v == rounded(other).v

    __hash__ = None

    @staticmethod
    def tanh(a: Rounded | float) -> Rounded:
        a = rounded(a)
        v = math.tanh(a.v)
        return Rounded(v, (1 - v * v) * a.e + LIBM * abs(v))

    @staticmethod
    def exp(a: Rounded | float) -> Rounded:
        a = rounded(a)
        v = math.exp(a.v)
        return Rounded(v, v * a.e + LIBM * v)


def rounded(x) -> Rounded:
    return x if isinstance(x, Rounded) else Rounded(x)  # a number as given is exact


class Bounded(Dual):
    """The oracle over Rounded numbers."""

    functions = Rounded

    @classmethod
    def inputs(cls, xs):
        n = len(xs)
        return [
            cls(Rounded(x), [Rounded(float(i == j)) for j in range(n)]) for i, x in enumerate(xs)
        ]


def expect_agreement(run, xs: list[float], text: str) -> None:
    """`run` maps inputs to results, the last one the output. Run on the oracle, on the
    oracle over Rounded numbers and on torch's leaves, every result and the output's
    derivative by every input must agree within the bound."""
    duals = run(Dual.inputs(xs))
    bounds = run(Bounded.inputs(xs))
    leaves = [torch.tensor(float(x), dtype=torch.float64, requires_grad=True) for x in xs]
    tensors = run(leaves)
    grads = torch.autograd.grad(tensors[-1], leaves, allow_unused=True)
    pairs = [
        (f"r{i}", d.x, b.x, t.item())
        for i, (d, b, t) in enumerate(zip(duals, bounds, tensors, strict=True))
    ]
    pairs += [
        (f"d/dx{j}", dj, bj, 0.0 if g is None else g.item())
        for j, (dj, bj, g) in enumerate(zip(duals[-1].d, bounds[-1].d, grads, strict=True))
    ]
    for name, got, bound, expected in pairs:
        bound = rounded(bound)
        assert got == bound.v, f"{text}: {name}: the bounded run computed {bound.v!r}, not {got!r}"
        assert abs(got - expected) <= SLACK * bound.e, (
            f"{text}: {name}: the oracle says {got!r}, torch {expected!r}: "
            f"{abs(got - expected):.3g} apart, beyond {SLACK} x the bound {bound.e:.3g}"
        )


def place(made: list, operands: list) -> list:
    """The operands for an operation: each Value's stand-in from `made`, numbers as they are."""
    it = iter(made)
    return [next(it) if kind == "Value" else x for kind, x in operands]


def operation(form: str, operands: list):
    def run(made):
        return [*made, eval(form.format("x[0]", "x[1]"), {"x": place(made, operands)})]

    return run


@pytest.mark.parametrize("symbol", list(BINARY))
@pytest.mark.parametrize("left, right", OPERANDS, ids=[f"{a}-{b}" for a, b in OPERANDS])
@given(data=st.data())
def test_binary_operators(symbol, left, right, data):
    a = data.draw(KINDS[left], label="a")
    b = data.draw(nonzero(KINDS[right]) if symbol == "/" else KINDS[right], label="b")
    operands = [(left, a), (right, b)]
    xs = [x for kind, x in operands if kind == "Value"]
    expect_agreement(operation(f"{{0}} {symbol} {{1}}", operands), xs, f"{a!r} {symbol} {b!r}")


@pytest.mark.parametrize("form", UNARY, ids=[form.format("v") for form in UNARY])
@given(x=reals.filter(lambda x: abs(x) > 1e-9))
def test_unary_operations(form, x):
    expect_agreement(operation(form, [("Value", x)]), [x], form.format(repr(x)))


@pytest.mark.parametrize("k, bases", POWERS, ids=[repr(k) for k, _ in POWERS])
@given(data=st.data())
def test_powers(k, bases, data):
    x = data.draw(bases, label="x")
    expect_agreement(operation(f"{{0}} ** {k!r}", [("Value", x)]), [x], f"{x!r} ** {k!r}")


@given(programs(), program_inputs)
def test_random_programs(steps, xs):
    try:
        run_program(steps, xs, floats=True)
    except (Reject, ZeroDivisionError, OverflowError):
        assume(False)
    lines = [f"r{N_INPUTS + i} = {step.text()}" for i, step in enumerate(steps)]
    expect_agreement(lambda made: run_program(steps, made), xs, f"{'; '.join(lines)} on {xs}")


@given(
    st.integers(min_value=1, max_value=3),
    st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=3),
    st.data(),
)
def test_the_contract_mlp(nin, nouts, data):
    n = sum((a + 1) * b for a, b in zip([nin, *nouts], nouts, strict=False))
    params = data.draw(st.lists(st.floats(-2, 2), min_size=n, max_size=n), label="params")
    x = data.draw(st.lists(st.floats(-2, 2), min_size=nin, max_size=nin), label="x")

    run = lambda made: contract_mlp(made, nouts, x)  # noqa: E731  (grads of the last output)
    expect_agreement(run, params, f"MLP({nin}, {nouts}) with {params} on {x}")
