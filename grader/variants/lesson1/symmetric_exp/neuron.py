"""One exp for both halves: sigmoid from e = exp(-|z|), which never overflows.

For z >= 0 the sigmoid is 1 / (1 + e); for z < 0 it is e / (1 + e), its mirror image
(sigmoid(-z) = 1 - sigmoid(z)). Also: step and relu written as comparisons turned into
floats, and the neuron's sum as an explicit loop over indices.
"""

import math


def step(z):
    return float(z > 0)


def sigmoid(z):
    e = math.exp(-abs(z))
    return (1.0 if z >= 0 else e) / (1.0 + e)


def relu(z):
    return max(float(z), 0.0)


def neuron(inputs, weights, bias, activation=sigmoid):
    if len(inputs) != len(weights):
        raise ValueError(f"inputs and weights differ in length: {len(inputs)} != {len(weights)}")
    total = bias
    for i in range(len(inputs)):
        total += inputs[i] * weights[i]
    return activation(total)
