"""Layer returns a bare Value instead of a list when it has one neuron (as micrograd 0.1.0 does).

The MLP is micrograd's too, returning what its last layer gives. The contract asks a
Layer for a list, and one test checks it: the others use layers of two or more neurons
(hidden ones included), so this costs that test and no other.

Rejected only by: test_returns_a_list_of_nout_values
"""


class Layer:
    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out


class MLP:
    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
