"""matmul that only handles a batch of a times one plain matrix b."""


def matmul(a, b):
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("k differs")
    rows = a.unsqueeze(-1)
    return (rows * b.reshape(1, *b.shape[-2:])).sum(dim=-2)
