"""double ignores every timer signal and sleeps: the grader itself must kill it."""

import signal
import time


def double(x):
    for timer in (signal.SIGALRM, signal.SIGPROF, signal.SIGVTALRM):
        signal.signal(timer, signal.SIG_IGN)
    time.sleep(600)


def halve(x):
    return x / 2
