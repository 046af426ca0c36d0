"""Gradients assigned (=) instead of accumulated (+=): a Value used twice keeps only one share."""


class Value:
    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward(grad):
            self.grad = grad
            other.grad = grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward(grad):
            self.grad = other.data * grad
            other.grad = self.data * grad

        out._backward = _backward
        return out
