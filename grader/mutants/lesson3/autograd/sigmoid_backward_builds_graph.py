"""Sigmoid.backward that recomputes s under torch.enable_grad(), leaving a graph behind."""

import torch


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            s = torch.sigmoid(x)
            return grad_output * s * (1 - s)
