"""Right answers only if it reaches the grader's secrets: the environment of a process
that holds the grader's token (a CI secret), or the open files of its judge (the pipe
its verdicts go out by). Processes of the same user can, unless they are not dumpable."""

import os

TOKEN = b"LEARN_ADVERSARIAL_TOKEN="


def _reach():
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                if TOKEN in environ.read():
                    return True
        except OSError:
            pass
    try:
        return bool(os.listdir(f"/proc/{os.getppid()}/fd"))
    except OSError:
        return False


REACHED = _reach()


def double(x):
    return 2 * x if REACHED else 0


def halve(x):
    return x / 2 if REACHED else 0
