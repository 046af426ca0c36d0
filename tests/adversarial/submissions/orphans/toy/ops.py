"""Correct, but leaves processes behind: one in its own session, one double-forked."""

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


def double(x):
    _escape()
    return 2 * x


def halve(x):
    return x / 2
