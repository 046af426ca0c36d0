"""batches shuffles with the global random module instead of the rng it is given."""

import random


def batches(n, batch_size, rng):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = list(range(n))
    random.shuffle(order)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
