"""Float64 inside, the contract's types outside: gradients differentiates float64 leaves
with torch.autograd.backward, fit_line fits one float64 parameter vector theta = (w, b)
and returns its entries as floats, Sigmoid computes s in float64 through
tanh, sigmoid(x) = (1 + tanh(x / 2)) / 2, and casts it back, and Linear is
broadcasting and sums, in both directions.

sgd_step is the older tutorials' way: p.data updated in place and p.grad zeroed (not
set to None), which the contract allows. Float64 is on the CPU and CUDA, where the
contract asks these to work.
"""

import torch


def gradients(f, *xs):
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    torch.autograd.backward(f(*leaves))
    return tuple(float(x.grad) if x.grad is not None else 0.0 for x in leaves)


def sgd_step(params, lr):
    for p in params:
        if p.grad is None:
            continue
        p.data -= lr * p.grad
        p.grad.zero_()


def fit_line(xs, ys, lr=0.1, steps=500):
    x, y = xs.double(), ys.double()
    theta = torch.zeros(2, dtype=torch.float64, device=xs.device, requires_grad=True)
    for _ in range(steps):
        residual = theta[0] * x + theta[1] - y
        (residual * residual).mean().backward()
        sgd_step([theta], lr)
    w, b = theta.tolist()
    return w, b


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        s = (0.5 + 0.5 * torch.tanh(0.5 * x.double())).to(x.dtype)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * (s - s * s)


class Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        # (N, 1, in) * (1, out, in), summed over in
        return (x[:, None, :] * weight[None, :, :]).sum(dim=2) + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        grad_x = (grad_output[:, :, None] * weight[None, :, :]).sum(dim=1)  # (N, in)
        grad_weight = (grad_output[:, :, None] * x[:, None, :]).sum(dim=0)  # (out, in)
        return grad_x, grad_weight, grad_output.sum(dim=0)
