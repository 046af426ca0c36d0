"""to_grayscale whose (3,) weights are not reshaped, so they line up with the width axis."""

import torch


def to_grayscale(images):
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError("expected (N, 3, H, W)")
    weights = torch.tensor([0.299, 0.587, 0.114], dtype=images.dtype, device=images.device)
    return (images * weights).sum(dim=1, keepdim=True)
