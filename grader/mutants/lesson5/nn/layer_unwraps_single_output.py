"""Layer returns a bare Value instead of a list when it has one neuron (as micrograd 0.1.0 does)."""


class Layer:
    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out
