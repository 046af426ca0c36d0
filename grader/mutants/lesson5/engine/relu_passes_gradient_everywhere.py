"""relu's backward passes the gradient through even where the input was negative."""


class Value:
    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward(grad):
            self.grad += grad

        out._backward = _backward
        return out
