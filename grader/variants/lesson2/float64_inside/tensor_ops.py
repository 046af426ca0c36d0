"""Float64 inside, the input's dtype outside: every tensor op computes in float64 and
casts its answer back, which the contract allows (it asks for the dtype and device kept,
on the CPU and CUDA, both of which have float64). Half-precision answers are then
rounded once instead of at every step.

Also: broadcast_shape pads with lists and indexes from the left, matmul reduces with
torch.sum over an explicit axis, softmax shifts by max(...).values, normalize takes the
square root of a sum of squares itself, and the grey weights are a (3, 1, 1) tensor that
broadcasts against each image.
"""

import torch


def broadcast_shape(a, b):
    a, b = list(a), list(b)
    width = max(len(a), len(b))
    a_full = [1] * (width - len(a)) + a
    b_full = [1] * (width - len(b)) + b
    out = []
    for i in range(width):
        if a_full[i] == b_full[i] or b_full[i] == 1:
            out.append(a_full[i])
        elif a_full[i] == 1:
            out.append(b_full[i])
        else:
            raise ValueError(f"cannot broadcast shape {a} with shape {b}")
    return tuple(out)


def matmul(a, b):
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"shapes {tuple(a.shape)} and {tuple(b.shape)}: k differs")
    wide = a.double().unsqueeze(-1) * b.double().unsqueeze(-3)
    return torch.sum(wide, dim=wide.dim() - 2).to(a.dtype)


def softmax(x, dim=-1):
    wide = x.double()
    e = torch.exp(wide - wide.max(dim=dim, keepdim=True).values)
    return (e / e.sum(dim=dim, keepdim=True)).to(x.dtype)


def normalize(x, dim=-1, eps=1e-12):
    wide = x.double()
    length = (wide * wide).sum(dim=dim, keepdim=True).sqrt()
    return (wide / torch.where(length > eps, length, eps)).to(x.dtype)


def to_grayscale(images):
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"to_grayscale needs (N, 3, H, W), got {list(images.shape)}")
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=torch.float64, device=images.device)
    grey = (images.double() * weights[:, None, None]).sum(dim=1, keepdim=True)
    return grey.to(images.dtype)
