"""What the clients of a warm worker and the worker say to each other: one JSON object
per line.

A client sends a `Request`: which run (its id), the course, lesson and folder, and the
run's options as they are. The worker answers with events, each naming the run's id:
"record" (one of the runner's records, as it streams), then "result", "error" or
"cancelled". A worker announces itself first ("ready" on a pipe, "hello" with its pid
on a socket); "gone" is never sent, a client makes it when its worker dies.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from grader.results import LessonResult
from grader.runner import RunOptions, parallel_shares

READY = {"event": "ready"}
ENDS = ("result", "error", "cancelled", "gone")  # the events that end a run


@dataclass
class Request:
    id: int
    root: str
    lesson: str
    target: str
    timeout: float = 10.0
    clock: str = "wall"
    pytest_args: list[str] = field(default_factory=list)
    first: str | None = None  # the exercise whose tests run first
    env: dict[str, str] = field(default_factory=dict)  # the client's, for the run's children

    @classmethod
    def for_run(
        cls, ident: int, root: Path, lesson: str, target: Path, options: RunOptions, first=None
    ) -> Request:
        """The request for a run with `options` (all of them that can travel: not the
        callbacks, which stay with the client)."""
        return cls(
            id=ident, root=str(root), lesson=lesson, target=str(target),
            timeout=options.timeout, clock=options.clock,
            pytest_args=list(options.pytest_args), first=first,
            env=dict(options.env if options.env is not None else os.environ),
        )  # fmt: skip

    def run_options(self, on_record: Callable[[dict], None], spawn: Callable) -> RunOptions:
        """The run's options again, on the worker's side, with its own callbacks."""
        return RunOptions(
            timeout=self.timeout, clock=self.clock, pytest_args=tuple(self.pytest_args),
            env=dict(self.env), on_record=on_record, spawn=spawn, shares=parallel_shares(),
        )  # fmt: skip

    def to_line(self) -> str:
        return line(asdict(self))

    @classmethod
    def from_line(cls, text: str) -> Request:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def line(event: dict) -> str:
    return json.dumps(event) + "\n"


def record(ident: int | None, data: dict) -> dict:
    return {"id": ident, "event": "record", "record": data}


def result(ident: int | None, found: LessonResult) -> dict:
    return {"id": ident, "event": "result", "result": found.to_dict()}


def error(ident: int | None, message: str) -> dict:
    return {"id": ident, "event": "error", "message": message}


def cancelled(ident: int | None) -> dict:
    return {"id": ident, "event": "cancelled"}


def read_events(
    lines: Iterable[str], put: Callable[[dict], Any], on_ready: Callable[[], None]
) -> None:
    """Pass on the events a worker sends (a result as a LessonResult) until it stops."""
    for text in lines:
        try:
            event = json.loads(text)
        except ValueError:
            continue
        if event.get("event") == "ready":
            on_ready()
            continue
        if event.get("event") == "result":
            event["result"] = LessonResult.from_dict(event["result"])
        put(event)
