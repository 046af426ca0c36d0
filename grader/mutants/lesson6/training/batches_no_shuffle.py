"""batches never shuffles: every epoch walks the samples in the same order."""


def batches(n, batch_size, rng):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = list(range(n))
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
