"""double sleeps (a leftover time.sleep): it uses no CPU, so only the wall-time backstop
ends it; halve, which never calls it, must keep its points."""

import time


def double(x):
    time.sleep(600)
    return 2 * x


def halve(x):
    return x / 2
