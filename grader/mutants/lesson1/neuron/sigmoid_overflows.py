"""sigmoid written straight from the formula: math.exp(1000) overflows for z = -1000."""

import math


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))
