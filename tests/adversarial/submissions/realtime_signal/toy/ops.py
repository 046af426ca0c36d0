"""double kills its own process with a real-time signal, which has no name."""

import os
import signal


def double(x):
    os.kill(os.getpid(), signal.SIGRTMIN + 5)
    return 2 * x


def halve(x):
    return x / 2
