"""Lesson 3 exercises: gradients from autograd, a step of gradient descent, fitting a line,
and two differentiable operations whose backward you write yourself.

Read the lesson page alongside: docs/lessons/lesson3.py (on the site: Lesson 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import Tensor


def gradients(f: Callable[..., Tensor], *xs: float) -> tuple[float, ...]:
    """The partial derivatives of f at the point xs, found by autograd.

    Call f once, on one 0-d tensor per number in xs (each with requires_grad=True), then
    let autograd do the rest. Returns one Python float per input, in order; an input that
    f does not use (or detaches) has derivative 0.0.
    gradients(lambda x, y: x * x * y, 2.0, 3.0) == (12.0, 4.0).
    Lesson 3, "Asking PyTorch for a gradient".
    """
    raise NotImplementedError(
        'gradients: yours to write; read “Asking PyTorch for a gradient” (docs/lessons/lesson3.py)'
    )


def sgd_step(params: Iterable[Tensor], lr: float) -> None:
    """One step of gradient descent: p -= lr * p.grad for every parameter, in place.

    The update must not be recorded by autograd (each p stays a leaf that requires grad),
    and afterwards each updated p's gradient is reset (None or zeros). A parameter whose
    .grad is None is left alone. `params` may be a generator: go through it once.
    Lesson 3, "Taking a step downhill".
    """
    raise NotImplementedError(
        'sgd_step: yours to write; read “Taking a step downhill” (docs/lessons/lesson3.py)'
    )


def fit_line(xs: Tensor, ys: Tensor, lr: float = 0.1, steps: int = 500) -> tuple[float, float]:
    """Fit y = w * x + b to the points (xs, ys) by gradient descent; returns (w, b) as floats.

    Start from w = b = 0 and take `steps` steps of size `lr` on the mean squared error,
    with the gradients from autograd (your sgd_step helps). xs and ys are 1-D tensors of
    the same length, on any device; leave them unchanged.
    Lesson 3, "Fitting a line by gradient descent".
    """
    raise NotImplementedError(
        'fit_line: yours to write; read “Fitting a line by gradient descent” (docs/lessons/lesson3.py)'
    )


class Sigmoid(torch.autograd.Function):
    """The sigmoid 1 / (1 + e^-x), element-wise, with a backward written by hand.

    Use it as Sigmoid.apply(x). Lesson 3, "Writing your own autograd Function".
    """

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        """s = sigmoid(x); keep what backward needs with ctx.save_for_backward."""
        raise NotImplementedError(
            'Sigmoid.forward: yours to write; read “Writing your own autograd Function” (docs/lessons/lesson3.py)'
        )

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        """grad_output * s * (1 - s), from what forward saved: no autograd in here."""
        raise NotImplementedError(
            'Sigmoid.backward: yours to write; read “Writing your own autograd Function” (docs/lessons/lesson3.py)'
        )


class Linear(torch.autograd.Function):
    """x @ weight.T + bias for x (N, in), weight (out, in), bias (out,), with a hand-written
    backward. Use it as Linear.apply(x, weight, bias).
    Lesson 3, "Writing your own autograd Function".
    """

    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
        """The (N, out) output x @ weight.T + bias; save what backward needs."""
        raise NotImplementedError(
            'Linear.forward: yours to write; read “Writing your own autograd Function” (docs/lessons/lesson3.py)'
        )

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """The gradients for x, weight and bias, in that order and with their shapes:
        (N, in), (out, in) and (out,). Written by hand from the saved tensors."""
        raise NotImplementedError(
            'Linear.backward: yours to write; read “Writing your own autograd Function” (docs/lessons/lesson3.py)'
        )
