"""Functional pieces: a dot-product helper, parameters chained, the MLP's shape from its sizes.

The neuron's sum is a helper that starts from the bias; parameters() chains the parts'
lists with itertools; the MLP keeps its layer widths and decides from the last one
whether to return a single Value, instead of looking at the length of what came out.
"""

import itertools
import random


def _weighted_sum(weights, inputs, start):
    total = start
    for w, x in zip(weights, inputs, strict=True):
        total = total + w * x
    return total


class Module:
    def parameters(self):
        return list(itertools.chain.from_iterable(p.parameters() for p in self._parts()))

    def _parts(self):
        return ()

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1.0, 1.0)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = _weighted_sum(self.w, x, self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return [*self.w, self.b]


class Layer(Module):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        return [neuron(x) for neuron in self.neurons]

    def _parts(self):
        return self.neurons


class MLP(Module):
    def __init__(self, nin, nouts):
        self.sizes = [nin, *nouts]
        pairs = list(itertools.pairwise(self.sizes))
        self.layers = [Layer(a, b, nonlin=i + 1 < len(pairs)) for i, (a, b) in enumerate(pairs)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if self.sizes[-1] == 1 else x

    def _parts(self):
        return self.layers
