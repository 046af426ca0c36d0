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

    # BEGIN SOLUTION
    # The fields in slots, which is leaner and faster; "__dict__" among them keeps the class
    # open all the same: code built on Values may give them attributes of its own (a label).
    __slots__ = ("__dict__", "_backward", "_op", "_prev", "data", "grad")

    # END SOLUTION
    def __init__(self, data: Number, _children: tuple[Value, ...] = (), _op: str = "") -> None:
        """Store data as a float, grad = 0.0, the children and the operation's name.

        A Value made by hand (a leaf) has no children, and its backward step does nothing.
        """
        # BEGIN SOLUTION
        self.data = float(data)
        self.grad = 0.0
        self._backward: Callable[[float], None] = _leaf_backward
        self._prev = _children
        self._op = _op
        # END SOLUTION

    def __add__(self, other: Value | Number) -> Value:
        """self + other: d/dself = d/dother = 1, so both inputs get grad unchanged.

        Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward(grad: float) -> None:
            self.grad += grad
            other.grad += grad

        out._backward = _backward
        return out
        # END SOLUTION

    def __mul__(self, other: Value | Number) -> Value:
        """self * other: d/dself = other, d/dother = self (their data).

        Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward(grad: float) -> None:
            self.grad += other.data * grad
            other.grad += self.data * grad

        out._backward = _backward
        return out
        # END SOLUTION

    def __sub__(self, other: Value | Number) -> Value:
        """self - other: d/dself = 1, d/dother = -1.

        Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward(grad: float) -> None:
            self.grad += grad
            other.grad -= grad

        out._backward = _backward
        return out
        # END SOLUTION

    def __truediv__(self, other: Value | Number) -> Value:
        """self / other: d/dself = 1/other, d/dother = -self/other**2.

        Dividing by zero raises ZeroDivisionError, as it does for Python floats.
        Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward(grad: float) -> None:
            self.grad += grad / other.data
            other.grad -= self.data / other.data**2 * grad

        out._backward = _backward
        return out
        # END SOLUTION

    def __pow__(self, k: Number) -> Value:
        """self ** k for an int or float exponent k (not a Value): d/dself = k * self**(k-1).

        Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward(grad: float) -> None:
            self.grad += k * self.data ** (k - 1) * grad

        out._backward = _backward
        return out
        # END SOLUTION

    def __neg__(self) -> Value:
        """-self: d/dself = -1. Lesson 5, "Local derivatives and the chain rule"."""
        # BEGIN SOLUTION
        out = Value(-self.data, (self,), "neg")

        def _backward(grad: float) -> None:
            self.grad -= grad

        out._backward = _backward
        return out
        # END SOLUTION

    def __radd__(self, other: Number) -> Value:
        """other + self, when other is a plain number (`1 + v`, and `sum` of Values)."""
        # BEGIN SOLUTION
        return self + other
        # END SOLUTION

    def __rmul__(self, other: Number) -> Value:
        """other * self, when other is a plain number (`2 * v`)."""
        # BEGIN SOLUTION
        return self * other
        # END SOLUTION

    def __rsub__(self, other: Number) -> Value:
        """other - self, when other is a plain number (`1 - v`): not the same as self - other."""
        # BEGIN SOLUTION
        return Value(other) - self
        # END SOLUTION

    def __rtruediv__(self, other: Number) -> Value:
        """other / self, when other is a plain number (`1 / v`)."""
        # BEGIN SOLUTION
        return Value(other) / self
        # END SOLUTION

    def relu(self) -> Value:
        """max(0, self): d/dself = 1 where self > 0, else 0 (at 0 too, as in PyTorch).

        Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward(grad: float) -> None:
            self.grad += (1.0 if self.data > 0 else 0.0) * grad

        out._backward = _backward
        return out
        # END SOLUTION

    def tanh(self) -> Value:
        """tanh(self): d/dself = 1 - tanh(self)**2.

        Works for any float: Value(1000).tanh() is 1.0, not an OverflowError (math.tanh
        is stable; the formula with exp is not). Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward(grad: float) -> None:
            self.grad += (1.0 - t * t) * grad

        out._backward = _backward
        return out
        # END SOLUTION

    def exp(self) -> Value:
        """e ** self: d/dself = e ** self, the result itself.

        Lesson 5, "Local derivatives and the chain rule".
        """
        # BEGIN SOLUTION
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward(grad: float) -> None:
            self.grad += e * grad

        out._backward = _backward
        return out
        # END SOLUTION

    def backward(self) -> None:
        """Set self.grad to 1, then fill in the grad of every Value this one depends on.

        Each node's backward step runs once, after every node that uses it has passed its
        gradient down (a topological order, walked from the output back to the leaves).
        Gradients are added to, never overwritten: a Value used twice gets both
        contributions, and calling backward() again adds to the grads (zero them first).
        No recursion: a chain of 100 000 operations must work.
        Lesson 5, "Backward over a topological order" and "Why gradients accumulate".
        """
        # BEGIN SOLUTION
        order: list[Value] = []  # every node after all of its children
        seen: set[Value] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                for child in node._prev:
                    if child._prev:  # a leaf has no backward step to run
                        stack.append((child, False))
        self.grad = 1.0
        for node in reversed(order):
            node._backward(node.grad)
        # END SOLUTION

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"
