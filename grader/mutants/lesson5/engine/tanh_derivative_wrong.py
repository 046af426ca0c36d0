"""tanh's derivative taken as 1 - tanh instead of 1 - tanh**2."""

import math


class Value:
    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward(grad):
            self.grad += (1.0 - t) * grad

        out._backward = _backward
        return out
