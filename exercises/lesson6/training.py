"""Lesson 6 exercise: a loss, a gradient-descent step, mini-batches, and a training loop.

Builds on lesson 5: `Value` and `MLP` come from the lesson5/ folder next to this one.
The grader runs this file with a lesson 5 of its own in place of yours, so
that a mistake there costs lesson 5 points only: use just the API lesson 5 documents.
Read the lesson page alongside: docs/lessons/lesson6.py (on the site: Lesson 6).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence

from lesson5.engine import Value
from lesson5.nn import MLP


def mse(preds: Sequence[Value], targets: Sequence[float]) -> Value:
    """Mean squared error: the mean over the pairs of (pred - target) ** 2, as a Value.

    mse([Value(1), Value(2), Value(3)], [1, 0, 0]) is (0 + 4 + 9) / 3. Raises ValueError
    when the lengths differ or both are empty. Lesson 6, "A loss is one number".
    """
    raise NotImplementedError(
        'mse: yours to write; read “A loss is one number” (docs/lessons/lesson6.py)'
    )


def hinge_loss(scores: Sequence[Value], labels: Sequence[int]) -> Value:
    """The mean over the pairs of relu(1 - label * score), as a Value; labels are +1 or -1.

    A score on the right side of 0 by a margin of at least 1 costs nothing. Raises
    ValueError when a label is not +1 or -1 (0/1 labels are a common slip), or when the
    lengths differ or both are empty. Lesson 6, "A loss is one number".
    """
    raise NotImplementedError(
        'hinge_loss: yours to write; read “A loss is one number” (docs/lessons/lesson6.py)'
    )


def batches(n: int, batch_size: int, rng: random.Random) -> Iterator[list[int]]:
    """One epoch of mini-batches: range(n) shuffled by `rng`, cut into lists of batch_size.

    Every index comes exactly once; the last batch is smaller when batch_size does not
    divide n. Only `rng` is used (the same seed gives the same batches). Raises ValueError
    when batch_size < 1. Lesson 6, "Stochastic gradient descent".
    """
    raise NotImplementedError(
        'batches: yours to write; read “Stochastic gradient descent” (docs/lessons/lesson6.py)'
    )


def sgd_step(params: Iterable[Value], lr: float) -> None:
    """One step downhill: p.data -= lr * p.grad for every parameter. Grads are left as they
    are (zeroing them is the training loop's job). Lesson 6, "Gradient descent"."""
    raise NotImplementedError(
        'sgd_step: yours to write; read “Gradient descent” (docs/lessons/lesson6.py)'
    )


def train(
    model: MLP,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    epochs: int = 50,
    lr: float = 0.05,
    batch_size: int = 16,
    seed: int = 0,
) -> list[float]:
    """Mini-batch SGD on the hinge loss; returns the mean batch loss of each epoch.

    `model` maps one sample to one score (a lesson 5 MLP with one output, or any Module
    that does); labels y are +1 or -1. Each epoch walks batches(len(X), batch_size, rng)
    with rng = random.Random(seed) made once, and for every batch: forward (model called
    once per sample), hinge loss, zero the gradients, backward, sgd_step. The same seed
    and model give the same run.
    Lesson 6, "Training the MLP".
    """
    raise NotImplementedError(
        'train: yours to write; read “Training the MLP” (docs/lessons/lesson6.py)'
    )
