"""Linear.backward that forgets the bias and returns only two gradients."""

import torch


class Linear(torch.autograd.Function):
    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.T @ x
