"""gradients that assumes every input was used: an unused one has .grad None and .item() fails."""

import torch


def gradients(f, *xs):
    inputs = [torch.tensor(float(x), requires_grad=True) for x in xs]
    f(*inputs).backward()
    return tuple(x.grad.item() for x in inputs)
