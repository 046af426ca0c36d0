"""Files that look alike across a class: a hint for a person to read, never a verdict.

Two students' `neuron.py` can match because one copied the other, because both followed
the lesson closely, or because there is only one short way to write `relu`. So
nothing here changes a score: it lists pairs for the instructor to look at.

The comparison is copydetect's (winnowed fingerprints of the token stream, with names
normalised, so that renaming variables or reformatting does not hide a copy), with the
course's own stub of each file as boilerplate: what every student was handed matches
nobody. It reads exactly the files grading staged (the same plan and budgets).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from grader.course import Course, Lesson
from grader.examiner.staging import plan, read_chunks

NOISE = 25  # tokens: shorter matches are never reported (copydetect's default)
WINDOW = 6  # winnowing window: a match of NOISE + WINDOW - 1 tokens is always found
THRESHOLD = 0.9  # share of each file's tokens found in the other
MAX_PAIRS = 200
INSTALL = "pip install 'learn-pytorch-course[grade]' (copydetect)"


@dataclass
class Pair:
    file: str  # e.g. lesson1/neuron.py
    first: str  # submission names
    second: str
    similarity: float  # the smaller of the two shares
    identical: bool  # byte for byte


def available() -> bool:
    try:
        import copydetect  # noqa: F401
    except ImportError:
        return False
    return True


def similar_files(course: Course, subs: list, lessons: list[Lesson]) -> list[Pair]:
    """Pairs of submissions whose same exercise file is at least THRESHOLD alike."""
    from copydetect import CodeFingerprint

    stubs: dict[str, list] = {}
    files: dict[str, list[tuple[str, bytes, object]]] = {}
    for sub in subs:
        for item, path, size in plan(sub.layout, lessons, sub.flat).files:
            if not item.endswith(".py"):
                continue
            data = b"".join(read_chunks(path, size))
            if item not in stubs:  # what every student was handed matches nobody
                stub = course.exercises_dir / item
                given = (
                    _fingerprint(CodeFingerprint, stub.read_bytes(), item, [])
                    if stub.is_file()
                    else None
                )
                stubs[item] = sorted(given.hashes) if given is not None else []  # a set
            found = _fingerprint(CodeFingerprint, data, item, stubs[item])
            if found is not None and len(found.hashes):  # something beyond the stub
                files.setdefault(item, []).append((sub.name, data, found))
    return _pairs(files)[:MAX_PAIRS]


def _fingerprint(kind, data: bytes, item: str, boilerplate):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return kind(item, NOISE, WINDOW, boilerplate=boilerplate, fp=io.StringIO(text))


def _pairs(files: dict[str, list]) -> list[Pair]:
    from copydetect import compare_files

    pairs = []
    for item, found in files.items():
        digests = [hashlib.sha256(data).digest() for _, data, _ in found]
        for i, (first, _, a) in enumerate(found):
            for j in range(i + 1, len(found)):
                second, _, b = found[j]
                _, shares, _ = compare_files(a, b)
                similarity = float(min(shares))
                if similarity >= THRESHOLD:
                    same = digests[i] == digests[j]
                    pairs.append(Pair(item, first, second, round(similarity, 3), same))
    return sorted(pairs, key=lambda p: (-p.similarity, p.file, p.first, p.second))


def similarity_markdown(pairs: list[Pair]) -> str:
    from grader.examiner.formats import markdown_text

    lines = [
        "# Similar files",
        "",
        f"Pairs of submissions whose same file is at least {THRESHOLD:.0%} alike (tokens "
        "found in the other file, names and layout ignored, the course's stub left out). "
        "A hint to read both, never a verdict: short exercises have few ways to be written.",
        "",
    ]
    if not pairs:
        return "\n".join([*lines, "No such pair.", ""])
    lines += ["| file | submissions | alike | byte for byte |", "| --- | --- | ---: | --- |"]
    lines += [
        f"| {markdown_text(p.file)} | {markdown_text(p.first)}, {markdown_text(p.second)} "
        f"| {p.similarity:.0%} | {'yes' if p.identical else ''} |"
        for p in pairs
    ]
    return "\n".join(lines) + "\n"


def write(out: Path, course: Course, subs: list, lessons: list[Lesson]) -> int | None:
    """OUT/similarity.md for the class; the number of pairs, or None without copydetect."""
    from grader.examiner.formats import write_atomic

    if not available():
        return None
    try:
        pairs = similar_files(course, subs, lessons)
    except Exception as exc:  # a hint must never cost the class its grades
        write_atomic(out / "similarity.md", f"# Similar files\n\nNot computed: {exc!r}\n")
        return 0
    write_atomic(out / "similarity.md", similarity_markdown(pairs))
    return len(pairs)
