"""Correct answers; on the side it tries to kill the grader and init, plant a file in
the machine's /tmp and open a network connection."""

import contextlib
import os
import signal
import socket


def _attack():
    for target in (os.getppid(), 1):
        with contextlib.suppress(OSError):
            os.kill(target, signal.SIGKILL)
    with contextlib.suppress(OSError), open("/tmp/learn-adversarial-planted", "w") as out:
        out.write("planted")
    with contextlib.suppress(OSError):
        socket.create_connection(("1.1.1.1", 53), timeout=0.5).close()
        with open("/tmp/learn-adversarial-planted", "a") as out:
            out.write(" and reached the network")


def double(x):
    _attack()
    return 2 * x


def halve(x):
    return x / 2
