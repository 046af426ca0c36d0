"""count_parameters that counts the weights but forgets the biases."""


def count_parameters(layer_sizes):
    if len(layer_sizes) < 2 or any(s < 1 for s in layer_sizes):
        raise ValueError("bad sizes")
    return sum(a * b for a, b in zip(layer_sizes, layer_sizes[1:]))
