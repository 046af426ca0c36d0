"""Sigmoid.backward that returns s * (1 - s) without multiplying by grad_output (no chain rule)."""

import torch


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return s * (1 - s)
