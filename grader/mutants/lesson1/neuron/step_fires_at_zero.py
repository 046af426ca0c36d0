"""step fires at z == 0 (>= instead of >)."""


def step(z):
    return 1.0 if z >= 0 else 0.0
