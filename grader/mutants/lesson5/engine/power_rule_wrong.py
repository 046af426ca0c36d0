"""Power rule with the exponent not lowered: d/dx x**k taken as k * x**k."""


class Value:
    def __pow__(self, k):
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward(grad):
            self.grad += k * self.data**k * grad

        out._backward = _backward
        return out
