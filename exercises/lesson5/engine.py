"""Lesson 5 exercise: a scalar `Value` that remembers where it came from, and backward().

Plain Python only. Every operation has the same small shape: compute the result, then
attach a closure that knows the local derivatives and hands gradient back to the inputs.
Read the lesson page alongside: docs/lessons/lesson5.py (on the site: Lesson 5).
"""

from __future__ import annotations

import math
from collections.abc import Callable

Number = int | float


def _leaf_backward(grad: float) -> None:
    """The backward step of a Value made by hand (a leaf): it has no inputs to pass to."""


class Value:
    """One scalar in a computation graph: its `data`, its `grad`, and where it came from.

    `Value(data, _children=(), _op='')`: `data` is stored as a float (`Value(2).data` is
    2.0) and `grad` starts at 0.0. `_children` are the Values this one was computed from
    and `_op` names the operation (for drawing graphs). Every operator takes Values, ints
    or floats on either side (`2 * v`, `v - 1`, `1 / v` all work) and returns a new Value,
    never changing its inputs.

    The new Value's `_backward(grad)` is a closure: handed the gradient that reached the
    result, it adds each input's share (local derivative times grad) to that input's
    `grad`. Lesson 5, "A Value that remembers".
    """

    def __init__(self, data: Number, _children: tuple[Value, ...] = (), _op: str = "") -> None:
        """Store data as a float, grad = 0.0, the children and the operation's name.

        A Value made by hand (a leaf) has no children, and its backward step does nothing.
        """
        raise NotImplementedError(
            'Value.__init__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __add__(self, other: Value | Number) -> Value:
        """self + other: d/dself = d/dother = 1, so both inputs get grad unchanged.

        Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.__add__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __mul__(self, other: Value | Number) -> Value:
        """self * other: d/dself = other, d/dother = self (their data).

        Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.__mul__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __sub__(self, other: Value | Number) -> Value:
        """self - other: d/dself = 1, d/dother = -1.

        Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.__sub__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __truediv__(self, other: Value | Number) -> Value:
        """self / other: d/dself = 1/other, d/dother = -self/other**2.

        Dividing by zero raises ZeroDivisionError, as it does for Python floats.
        Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.__truediv__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __pow__(self, k: Number) -> Value:
        """self ** k for an int or float exponent k (not a Value): d/dself = k * self**(k-1).

        Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.__pow__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __neg__(self) -> Value:
        """-self: d/dself = -1. Lesson 5, "Local derivatives and the chain rule"."""
        raise NotImplementedError(
            'Value.__neg__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __radd__(self, other: Number) -> Value:
        """other + self, when other is a plain number (`1 + v`, and `sum` of Values)."""
        raise NotImplementedError(
            'Value.__radd__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __rmul__(self, other: Number) -> Value:
        """other * self, when other is a plain number (`2 * v`)."""
        raise NotImplementedError(
            'Value.__rmul__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __rsub__(self, other: Number) -> Value:
        """other - self, when other is a plain number (`1 - v`): not the same as self - other."""
        raise NotImplementedError(
            'Value.__rsub__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __rtruediv__(self, other: Number) -> Value:
        """other / self, when other is a plain number (`1 / v`)."""
        raise NotImplementedError(
            'Value.__rtruediv__: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def relu(self) -> Value:
        """max(0, self): d/dself = 1 where self > 0, else 0 (at 0 too, as in PyTorch).

        Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.relu: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def tanh(self) -> Value:
        """tanh(self): d/dself = 1 - tanh(self)**2.

        Works for any float: Value(1000).tanh() is 1.0, not an OverflowError (math.tanh
        is stable; the formula with exp is not). Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.tanh: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def exp(self) -> Value:
        """e ** self: d/dself = e ** self, the result itself.

        Lesson 5, "Local derivatives and the chain rule".
        """
        raise NotImplementedError(
            'Value.exp: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def backward(self) -> None:
        """Set self.grad to 1, then fill in the grad of every Value this one depends on.

        Each node's backward step runs once, after every node that uses it has passed its
        gradient down (a topological order, walked from the output back to the leaves).
        Gradients are added to, never overwritten: a Value used twice gets both
        contributions, and calling backward() again adds to the grads (zero them first).
        No recursion: a chain of 100 000 operations must work.
        Lesson 5, "Backward over a topological order" and "Why gradients accumulate".
        """
        raise NotImplementedError(
            'Value.backward: yours to write; read “A Value that remembers” (docs/lessons/lesson5.py)'
        )

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"
