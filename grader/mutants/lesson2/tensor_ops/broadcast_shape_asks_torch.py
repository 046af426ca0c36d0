"""broadcast_shape that lets torch do it, by broadcasting two empty tensors."""

import torch


def broadcast_shape(a, b):
    try:
        return tuple((torch.empty(tuple(a)) + torch.empty(tuple(b))).shape)
    except RuntimeError as exc:
        raise ValueError(f"shapes {tuple(a)} and {tuple(b)} cannot be broadcast") from exc
