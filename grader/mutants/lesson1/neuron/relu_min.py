"""relu with min instead of max: keeps the negatives and zeroes the positives."""


def relu(z):
    return min(0.0, z)
