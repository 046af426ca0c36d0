"""Losses in another algebraic order, and batches cut by itertools.

mse multiplies by 1/n instead of dividing, and squares by multiplying a difference by
itself; the hinge loss is computed as relu(-(y * s) + 1) and summed with functools.reduce
before the mean. batches slices a shuffled list with itertools.islice; sgd_step adds
-lr * grad. Rounding differs from the reference in the last bits, no more.
"""

import functools
import itertools
import operator


def mse(preds, targets):
    if not preds or len(preds) != len(targets):
        raise ValueError("need as many targets as predictions, and at least one")
    squares = [(p - t) * (p - t) for p, t in zip(preds, targets)]
    return sum(squares) * (1.0 / len(squares))


def hinge_loss(scores, labels):
    if not scores or len(scores) != len(labels):
        raise ValueError("need as many labels as scores, and at least one")
    if not set(labels) <= {1, -1}:
        raise ValueError("labels are +1 or -1")
    margins = [(-(label * score) + 1).relu() for score, label in zip(scores, labels)]
    return functools.reduce(operator.add, margins) * (1.0 / len(margins))


def batches(n, batch_size, rng):
    if batch_size < 1:
        raise ValueError("batch_size must be 1 or more")
    order = list(range(n))
    rng.shuffle(order)
    it = iter(order)
    while batch := list(itertools.islice(it, batch_size)):
        yield batch


def sgd_step(params, lr):
    for p in params:
        p.data += -lr * p.grad
