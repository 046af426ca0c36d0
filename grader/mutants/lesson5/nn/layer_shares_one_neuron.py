"""Layer built as [Neuron(nin)] * nout: one neuron repeated, so every output is the same."""


class Layer:
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs)] * nout
