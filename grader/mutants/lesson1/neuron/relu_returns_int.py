"""relu that returns the integer 0 for negative input instead of a float."""


def relu(z):
    return z if z > 0 else 0
