"""Layer drops its keyword arguments: every neuron uses ReLU whatever nonlin says."""


class Layer:
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin) for _ in range(nout)]
