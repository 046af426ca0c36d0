"""Neuron ignores nonlin and always applies ReLU."""


class Neuron:
    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act.relu()
