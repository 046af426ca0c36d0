"""A Value in the style of Karpathy's micrograd (https://github.com/karpathy/micrograd).

As there: the inputs kept as a set, a `label` to name a node when the graph is drawn,
each backward step a closure that reads its output, and subtraction and division made
of other operations (a - b is a + (-b), a / b is a * b**-1). Adapted where the course's
contract asks: `_backward(grad)` takes the output's gradient, tanh uses math.tanh (no
overflow), and the topological sort walks a stack of (node, iterator over its inputs)
instead of recursing.
"""

import math


def _as_value(x):
    return x if isinstance(x, Value) else Value(x)


class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda grad: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value({self.label or '?'}: data={self.data}, grad={self.grad})"

    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def pass_back(grad):
            self.grad += grad
            other.grad += grad

        out._backward = pass_back
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def pass_back(grad):
            self.grad += grad * other.data
            other.grad += grad * self.data

        out._backward = pass_back
        return out

    def __pow__(self, k):
        if not isinstance(k, int | float):
            raise TypeError("the exponent must be an int or a float")
        out = Value(self.data**k, (self,), f"**{k}")

        def pass_back(grad):
            self.grad += grad * k * self.data ** (k - 1)

        out._backward = pass_back
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def pass_back(grad):
            self.grad += grad if out.data > 0 else 0.0

        out._backward = pass_back
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def pass_back(grad):
            self.grad += grad * (1.0 - out.data * out.data)

        out._backward = pass_back
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def pass_back(grad):
            self.grad += grad * out.data

        out._backward = pass_back
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return other + (-self)

    def __rtruediv__(self, other):
        return other * self**-1

    def backward(self):
        order, placed = [], {self}
        walk = [(self, iter(self._prev))]
        while walk:
            node, inputs = walk[-1]
            nxt = next(inputs, None)
            if nxt is None:
                order.append(node)  # every input of node is already in order
                walk.pop()
            elif nxt not in placed:
                placed.add(nxt)
                walk.append((nxt, iter(nxt._prev)))
        self.grad = 1.0
        for node in reversed(order):
            node._backward(node.grad)
