"""Lesson 1 exercises: a neuron, a layer of them, and reading a network's output.

Plain Python only (no torch, no numpy): the point is to see every multiplication.
Read the lesson page alongside: docs/lessons/lesson1.py (on the site: Lesson 1).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence

Activation = Callable[[float], float]


def step(z: float) -> float:
    """The oldest activation: the neuron fires (1.0) when z > 0, else stays silent (0.0).

    Lesson 1, "One neuron". Note that z == 0 does not fire.
    """
    # BEGIN SOLUTION
    return 1.0 if z > 0 else 0.0
    # END SOLUTION


def sigmoid(z: float) -> float:
    """Squash z into (0, 1): 1 / (1 + e^-z).

    Must not raise OverflowError for z = -1000 or z = 1000 (it returns ~0.0 and ~1.0).
    Lesson 1, "Squashing with a sigmoid".
    """
    # BEGIN SOLUTION
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # z < 0, so this cannot overflow
    return e / (1.0 + e)
    # END SOLUTION


def relu(z: float) -> float:
    """Rectified linear unit: z when z > 0, else 0.0. Always returns a float.

    Lesson 1, "ReLU: the activation everyone uses".
    """
    # BEGIN SOLUTION
    return float(z) if z > 0 else 0.0
    # END SOLUTION


def neuron(
    inputs: Sequence[float],
    weights: Sequence[float],
    bias: float,
    activation: Activation = sigmoid,
) -> float:
    """One neuron: activation(sum of input * weight, plus bias).

    Raises ValueError when inputs and weights have different lengths.
    Lesson 1, "One neuron".
    """
    # BEGIN SOLUTION
    if len(inputs) != len(weights):
        raise ValueError(f"{len(inputs)} inputs but {len(weights)} weights")
    return activation(sum(x * w for x, w in zip(inputs, weights, strict=True)) + bias)
    # END SOLUTION


def dense_layer(
    inputs: Sequence[float],
    weights: Sequence[Sequence[float]],
    biases: Sequence[float],
    activation: Activation = sigmoid,
) -> list[float]:
    """A fully connected layer: one neuron per row of `weights`, all seeing the same inputs.

    Returns one output per neuron. Raises ValueError when there is not one bias per row,
    or when a row's length differs from the number of inputs.
    Lesson 1, "Layers of neurons".
    """
    # BEGIN SOLUTION
    if len(weights) != len(biases):
        raise ValueError(f"{len(weights)} rows of weights but {len(biases)} biases")
    return [neuron(inputs, row, b, activation) for row, b in zip(weights, biases, strict=True)]
    # END SOLUTION


def predict(scores: Mapping[str, float]) -> str:
    """The label with the highest score (argmax); on a tie, the first in iteration order.

    Raises ValueError for an empty mapping. Lesson 1, "Reading the output".
    """
    # BEGIN SOLUTION
    if not scores:
        raise ValueError("no scores to choose from")
    return max(scores, key=scores.__getitem__)
    # END SOLUTION


def count_parameters(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of a fully connected network with these widths, input first.

    [2, 3, 1] -> 2*3 + 3 (first layer) + 3*1 + 1 (second) = 13.
    Raises ValueError for fewer than two sizes or any size below 1.
    Lesson 1, "Counting parameters".
    """
    # BEGIN SOLUTION
    if len(layer_sizes) < 2 or any(size < 1 for size in layer_sizes):
        raise ValueError(f"need at least two layer sizes, each >= 1, got {list(layer_sizes)}")
    return sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(layer_sizes))
    # END SOLUTION
