"""to_grayscale with the weights in blue, green, red order (as OpenCV stores pixels)."""

import torch


def to_grayscale(images):
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError("expected (N, 3, H, W)")
    weights = torch.tensor([0.114, 0.587, 0.299], dtype=images.dtype, device=images.device)
    return (images * weights.view(1, 3, 1, 1)).sum(dim=1, keepdim=True)
