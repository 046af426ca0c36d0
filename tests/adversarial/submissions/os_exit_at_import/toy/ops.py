"""The process ends as soon as the module is imported."""

import os

os._exit(0)


def double(x):
    return 2 * x


def halve(x):
    return x / 2
