"""Command-line options that several commands share, checked where they are read: a
bad value is a usage error (exit 2) with its reason, never a traceback deep in a run."""

from __future__ import annotations

import math

import click

MAX_SECONDS = 86400.0  # a day: more is a typo, and the OS timers refuse far larger


class Seconds(click.ParamType):
    """A time limit: a number of seconds above 0, at most a day."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not (math.isfinite(number) and 0 < number <= MAX_SECONDS):
            self.fail(f"{value} is not a time limit: seconds above 0, a day at most", param, ctx)
        return number


SECONDS = Seconds()
POSITIVE = click.IntRange(min=1)
timeout_option = click.option(
    "--timeout", type=SECONDS, default=10.0, show_default=True, help="Seconds per test."
)
