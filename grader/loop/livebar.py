"""A progress bar for runs that take more than a moment, and only for those.

A check of lesson 1 is over before a bar would be readable, so the bar appears only
once a run has lasted `delay` seconds (0.5 by default), follows the records the test
process streams (one per test), and disappears when the run ends. It is drawn on
stderr, and only when stderr is a terminal: the table and JSON on stdout stay clean.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class LiveBar:
    def __init__(self, console: Any = None, delay: float = 0.5, enabled: bool | None = None):
        self._console = console
        self._delay = delay
        self._enabled = enabled
        self._lock = threading.Lock()
        self._tasks: dict[str, list] = {}  # label -> [done, total, task id]
        self._progress: Any = None
        self._timer: threading.Timer | None = None
        self._closed = False

    def __enter__(self) -> LiveBar:
        if self._enabled is None:
            import sys

            self._enabled = sys.stderr.isatty()
        if self._enabled:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._progress is not None:
                self._progress.stop()

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with self._lock:
            if self._closed:
                return
            console = self._console or Console(stderr=True)
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("tests"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            for label, state in self._tasks.items():
                state[2] = self._progress.add_task(
                    label, total=state[1] or None, completed=state[0]
                )
            self._progress.start()

    def follow(self, label: str) -> Callable[[dict], None]:
        """An `on_record` callback for the runner, counting one run's tests under `label`."""
        with self._lock:
            state = self._tasks.setdefault(label, [0, 0, None])
            if self._progress is not None and state[2] is None:
                state[2] = self._progress.add_task(label, total=None)

        def on_record(record: dict) -> None:
            event = record.get("event")
            with self._lock:
                if event == "collected" and not state[1]:
                    state[1] = len(record.get("tests", ()))
                elif event == "result":
                    state[0] += 1
                else:
                    return
                if self._progress is not None and state[2] is not None:
                    self._progress.update(state[2], completed=state[0], total=state[1] or None)

        return on_record
