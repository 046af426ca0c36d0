"""Lesson 2 exercises: tensor operations built from broadcasting, products and sums.

Every function takes and returns torch tensors and keeps the input's dtype and device:
the tests run them on the CPU and, when there is one, on a GPU.
Read the lesson page alongside: docs/lessons/lesson2.py (on the site: Lesson 2).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor


def broadcast_shape(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    """The shape that broadcasting two tensors of shapes `a` and `b` produces.

    Work it out by the rules, without calling torch: line the shapes up from the right,
    pad the shorter one with 1s on the left; two sizes match when they are equal or one
    of them is 1, and a 1 stretches to the other size (so 1 and 0 give 0).
    broadcast_shape((8, 1, 3), (4, 1)) == (8, 4, 3); broadcast_shape((), (2,)) == (2,).

    Raises ValueError when the shapes cannot be broadcast, with a message that names
    both shapes as tuples, e.g. "shapes (2, 3) and (4,) cannot be broadcast".
    Lesson 2, "Broadcasting".
    """
    # BEGIN SOLUTION
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    padded_a, padded_b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    result = []
    for x, y in zip(padded_a, padded_b, strict=True):
        if x != y and 1 not in (x, y):
            raise ValueError(f"shapes {a} and {b} cannot be broadcast: {x} against {y}")
        result.append(y if x == 1 else x)
    return tuple(result)
    # END SOLUTION


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """The matrix product of a (..., n, k) and b (..., k, m): shape (..., n, m).

    The batch dimensions (the ...) broadcast against each other as in torch.matmul.
    Build it only from broadcasting, element-wise multiplication and `sum`: no `@`,
    torch.matmul, mm, bmm, einsum, tensordot, linear or any other built-in matrix
    product such as mv, dot or addmm (the tests check).
    Raises ValueError when a's last size (k) differs from b's second-to-last.
    Lesson 2, "Matrix multiplication".
    """
    # BEGIN SOLUTION
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"cannot multiply {tuple(a.shape)} by {tuple(b.shape)}: k differs")
    return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(dim=-2)
    # END SOLUTION


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`: every slice along `dim` becomes positive, sums to 1.

    Numerically stable: softmax([1000., 1000.]) is [0.5, 0.5] and softmax([-1000., -1000.])
    too, never nan or inf. Same shape, dtype and device as x. Without torch.softmax,
    F.softmax, Tensor.softmax or their log_softmax cousins (the tests check).
    Lesson 2, "exp, log and a stable softmax".
    """
    # BEGIN SOLUTION
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)
    # END SOLUTION


def normalize(x: Tensor, dim: int = -1, eps: float = 1e-12) -> Tensor:
    """Scale every slice of x along `dim` to length 1 (L2 norm), as F.normalize does.

    Each slice is divided by max(its L2 norm, eps), so a zero vector comes back as zeros
    (not nan) and a vector shorter than eps is divided by eps.
    Lesson 2, "Norms".
    """
    # BEGIN SOLUTION
    return x / torch.linalg.vector_norm(x, dim=dim, keepdim=True).clamp_min(eps)
    # END SOLUTION


def to_grayscale(images: Tensor) -> Tensor:
    """A batch of floating-point RGB images (N, 3, H, W) to grey (N, 1, H, W), by broadcasting.

    Each grey pixel is 0.299 * red + 0.587 * green + 0.114 * blue (channel 0 is red).
    Raises ValueError when images is not 4-D with 3 channels.
    Lesson 2, "What the axes mean".
    """
    # BEGIN SOLUTION
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"expected images of shape (N, 3, H, W), got {tuple(images.shape)}")
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=images.dtype, device=images.device)
    return (images * weights.view(1, 3, 1, 1)).sum(dim=1, keepdim=True)
    # END SOLUTION
