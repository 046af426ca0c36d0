"""The learner's last result per lesson, kept in `.learn/progress.json` (git ignores it).

A missing or damaged file is never an error: progress is a convenience, the tests
are the truth, and the next check writes a fresh file.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from grader.results import LessonResult

FOLDER = ".learn"


def _path(root: Path) -> Path:
    return root / FOLDER / "progress.json"


def load(root: Path) -> dict:
    try:
        data = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"lessons": {}}
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
        return {"lessons": {}}
    return data


def save(root: Path, data: dict) -> None:
    """Write atomically: a crash mid-write leaves the old file, never half of a new one."""
    path = _path(root)
    try:
        path.parent.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as tmp:
            json.dump(data, tmp, indent=2)
        os.replace(tmp.name, path)
    except OSError:
        pass  # a read-only course folder still gets graded


def record(root: Path, result: LessonResult) -> None:
    if result.error:
        return
    data = load(root)
    data["lessons"][result.lesson] = {
        "score": result.score,
        "max_score": result.max_score,
        "status": result.status.value,
        "passed": result.passed,
        "target": result.target,
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    save(root, data)


def last(root: Path, lesson_id: str) -> dict | None:
    entry = load(root)["lessons"].get(lesson_id)
    return entry if isinstance(entry, dict) else None
