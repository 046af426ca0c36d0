"""sgd_step that forgets to reset the gradients, so the next backward adds to them."""

import torch


def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad
