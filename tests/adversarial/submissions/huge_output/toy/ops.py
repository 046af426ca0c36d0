"""double prints far more than any limit allows."""

import sys


def double(x):
    line = "spam " * 20000 + "\n"
    while True:
        sys.stdout.write(line)
        sys.stderr.write(line)


def halve(x):
    return x / 2
