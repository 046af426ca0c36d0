"""batches makes a new random.Random(0) instead of using rng: every epoch is the same shuffle."""

import random


def batches(n, batch_size, rng):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = list(range(n))
    random.Random(0).shuffle(order)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
