"""sigmoid made "stable" by clipping z to [-10, 10], which bends the curve."""

import math


def sigmoid(z):
    z = max(-10.0, min(10.0, z))
    return 1.0 / (1.0 + math.exp(-z))
