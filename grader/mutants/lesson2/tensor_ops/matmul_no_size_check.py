"""matmul without the size check: a k of 1 broadcasts silently against any k."""


def matmul(a, b):
    return (a.unsqueeze(-1) * b.unsqueeze(-3)).sum(dim=-2)
