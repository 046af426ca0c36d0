"""fit_line on the summed squared error instead of the mean: the steps are N times too big."""

import torch


def fit_line(xs, ys, lr=0.1, steps=500):
    w = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    b = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    for _ in range(steps):
        loss = ((w * xs + b - ys) ** 2).sum()
        loss.backward()
        sgd_step([w, b], lr)
    return w.item(), b.item()
