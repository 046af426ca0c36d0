"""Wrong answers, and a conftest.py beside them that turns every failure into a pass."""


def double(x):
    return 0


def halve(x):
    return 0
