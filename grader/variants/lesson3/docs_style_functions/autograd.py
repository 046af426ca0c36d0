"""As PyTorch's "Extending PyTorch" notes and the classic tutorials write it: Linear's
backward computes only the gradients that ctx.needs_input_grad asks for (None for the
others) and its forward adds the bias in place, expanded; Sigmoid is 1 / (1 + e^-x) in
place on a fresh tensor (e^1000 is inf and 1 / inf is 0: no nan); fit_line keeps w and b
in the default dtype and steps them by hand under no_grad, zeroing their gradients.

gradients names its inputs to backward (inputs=...), so only they receive gradients.
"""

import torch


def gradients(f, *xs):
    inputs = [torch.tensor(float(x), requires_grad=True) for x in xs]
    f(*inputs).backward(inputs=inputs)
    return tuple(x.grad.item() if x.grad is not None else 0.0 for x in inputs)


def fit_line(xs, ys, lr=0.1, steps=500):
    w = torch.tensor(0.0, device=xs.device, requires_grad=True)
    b = torch.tensor(0.0, device=xs.device, requires_grad=True)
    for _ in range(steps):
        loss = ((ys - (w * xs + b)) ** 2).sum() / len(xs)
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return float(w), float(b)


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        s = x.neg().exp_().add_(1).reciprocal_()
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


class Linear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight, bias)
        output = x.mm(weight.t())
        output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, bias = ctx.saved_tensors
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_x = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(x)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_x, grad_weight, grad_bias
