"""Sigmoid through tanh, sigmoid(z) = (1 + tanh(z / 2)) / 2, and plain loops everywhere.

tanh is bounded, so there is nothing to overflow. The layer checks every row's length
itself before any neuron runs, predict keeps a running best, count_parameters adds layer
by layer.
"""

import math


def sigmoid(z):
    return 0.5 * (1.0 + math.tanh(0.5 * z))


def relu(z):
    if z > 0:
        return float(z)
    return 0.0


def dense_layer(inputs, weights, biases, activation=sigmoid):
    if len(weights) != len(biases):
        raise ValueError("need exactly one bias per neuron")
    for row in weights:
        if len(row) != len(inputs):
            raise ValueError(f"a row of {len(row)} weights for {len(inputs)} inputs")
    outputs = []
    for row, bias in zip(weights, biases):
        outputs.append(neuron(inputs, row, bias, activation))
    return outputs


def predict(scores):
    best = None
    for label, score in scores.items():
        if best is None or score > scores[best]:
            best = label
    if best is None:
        raise ValueError("predict() needs at least one score")
    return best


def count_parameters(layer_sizes):
    if len(layer_sizes) < 2:
        raise ValueError("need the input width and at least one layer")
    total = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        if n_in < 1 or n_out < 1:
            raise ValueError(f"layer widths must be at least 1, got {n_in} and {n_out}")
        total += n_in * n_out + n_out
    return total
