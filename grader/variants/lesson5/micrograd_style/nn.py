"""Neuron, Layer and MLP in the style of Karpathy's micrograd (https://github.com/karpathy/micrograd).

As there: every weight, bias and output gets a `label` for drawing the graph (an
attribute set on the Value after it is made), the weighted sum starts from the bias,
and zero_grad sets the int 0. Adapted where the course's contract asks: a Layer returns
a list even for one neuron (micrograd's returns the bare Value), and a wrong number of
inputs raises ValueError instead of being cut short by zip.
"""

import random


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin
        for i, w in enumerate(self.w):
            w.label = f"w{i}"
        self.b.label = "b"

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(f"expected {len(self.w)} inputs, got {len(x)}")
        total = sum((w * xi for w, xi in zip(self.w, x)), start=self.b)
        out = total.relu() if self.nonlin else total
        out.label = "relu" if self.nonlin else "sum"
        return out

    def parameters(self):
        return list(self.w) + [self.b]


class Layer(Module):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):
    def __init__(self, nin, nouts):
        widths = [nin] + list(nouts)
        depth = len(nouts)
        self.layers = [Layer(widths[i], widths[i + 1], nonlin=i < depth - 1) for i in range(depth)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
