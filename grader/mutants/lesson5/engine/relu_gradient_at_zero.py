"""relu's derivative at exactly 0 taken as 1 (>= instead of >); PyTorch uses 0."""


class Value:
    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward(grad):
            self.grad += (1.0 if self.data >= 0 else 0.0) * grad

        out._backward = _backward
        return out
