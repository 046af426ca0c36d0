"""Division's derivative for the denominator with the wrong sign: +a/b**2 instead of -a/b**2."""


class Value:
    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward(grad):
            self.grad += grad / other.data
            other.grad += self.data / other.data**2 * grad

        out._backward = _backward
        return out
