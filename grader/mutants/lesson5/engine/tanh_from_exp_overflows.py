"""tanh from the formula (e**2x - 1) / (e**2x + 1): OverflowError for large inputs."""

import math


class Value:
    def tanh(self):
        e = math.exp(2 * self.data)
        t = (e - 1) / (e + 1)
        out = Value(t, (self,), "tanh")

        def _backward(grad):
            self.grad += (1.0 - t * t) * grad

        out._backward = _backward
        return out
