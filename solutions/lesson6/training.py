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
    # BEGIN SOLUTION
    if len(preds) != len(targets) or not preds:
        raise ValueError(f"{len(preds)} predictions but {len(targets)} targets")
    return sum((p - t) ** 2 for p, t in zip(preds, targets, strict=True)) / len(preds)
    # END SOLUTION


def hinge_loss(scores: Sequence[Value], labels: Sequence[int]) -> Value:
    """The mean over the pairs of relu(1 - label * score), as a Value; labels are +1 or -1.

    A score on the right side of 0 by a margin of at least 1 costs nothing. Raises
    ValueError when a label is not +1 or -1 (0/1 labels are a common slip), or when the
    lengths differ or both are empty. Lesson 6, "A loss is one number".
    """
    # BEGIN SOLUTION
    if len(scores) != len(labels) or not scores:
        raise ValueError(f"{len(scores)} scores but {len(labels)} labels")
    if any(label not in (1, -1) for label in labels):
        raise ValueError(f"labels must be +1 or -1, got {sorted(set(labels))}")
    losses = ((1 - label * score).relu() for score, label in zip(scores, labels, strict=True))
    return sum(losses) / len(scores)
    # END SOLUTION


def batches(n: int, batch_size: int, rng: random.Random) -> Iterator[list[int]]:
    """One epoch of mini-batches: range(n) shuffled by `rng`, cut into lists of batch_size.

    Every index comes exactly once; the last batch is smaller when batch_size does not
    divide n. Only `rng` is used (the same seed gives the same batches). Raises ValueError
    when batch_size < 1. Lesson 6, "Stochastic gradient descent".
    """
    # BEGIN SOLUTION
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    order = list(range(n))
    rng.shuffle(order)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
    # END SOLUTION


def sgd_step(params: Iterable[Value], lr: float) -> None:
    """One step downhill: p.data -= lr * p.grad for every parameter. Grads are left as they
    are (zeroing them is the training loop's job). Lesson 6, "Gradient descent"."""
    # BEGIN SOLUTION
    for p in params:
        p.data -= lr * p.grad
    # END SOLUTION


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
    # BEGIN SOLUTION
    rng = random.Random(seed)
    history = []
    for _ in range(epochs):
        losses = []
        for batch in batches(len(X), batch_size, rng):
            loss = hinge_loss([model(X[i]) for i in batch], [y[i] for i in batch])
            model.zero_grad()
            loss.backward()
            sgd_step(model.parameters(), lr)
            losses.append(loss.data)
        history.append(sum(losses) / len(losses))
    return history
    # END SOLUTION
