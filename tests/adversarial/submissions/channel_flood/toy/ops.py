"""Correct answers, but it pours megabytes without a newline into the grader's channel."""

import sys

_fd = int(sys.argv[sys.argv.index("--learn-report-fd") + 1])


def double(x):
    import os

    os.write(_fd, b"x" * (2 << 20))
    return 2 * x


def halve(x):
    return x / 2
