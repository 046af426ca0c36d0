"""Loops written out: the neuron adds w * x one at a time, the layers are built and run in
plain for-loops, and each class lists its own parameters by extending one list.

The neuron checks the number of inputs before it starts, and the weights are drawn as
a scaled random.random() rather than random.uniform.
"""

import random


class Module:
    def parameters(self):
        return []

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = []
        for _ in range(nin):
            self.w.append(Value(2.0 * random.random() - 1.0))
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"Neuron({len(self.w)}) called on {len(x)} inputs")
        act = self.b
        for i in range(len(self.w)):
            act = act + self.w[i] * x[i]
        if self.nonlin:
            act = act.relu()
        return act

    def parameters(self):
        params = list(self.w)
        params.append(self.b)
        return params


class Layer(Module):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = []
        for _ in range(nout):
            self.neurons.append(Neuron(nin, **kwargs))

    def __call__(self, x):
        outs = []
        for neuron in self.neurons:
            outs.append(neuron(x))
        return outs

    def parameters(self):
        params = []
        for neuron in self.neurons:
            params.extend(neuron.parameters())
        return params


class MLP(Module):
    def __init__(self, nin, nouts):
        self.layers = []
        width = nin
        for i, nout in enumerate(nouts):
            self.layers.append(Layer(width, nout, nonlin=i != len(nouts) - 1))
            width = nout

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        if len(x) == 1:
            return x[0]
        return x

    def parameters(self):
        params = []
        for layer in self.layers:
            params.extend(layer.parameters())
        return params
