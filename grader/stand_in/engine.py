"""A `Value` of lesson 5's contract (see grader/stand_in/__init__.py).

Each Value keeps a function that gives its local derivatives, one per input, when
backward() asks: read then, like the closures of the lesson, so a derivative that
cannot be computed (`Value(0.0) ** 0.5` at 0) fails only if gradient reaches it.
"""

import math


def _no_inputs() -> tuple:
    """The local derivatives of a Value made by hand: it has no inputs."""
    return ()


def _value(x):
    return x if isinstance(x, Value) else Value(x)


class Value:
    """`data`, `grad`, the Values it was computed from, and its operation's name.

    Its fields in `__slots__` (a training run makes a million Values), `__dict__` among
    them: a file graded with it may give its Values attributes of its own (`w.label =
    "w0"`, as in Karpathy's lecture)."""

    __slots__ = ("__dict__", "_op", "_prev", "_slopes", "data", "grad")

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._op = _op
        self._slopes = _no_inputs

    def _made(self, data, op, children, slopes):
        out = Value(data, children, op)
        out._slopes = slopes
        return out

    def __add__(self, other):
        other = _value(other)
        return self._made(self.data + other.data, "+", (self, other), lambda: (1.0, 1.0))

    def __sub__(self, other):
        other = _value(other)
        return self._made(self.data - other.data, "-", (self, other), lambda: (1.0, -1.0))

    def __mul__(self, other):
        other = _value(other)
        slopes = lambda: (other.data, self.data)  # noqa: E731
        return self._made(self.data * other.data, "*", (self, other), slopes)

    def __truediv__(self, other):
        other = _value(other)
        slopes = lambda: (1.0 / other.data, -self.data / other.data**2)  # noqa: E731
        return self._made(self.data / other.data, "/", (self, other), slopes)

    def __pow__(self, k):
        slopes = lambda: (k * self.data ** (k - 1),)  # noqa: E731
        return self._made(self.data**k, f"**{k}", (self,), slopes)

    def __neg__(self):
        return self._made(-self.data, "neg", (self,), lambda: (-1.0,))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self

    def __rtruediv__(self, other):
        return Value(other) / self

    def relu(self):
        slopes = lambda: (1.0 if self.data > 0 else 0.0,)  # noqa: E731
        return self._made(self.data if self.data > 0 else 0.0, "relu", (self,), slopes)

    def tanh(self):
        t = math.tanh(self.data)
        return self._made(t, "tanh", (self,), lambda: (1.0 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return self._made(e, "exp", (self,), lambda: (e,))

    def backward(self):
        """grad 1 here, then every node's gradient to its inputs, in a topological order
        found with a stack of its own (a chain of any length, no recursion)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if child._prev)
        self.grad = 1.0
        for node in reversed(order):
            # a Value made by hand with _children has no derivatives: they get nothing
            for child, slope in zip(node._prev, node._slopes(), strict=False):
                child.grad += slope * node.grad

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"
