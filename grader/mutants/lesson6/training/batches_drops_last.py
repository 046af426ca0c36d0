"""batches drops the last, smaller batch: some samples are never seen in an epoch."""


def batches(n, batch_size, rng):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = list(range(n))
    rng.shuffle(order)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start : start + batch_size]
