"""matmul that hands the work to the @ operator instead of building it."""


def matmul(a, b):
    if a.shape[-1] != b.shape[-2]:
        raise ValueError("k differs")
    return a @ b
