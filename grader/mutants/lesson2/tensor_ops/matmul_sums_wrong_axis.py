"""matmul that sums over the last axis of the product instead of the shared k axis."""


def matmul(a, b):
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("k differs")
    return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(dim=-1)
