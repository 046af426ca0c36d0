"""Library folds: math.fsum for every sum, functools.reduce for the argmax, map for a layer.

fsum rounds once, at the end, so its sums can differ from a plain left-to-right sum in
the last bits: the tests must compare floats with a tolerance, not for equality.
"""

import functools
import math
import operator


def neuron(inputs, weights, bias, activation=sigmoid):
    if len(inputs) != len(weights):
        raise ValueError("one weight per input, please")
    return activation(math.fsum([*map(operator.mul, inputs, weights), bias]))


def dense_layer(inputs, weights, biases, activation=sigmoid):
    if len(weights) != len(biases):
        raise ValueError("one bias per row of weights, please")
    return list(map(lambda row, b: neuron(inputs, row, b, activation), weights, biases))


def predict(scores):
    if not scores:
        raise ValueError("nothing to predict from")
    # a later label wins only with a strictly higher score: a tie goes to the first
    return functools.reduce(lambda best, x: x if scores[x] > scores[best] else best, scores)


def count_parameters(layer_sizes):
    sizes = list(layer_sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError("a network needs two or more layers of width 1 or more")
    return functools.reduce(operator.add, ((a + 1) * b for a, b in zip(sizes, sizes[1:])), 0)
