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
    raise NotImplementedError(
        'step: yours to write; read “One neuron” (docs/lessons/lesson1.py)'
    )


def sigmoid(z: float) -> float:
    """Squash z into (0, 1): 1 / (1 + e^-z).

    Must not raise OverflowError for z = -1000 or z = 1000 (it returns ~0.0 and ~1.0).
    Lesson 1, "Squashing with a sigmoid".
    """
    raise NotImplementedError(
        'sigmoid: yours to write; read “Squashing with a sigmoid” (docs/lessons/lesson1.py)'
    )


def relu(z: float) -> float:
    """Rectified linear unit: z when z > 0, else 0.0. Always returns a float.

    Lesson 1, "ReLU: the activation everyone uses".
    """
    raise NotImplementedError(
        'relu: yours to write; read “ReLU: the activation everyone uses” (docs/lessons/lesson1.py)'
    )


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
    raise NotImplementedError(
        'neuron: yours to write; read “One neuron” (docs/lessons/lesson1.py)'
    )


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
    raise NotImplementedError(
        'dense_layer: yours to write; read “Layers of neurons” (docs/lessons/lesson1.py)'
    )


def predict(scores: Mapping[str, float]) -> str:
    """The label with the highest score (argmax); on a tie, the first in iteration order.

    Raises ValueError for an empty mapping. Lesson 1, "Reading the output".
    """
    raise NotImplementedError(
        'predict: yours to write; read “Reading the output” (docs/lessons/lesson1.py)'
    )


def count_parameters(layer_sizes: Sequence[int]) -> int:
    """Weights plus biases of a fully connected network with these widths, input first.

    [2, 3, 1] -> 2*3 + 3 (first layer) + 3*1 + 1 (second) = 13.
    Raises ValueError for fewer than two sizes or any size below 1.
    Lesson 1, "Counting parameters".
    """
    raise NotImplementedError(
        'count_parameters: yours to write; read “Counting parameters” (docs/lessons/lesson1.py)'
    )
