"""The library's own pieces: gradients from torch.autograd.grad with allow_unused (None
for an input f ignores), sgd_step through torch.optim.SGD and its zero_grad, fit_line on
F.mse_loss with that optimiser, a Sigmoid that saves x and recomputes s in backward, and
a Linear built on addmm and mm.

SGD skips a parameter without a gradient and sets the others' to None; saving the input
instead of the output is as valid as the reverse, so long as backward uses s.
"""

import torch
import torch.nn.functional as F


def gradients(f, *xs):
    inputs = tuple(torch.tensor(float(x), requires_grad=True) for x in xs)
    grads = torch.autograd.grad(f(*inputs), inputs, allow_unused=True)
    return tuple(0.0 if g is None else float(g) for g in grads)


def sgd_step(params, lr):
    optimizer = torch.optim.SGD(list(params), lr=lr)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def fit_line(xs, ys, lr=0.1, steps=500):
    w = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    b = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        F.mse_loss(w * xs + b, ys).backward()
        optimizer.step()
    return w.item(), b.item()


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad_output * s * (1 - s)


class Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        return torch.addmm(bias, x, weight.t())

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output.mm(weight), grad_output.t().mm(x), grad_output.sum(0)
