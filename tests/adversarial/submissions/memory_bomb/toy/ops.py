"""double asks for far too much memory: all at once, or by doubling a buffer."""


def double(x):
    if x == 2:
        return [0] * (1 << 34)  # 128 GB of list in one go
    blob = b"x" * 1024
    while True:  # creeping up, touching every page on the way
        blob = blob * 2


def halve(x):
    return x / 2
