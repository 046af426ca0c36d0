"""Local derivatives stored as numbers instead of closures; backward in Kahn's order.

Each Value keeps `_local`, an (input, d out / d input) pair per input, worked out when
the Value is made, and `_backward(grad)` is one method shared by all of them. backward()
counts how many Values use each node, and a node passes its gradient on once all of
its users have (Kahn's in-degree algorithm), not in a depth-first post-order. No
`__slots__`: an ordinary class.
"""

import math


def _lift(x):
    return x if isinstance(x, Value) else Value(x)


class Value:
    def __init__(self, data, _children=(), _op="", _local=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self._local = _local

    def _backward(self, grad):
        for child, derivative in self._local:
            child.grad += derivative * grad

    @staticmethod
    def _made(data, op, *local):
        return Value(data, tuple(child for child, _ in local), op, local)

    def __add__(self, other):
        other = _lift(other)
        return self._made(self.data + other.data, "+", (self, 1.0), (other, 1.0))

    def __mul__(self, other):
        other = _lift(other)
        return self._made(self.data * other.data, "*", (self, other.data), (other, self.data))

    def __sub__(self, other):
        other = _lift(other)
        return self._made(self.data - other.data, "-", (self, 1.0), (other, -1.0))

    def __truediv__(self, other):
        other = _lift(other)
        q = self.data / other.data
        return self._made(q, "/", (self, 1.0 / other.data), (other, -q / other.data))

    def __pow__(self, k):
        # k * x**(k-1), except at x = 0 for k < 1, where Python cannot raise 0.0 to k - 1
        if self.data or k >= 1:
            slope = k * self.data ** (k - 1)
        else:
            slope = 0.0 if k == 0 else math.inf
        return self._made(self.data**k, f"**{k}", (self, slope))

    def __neg__(self):
        return self._made(-self.data, "neg", (self, -1.0))

    def __radd__(self, other):
        return _lift(other) + self

    def __rmul__(self, other):
        return _lift(other) * self

    def __rsub__(self, other):
        return _lift(other) - self

    def __rtruediv__(self, other):
        return _lift(other) / self

    def relu(self):
        positive = self.data > 0
        return self._made(self.data if positive else 0.0, "relu", (self, float(positive)))

    def tanh(self):
        t = math.tanh(self.data)
        return self._made(t, "tanh", (self, 1.0 - t * t))

    def exp(self):
        e = math.exp(self.data)
        return self._made(e, "exp", (self, e))

    def backward(self):
        users = {}  # node -> how many Values of the graph take it as an input
        todo, seen = [self], {self}
        while todo:
            for child in todo.pop()._prev:
                users[child] = users.get(child, 0) + 1
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            node._backward(node.grad)
            for child in node._prev:
                users[child] -= 1
                if not users[child]:
                    ready.append(child)
