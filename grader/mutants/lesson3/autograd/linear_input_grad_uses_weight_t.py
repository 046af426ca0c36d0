"""Linear.backward whose input gradient multiplies by weight.T instead of weight."""

import torch


class Linear(torch.autograd.Function):
    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight.T, grad_output.T @ x, grad_output.sum(dim=0)
