"""double never returns."""


def double(x):
    while True:
        pass


def halve(x):
    return x / 2
