"""count_parameters that accepts a single layer or a zero-width layer without complaint."""


def count_parameters(layer_sizes):
    return sum(a * b + b for a, b in zip(layer_sizes, layer_sizes[1:]))
