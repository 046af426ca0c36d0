"""fit_line that ignores the lr it is given and always steps by 0.1."""

import torch


def fit_line(xs, ys, lr=0.1, steps=500):
    w = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    b = torch.zeros((), dtype=xs.dtype, device=xs.device, requires_grad=True)
    for _ in range(steps):
        loss = ((w * xs + b - ys) ** 2).mean()
        loss.backward()
        sgd_step([w, b], 0.1)
    return w.item(), b.item()
