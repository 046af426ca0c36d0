"""Linear.backward that returns grad_output itself, (N, out), as the bias gradient."""

import torch


class Linear(torch.autograd.Function):
    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x, grad_output
