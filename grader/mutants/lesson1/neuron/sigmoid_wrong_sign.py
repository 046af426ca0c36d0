"""sigmoid with the sign of the exponent flipped: 1 / (1 + e^z)."""

import math


def sigmoid(z):
    if z <= 0:
        return 1.0 / (1.0 + math.exp(z))
    e = math.exp(-z)
    return e / (1.0 + e)
