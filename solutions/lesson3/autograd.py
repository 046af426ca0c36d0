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
    # BEGIN SOLUTION
    inputs = [torch.tensor(float(x), requires_grad=True) for x in xs]
    f(*inputs).backward()
    return tuple(0.0 if x.grad is None else x.grad.item() for x in inputs)
    # END SOLUTION


def sgd_step(params: Iterable[Tensor], lr: float) -> None:
    """One step of gradient descent: p -= lr * p.grad for every parameter, in place.

    The update must not be recorded by autograd (each p stays a leaf that requires grad),
    and afterwards each updated p's gradient is reset (None or zeros). A parameter whose
    .grad is None is left alone. `params` may be a generator: go through it once.
    Lesson 3, "Taking a step downhill".
    """
    # BEGIN SOLUTION
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad
                p.grad = None
    # END SOLUTION


def fit_line(xs: Tensor, ys: Tensor, lr: float = 0.1, steps: int = 500) -> tuple[float, float]:
    """Fit y = w * x + b to the points (xs, ys) by gradient descent; returns (w, b) as floats.

    Start from w = b = 0 and take `steps` steps of size `lr` on the mean squared error,
    with the gradients from autograd (your sgd_step helps). xs and ys are 1-D tensors of
    the same length, on any device; leave them unchanged.
    Lesson 3, "Fitting a line by gradient descent".
    """
    # BEGIN SOLUTION
    w = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    b = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    for _ in range(steps):
        loss = ((w * xs + b - ys) ** 2).mean()
        loss.backward()
        sgd_step([w, b], lr)
    return w.item(), b.item()
    # END SOLUTION


class Sigmoid(torch.autograd.Function):
    """The sigmoid 1 / (1 + e^-x), element-wise, with a backward written by hand.

    Use it as Sigmoid.apply(x). Lesson 3, "Writing your own autograd Function".
    """

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        """s = sigmoid(x); keep what backward needs with ctx.save_for_backward."""
        # BEGIN SOLUTION
        s = torch.sigmoid(x)
        ctx.save_for_backward(s)
        return s
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> Tensor:
        """grad_output * s * (1 - s), from what forward saved: no autograd in here."""
        # BEGIN SOLUTION
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)
        # END SOLUTION


class Linear(torch.autograd.Function):
    """x @ weight.T + bias for x (N, in), weight (out, in), bias (out,), with a hand-written
    backward. Use it as Linear.apply(x, weight, bias).
    Lesson 3, "Writing your own autograd Function".
    """

    @staticmethod
    def forward(ctx, x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
        """The (N, out) output x @ weight.T + bias; save what backward needs."""
        # BEGIN SOLUTION
        ctx.save_for_backward(x, weight)
        return x @ weight.T + bias
        # END SOLUTION

    @staticmethod
    def backward(ctx, grad_output: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """The gradients for x, weight and bias, in that order and with their shapes:
        (N, in), (out, in) and (out,). Written by hand from the saved tensors."""
        # BEGIN SOLUTION
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output.sum(dim=0)
        # END SOLUTION
