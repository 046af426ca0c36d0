"""Neuron sums plain floats and wraps the result in a new Value: no gradient reaches the weights."""


class Neuron:
    def __call__(self, x):
        xs = [xi.data if isinstance(xi, Value) else xi for xi in x]
        if len(xs) != len(self.w):
            raise ValueError("wrong number of inputs")
        act = Value(sum(wi.data * xi for wi, xi in zip(self.w, xs)) + self.b.data)
        return act.relu() if self.nonlin else act
