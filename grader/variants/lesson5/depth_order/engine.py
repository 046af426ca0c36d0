"""Backward in order of depth, a Value built from a few primitives, with its own __slots__.

Every Value records its depth: one more than its deepest input, so a Value is always
deeper than everything it was computed from. backward() collects the graph in any order
and sorts it by depth, deepest first, which is a topological order without a depth-first
walk (as some frameworks rank their nodes). Subtraction, negation and the reflected
operators are written in terms of + and *, and division as multiplication by a reciprocal.
"""

import math


class Value:
    __slots__ = ("_backward", "_depth", "_op", "_prev", "data", "grad")

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._op = _op
        self._depth = 1 + max((child._depth for child in _children), default=0)
        self._backward = None

    @staticmethod
    def _of(x):
        return x if isinstance(x, Value) else Value(x)

    def _unary(self, data, op, slope):
        out = Value(data, (self,), op)

        def _backward(grad):
            self.grad += slope * grad

        out._backward = _backward
        return out

    def __add__(self, other):
        other = Value._of(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward(grad):
            self.grad += grad
            other.grad += grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._of(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward(grad):
            self.grad += grad * other.data
            other.grad += grad * self.data

        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward(grad):
            self.grad += k * self.data ** (k - 1) * grad

        out._backward = _backward
        return out

    def relu(self):
        return self._unary(max(self.data, 0.0), "relu", 1.0 if self.data > 0 else 0.0)

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, "tanh", 1.0 - t * t)

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, "exp", e)

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + -Value._of(other)

    def __truediv__(self, other):
        return self * Value._of(other) ** -1

    def __radd__(self, other):
        return Value._of(other) + self

    def __rmul__(self, other):
        return Value._of(other) * self

    def __rsub__(self, other):
        return Value._of(other) - self

    def __rtruediv__(self, other):
        return Value._of(other) / self

    def backward(self):
        graph, todo = {id(self): self}, [self]
        while todo:
            for child in todo.pop()._prev:
                if id(child) not in graph:
                    graph[id(child)] = child
                    todo.append(child)
        self.grad = 1.0
        for node in sorted(graph.values(), key=lambda v: v._depth, reverse=True):
            if node._backward is not None:
                node._backward(node.grad)
