"""softmax that calls torch.softmax instead of building it."""

import torch


def softmax(x, dim=-1):
    return torch.softmax(x, dim=dim)
