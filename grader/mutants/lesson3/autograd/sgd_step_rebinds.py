"""sgd_step that rebinds the loop variable (p = p - ...) instead of updating the tensor."""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p = p - lr * p.grad
                p.grad = None
