"""The second test ends the process; what came before must be kept, the rest rerun."""

import os


def double(x):
    if x == -3:
        os._exit(0)
    return 2 * x


def halve(x):
    return x / 2
