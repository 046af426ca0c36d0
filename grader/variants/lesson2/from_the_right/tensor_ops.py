"""Each op by another route: shapes paired from the right with zip_longest, the product
summed over the last axis of a transposed b, softmax as exp(x - logsumexp(x)), the norm
from torch.linalg.vector_norm, and grey images by einsum.

logsumexp rounds once more than a shift by the maximum, so the tests must compare
softmax with a tolerance that follows the inputs' magnitude; einsum (allowed outside
matmul) sums the channels in its own order. The error message is numpy's wording.
"""

from itertools import zip_longest

import torch


def broadcast_shape(a, b):
    result = []
    for x, y in zip_longest(reversed(tuple(a)), reversed(tuple(b)), fillvalue=1):
        if x == 1:
            result.append(y)
        elif y in (1, x):
            result.append(x)
        else:
            raise ValueError(
                f"operands could not be broadcast together with shapes {tuple(a)} {tuple(b)}"
            )
    return tuple(reversed(result))


def matmul(a, b):
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"inner sizes differ: {a.shape[-1]} and {b.shape[-2]}")
    # (..., n, 1, k) * (..., 1, m, k): row i of a against column j of b, along the last axis
    return (a[..., :, None, :] * b.transpose(-1, -2)[..., None, :, :]).sum(dim=-1)


def softmax(x, dim=-1):
    return torch.exp(x - torch.logsumexp(x, dim=dim, keepdim=True))


def normalize(x, dim=-1, eps=1e-12):
    norm = torch.linalg.vector_norm(x, ord=2, dim=dim, keepdim=True)
    return x / torch.clamp(norm, min=eps)


def to_grayscale(images):
    if images.ndim != 4 or images.size(1) != 3:
        raise ValueError(f"need a batch of RGB images (N, 3, H, W), not {tuple(images.shape)}")
    weights = images.new_tensor([0.299, 0.587, 0.114])
    return torch.einsum("nchw,c->nhw", images, weights).unsqueeze(1)
