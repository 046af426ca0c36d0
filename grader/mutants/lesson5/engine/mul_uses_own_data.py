"""Multiplication gives each input its own data times grad, instead of the other input's."""


class Value:
    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward(grad):
            self.grad += self.data * grad
            other.grad += other.data * grad

        out._backward = _backward
        return out
