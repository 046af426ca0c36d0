"""Lesson 4 exercises: a network built from torch.nn, its losses, and a real training run.

Read the lesson page alongside: docs/lessons/lesson4.py (on the site: Lesson 4).
Everything here works on whatever device its tensors are on: CPU, CUDA or MPS.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch
from torch import Tensor, nn
from torch.nn import functional as F


class MLP(nn.Module):
    """A multi-layer perceptron: `nn.Linear` layers with a ReLU between each pair.

    The widths go in_features -> hidden[0] -> ... -> hidden[-1] -> out_features, one
    `nn.Linear` (with bias) per consecutive pair, and there is no activation after the
    last layer: the outputs are raw scores (logits) that may be negative. With no hidden
    widths (`hidden=[]`) the network is a single `nn.Linear(in_features, out_features)`.
    Every layer's weight and bias must show up in `model.parameters()`, so that an
    optimiser can find them: `MLP(2, [16, 16], 2)` has 2*16+16 + 16*16+16 + 16*2+2 = 354.
    Lesson 4, "Stacking layers".
    """

    def __init__(self, in_features: int, hidden: Sequence[int], out_features: int) -> None:
        super().__init__()
        raise NotImplementedError(
            'MLP.__init__: yours to write; read “Stacking layers” (docs/lessons/lesson4.py)'
        )

    def forward(self, x: Tensor) -> Tensor:
        """(..., in_features) in, (..., out_features) out, like `nn.Linear` itself."""
        raise NotImplementedError(
            'MLP.forward: yours to write; read “Stacking layers” (docs/lessons/lesson4.py)'
        )


def mse_loss(pred: Tensor, target: Tensor) -> Tensor:
    """Mean squared error: the mean over every element of (pred - target) ** 2.

    `pred` and `target` have the same shape; the result is a 0-dim tensor that matches
    `F.mse_loss(pred, target)`, with the same dtype and device, and gradients flow back
    to `pred`. Build it from tensor arithmetic, not `F.mse_loss`.
    Lesson 4, "Losses".
    """
    raise NotImplementedError(
        'mse_loss: yours to write; read “Losses” (docs/lessons/lesson4.py)'
    )


def cross_entropy(logits: Tensor, target: Tensor) -> Tensor:
    """Cross-entropy of raw scores `logits` (N, C) against class indices `target` (N,).

    The mean over the batch of -log softmax(logits)[i, target[i]], as a 0-dim tensor that
    matches `F.cross_entropy(logits, target)` (same dtype and device). It must stay finite
    for huge logits such as 1000 or -1000, so compute log-softmax as
    logits - logsumexp(logits) with a log-sum-exp made stable by subtracting each row's
    maximum. Build it from primitives (max, exp, sum, log, indexing): not
    `F.cross_entropy`, `F.nll_loss`, `log_softmax` or `torch.logsumexp`.
    Lesson 4, "Losses".
    """
    raise NotImplementedError(
        'cross_entropy: yours to write; read “Losses” (docs/lessons/lesson4.py)'
    )


def accuracy(logits: Tensor, target: Tensor) -> float:
    """The fraction of rows whose largest score is at the right class index.

    `logits` is (N, C) with N >= 1 and `target` (N,) holds class indices. Returns a plain
    Python float in [0, 1] (3 right out of 4 is 0.75, not 3 and not a tensor).
    Lesson 4, "The training loop".
    """
    raise NotImplementedError(
        'accuracy: yours to write; read “The training loop” (docs/lessons/lesson4.py)'
    )


def train(
    model: nn.Module,
    X: Tensor,
    y: Tensor,
    epochs: int = 100,
    lr: float = 0.05,
    batch_size: int = 32,
    seed: int = 0,
) -> list[float]:
    """Train `model` in place by mini-batch gradient descent on the cross-entropy loss.

    `X` is (N, features) and `y` (N,) holds class indices; model and data are already on
    the same device (CPU or GPU), and training happens there. Each epoch shuffles the
    samples with a generator seeded from `seed` (the same seed gives the same run) and
    visits every sample exactly once, in mini-batches of `batch_size` (the last one may be
    smaller). Per batch: forward, cross-entropy loss (`F.cross_entropy` or your own),
    zero the gradients, backward, then a plain SGD step, p -= lr * p.grad for every
    parameter, which is what `torch.optim.SGD(model.parameters(), lr=lr)` does.
    Returns one Python float per epoch: the mean of that epoch's batch losses.
    Lesson 4, "The training loop".
    """
    raise NotImplementedError(
        'train: yours to write; read “The training loop” (docs/lessons/lesson4.py)'
    )
