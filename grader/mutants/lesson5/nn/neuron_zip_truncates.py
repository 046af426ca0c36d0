"""Neuron zips weights and inputs without a length check: extra inputs are silently dropped."""


class Neuron:
    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act
