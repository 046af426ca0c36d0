"""The lesson 5 tests' oracle: values and derivatives in forward mode, in plain Python.

Lesson 5 is checked in the browser too, where PyTorch cannot run, so its tests judge
the learner's `Value` against this instead. A `Dual` is a float64 number together with
its partial derivatives with respect to each input of a computation (a dual number with
one derivative per input), and every operation carries them forward by its own rule,
written out below. That is forward mode, the other way round from the reverse-mode
`Value` of the learner and of the grader's stand-in (grader/stand_in), and it shares no
code with either. tests/test_lesson5_oracle.py proves it against PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Number = int | float


class Dual:
    """`x` and its partial derivatives `d`, one per input (`()` when none are followed).

    The operators take Duals or numbers on either side, like a `Value`, and so do
    `relu()`, `tanh()` and `exp()`: a test can run the same code on both.
    """

    __slots__ = ("d", "x")

    # Where `exp` and `tanh` of a component come from: tests/test_lesson5_oracle.py runs
    # the oracle over numbers that carry a bound on their rounding error.
    functions = math

    def __init__(self, x: float, d: Sequence[float] = ()) -> None:
        self.x, self.d = x, tuple(d)

    @classmethod
    def inputs(cls, xs: Sequence[float]) -> list[Dual]:
        """One Dual per number, each the derivative 1 with respect to itself only."""
        return [cls(x, [float(i == j) for j in range(len(xs))]) for i, x in enumerate(xs)]

    def _lift(self, other: Dual | Number) -> Dual:
        """A number as a constant: all its derivatives are 0."""
        return other if isinstance(other, Dual) else self._new(other, [0.0] * len(self.d))

    def _new(self, x: float, d) -> Dual:
        return type(self)(x, d)

    def __add__(self, other: Dual | Number) -> Dual:  # (a + b)' = a' + b'
        o = self._lift(other)
        return self._new(self.x + o.x, [p + q for p, q in zip(self.d, o.d, strict=True)])

    def __sub__(self, other: Dual | Number) -> Dual:  # (a - b)' = a' - b'
        o = self._lift(other)
        return self._new(self.x - o.x, [p - q for p, q in zip(self.d, o.d, strict=True)])

    def __mul__(self, other: Dual | Number) -> Dual:  # (ab)' = a'b + ab'
        o = self._lift(other)
        d = [p * o.x + self.x * q for p, q in zip(self.d, o.d, strict=True)]
        return self._new(self.x * o.x, d)

    def __truediv__(self, other: Dual | Number) -> Dual:  # (a/b)' = (a'b - ab') / b^2
        o = self._lift(other)
        if o.x == 0:
            raise ZeroDivisionError("division by zero")
        d = [(p * o.x - self.x * q) / (o.x * o.x) for p, q in zip(self.d, o.d, strict=True)]
        return self._new(self.x / o.x, d)

    def __radd__(self, other: Number) -> Dual:
        return self._lift(other) + self

    def __rsub__(self, other: Number) -> Dual:
        return self._lift(other) - self

    def __rmul__(self, other: Number) -> Dual:
        return self._lift(other) * self

    def __rtruediv__(self, other: Number) -> Dual:
        return self._lift(other) / self

    def __neg__(self) -> Dual:  # (-a)' = -a'
        return self._new(-self.x, [-p for p in self.d])

    def __pow__(self, k: Number) -> Dual:  # (a^k)' = k a^(k-1) a', for a constant k
        slope = k * self.x ** (k - 1)
        return self._new(self.x**k, [slope * p for p in self.d])

    def relu(self) -> Dual:  # relu'(a) = 1 where a > 0, else 0 (at 0 too, as in PyTorch)
        on = self.x > 0
        return self._new(self.x if on else 0.0, [p if on else 0.0 for p in self.d])

    def tanh(self) -> Dual:  # tanh'(a) = 1 - tanh(a)^2
        y = self.functions.tanh(self.x)
        return self._new(y, [(1 - y * y) * p for p in self.d])

    def exp(self) -> Dual:  # exp'(a) = exp(a)
        y = self.functions.exp(self.x)
        return self._new(y, [y * p for p in self.d])


def contract_mlp(params: Sequence[Dual], nouts: Sequence[int], x: Sequence[float]) -> list[Dual]:
    """The contract's MLP on x: its parameters `params` in the documented order (weights,
    then bias, neuron after neuron, layer after layer), ReLU on every layer but the last."""
    it = iter(params)
    for i, nout in enumerate(nouts):
        out = []
        for _ in range(nout):
            act = sum(w * xi for w, xi in zip([next(it) for _ in x], x, strict=True)) + next(it)
            out.append(act if i == len(nouts) - 1 else act.relu())
        x = out
    return x
