"""sgd_step that assumes every parameter has a gradient: None * lr raises TypeError."""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
