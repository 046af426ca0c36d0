"""Subtraction passes +grad to the right-hand side as well, as if it were addition."""


class Value:
    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward(grad):
            self.grad += grad
            other.grad += grad

        out._backward = _backward
        return out
