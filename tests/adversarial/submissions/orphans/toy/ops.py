"""Correct, but leaves processes behind: one in its own session, one double-forked, and
a chain of processes each in a session of its own with an empty environment, each
forking the next and exiting (no marker to find them by, none a child of a live one)."""

import os
import shutil
import subprocess

SLEEP = shutil.which("sleep")


def _escape():
    subprocess.Popen(["sleep", "313.131"], start_new_session=True)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(SLEEP, ["sleep", "314.141"])
        os._exit(0)
    if os.fork() == 0:
        os.setsid()
        for _ in range(8):
            if os.fork():
                os._exit(0)
        os.execve(SLEEP, ["sleep", "315.151"], {})


def double(x):
    _escape()
    return 2 * x


def halve(x):
    return x / 2
