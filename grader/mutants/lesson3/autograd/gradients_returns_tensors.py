"""gradients that returns the .grad tensors themselves instead of Python floats."""

import torch


def gradients(f, *xs):
    inputs = [torch.tensor(float(x), requires_grad=True) for x in xs]
    f(*inputs).backward()
    return tuple(x.grad for x in inputs)
