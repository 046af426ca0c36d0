"""Small, deterministic data sets that the lesson pages and the tests share.

Generated, never downloaded: the same seed gives the same points on every machine.
"""

from __future__ import annotations

import math
import random


def two_moons(
    n: int = 100, noise: float = 0.1, seed: int = 0
) -> tuple[list[list[float]], list[int]]:
    """`n` points on two interleaving half circles, labelled 0 (upper) and 1 (lower).

    The upper moon is centred at (0, 0), the lower at (1, 0.5); Gaussian noise of
    standard deviation `noise` is added to each coordinate. Classes alternate, so any
    prefix of the data is balanced.
    """
    if n < 2:
        raise ValueError(f"two moons need at least 2 points, got {n}")
    rng = random.Random(seed)
    points: list[list[float]] = []
    labels: list[int] = []
    for i in range(n):
        label = i % 2
        angle = rng.uniform(0.0, math.pi)
        if label == 0:
            x, y = math.cos(angle), math.sin(angle)
        else:
            x, y = 1.0 - math.cos(angle), 0.5 - math.sin(angle)
        points.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
        labels.append(label)
    return points, labels
