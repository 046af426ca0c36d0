"""What the sandbox gets of a submission (`stage`), and a review of it for a human.

A submission is copied before anything of it runs: its lesson folders only, regular
files of the types in STAGED_SUFFIXES, links only where they stay inside it, bounded in
files, bytes, depth and path length. The walk has no recursion and files are read in
chunks, so no submission (folders nested thousands deep, a sparse 100 GB file, a name
that is not UTF-8, a link to /dev/zero) can stop the grading of the others. `plan` is
also what the grader hashes to know whether a submission changed: the key covers
exactly what is graded.

The review (`suspicious_lines`) is a hint, not a defence: it lists lines of every staged
file that reach for the grader or the process; a determined student can hide them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import stat
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

from grader.course import Lesson

STAGE_MAX_BYTES = 50 << 20
STAGE_MAX_FILES = 2000  # files and folders
STAGE_MAX_FILE = 10 << 20
STAGE_MAX_DEPTH = 32  # folders in folders, under a lesson folder
STAGE_MAX_PATH = 1024  # bytes of a path in the stage: copies of it stay under PATH_MAX
STAGE_MAX_NOTES = 20
CHUNK = 1 << 16
SKIPPED_NAMES = {"__pycache__", ".git", ".hypothesis", ".pytest_cache", ".ipynb_checkpoints"}
SKIPPED_SUFFIXES = (".pyc", ".pyo")
UPLOAD_CLUTTER = {"__MACOSX"}  # what an archiver adds to an upload: never a lesson
SEARCH_DEPTH = 3  # folders an upload may nest its lesson folders in
# Only these are staged: source and text a lesson may read, all of which the review
# can scan. Others are left out; native code is refused and flagged, because Python
# imports neuron.so before neuron.py and no review can read it.
STAGED_SUFFIXES = {".py", ".txt", ".md", ".json", ".csv", ".tsv", ".yaml", ".yml"}
NATIVE_SUFFIXES = (".so", ".pyd", ".dll", ".dylib", *EXTENSION_SUFFIXES)
ELF = b"\x7fELF"
# Files that configure Python or pytest. A submission's are never used; finding one
# is worth a look.
CONFIG_FILES = {
    "conftest.py", "sitecustomize.py", "usercustomize.py", "pytest.ini", "pyproject.toml",
    "setup.cfg", "tox.ini", "setup.py",
}  # fmt: skip
# Code that reaches for the grading machinery or out of its process. Matching one of
# these never changes a score; it puts the lesson on the review list with the line.
SUSPICIOUS = re.compile(
    r"\b(_?pytest|pluggy|grader|conftest|LEARN_\w+|sys\.modules|sys\._getframe|"
    r"gc\.get_(?:objects|referrers)|inspect\.(?:stack|currentframe|getouterframes)|ctypes|"
    r"os\.(?:fork|forkpty|setsid|_exit|write|fdopen|dup2?|kill|killpg|exec\w*|spawn\w*)|"
    r"subprocess|multiprocessing|socket|signal\.|atexit|/proc/|builtins|__builtins__|"
    r"importlib|__import__|runpy|(?<!\.)exec|(?<!\.)eval|solutions)\b",  # not model.eval()
    re.IGNORECASE,
)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class Staged:
    folder: Path
    lessons: list[str]  # lesson folders the submission has
    notes: list[str] = field(default_factory=list)  # review notes (refused links, ...)


@dataclass
class Plan:
    """What `stage` copies, in order: the lesson folders found, every folder and file
    under them (path in the stage; for a file, the path to read and its size), notes
    for a reviewer, and what is left of the budget."""

    lessons: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    entries_left: int = STAGE_MAX_FILES
    bytes_left: int = STAGE_MAX_BYTES

    def note(self, text: str) -> None:
        """A note, up to STAGE_MAX_NOTES: a million refused files make one line more."""
        if len(self.notes) < STAGE_MAX_NOTES:
            self.notes.append(text)
        elif len(self.notes) == STAGE_MAX_NOTES:
            self.notes.append("review: (more such notes not shown)")


def shown(name: str) -> str:
    """A file name (any bytes but / and NUL) as text that prints and encodes anywhere:
    bytes that are not UTF-8, and control characters, as \\xNN."""
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def _not_skipped(path: str, entry: os.DirEntry) -> bool:
    return entry.name not in SKIPPED_NAMES


def walk(
    top: str | Path,
    descend: Callable[[str, os.DirEntry], bool] = _not_skipped,
    max_entries: int | None = STAGE_MAX_FILES,
) -> Iterator[tuple[str, os.DirEntry | None]]:
    """Every entry below `top` as (its path relative to `top`, the entry), each folder's
    sorted by name. A folder comes, and is entered, only if `descend(path, entry)`; one
    that cannot be read or holds more than `max_entries` comes as (its path, None).
    Links are never followed, and an explicit stack instead of recursion means no tree
    is too deep for it."""
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            with os.scandir(os.path.join(top, rel)) as found:
                more = None if max_entries is None else max_entries + 1
                entries = list(itertools.islice(found, more))
        except OSError:
            entries = None
        if entries is None or (max_entries is not None and len(entries) > max_entries):
            yield rel, None
            continue
        folders = []
        for entry in sorted(entries, key=lambda e: e.name):
            path = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                if not descend(path, entry):
                    continue
                folders.append(path)
            yield path, entry
        stack.extend(reversed(folders))


def read_chunks(path: str | Path, limit: int | None = None) -> Iterator[bytes]:
    """The bytes of the regular file at `path`, at most `limit`, in chunks: never a link,
    a FIFO or a device, and never all of a file at once."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("not a regular file")
        left = limit
        while left is None or left > 0:
            chunk = os.read(fd, CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                return
            if left is not None:
                left -= len(chunk)
            yield chunk
    finally:
        os.close(fd)


@dataclass
class Layout:
    """Where a submission's lesson folders are, as uploaded: `root` holds them, under
    the names in `folders` (lesson id -> the folder's own name, e.g. "Lesson1")."""

    root: Path
    folders: dict[str, str]
    note: str = ""  # how it was found, when not where `learn check` would look


def find_exercises(folder: Path, lesson_ids: list[str], nested: bool = True) -> Layout | None:
    """The folder of a submission that holds its lesson folders: `folder` or its
    exercises/, else (`nested`) however an upload nested or named them: the shallowest
    folder, at most SEARCH_DEPTH down, with a folder named like a lesson in any case
    (never inside __MACOSX or a hidden folder). None when there is none; when two
    folders at that depth both have one, a Layout of no folders whose note says where
    they are, for a person to decide."""
    wanted = {x.lower(): x for x in lesson_ids}
    level = [folder]
    for depth in range(SEARCH_DEPTH + 1 if nested else 2):
        found = [layout for candidate in level if (layout := _lesson_folders(candidate, wanted))]
        if len(found) == 1:
            layout = found[0]
            moved = layout.root != folder and layout.root != folder / "exercises"
            renamed = [name for key, name in layout.folders.items() if name != key]
            where = shown(str(layout.root.relative_to(folder))) + "/"
            if moved or renamed:
                names = ", ".join(f"{name}/" for name in layout.folders.values())
                layout.note = f"lesson folders found in {where}: {names}"
            return layout
        if found:
            places = ", ".join(shown(str(x.root.relative_to(folder))) + "/" for x in found)
            return Layout(folder, {}, f"lesson folders in more than one place ({places}): "
                          "none graded; hand in one copy")  # fmt: skip
        checkout = folder / "exercises"
        if depth == 0 and ((checkout.is_dir() and not checkout.is_symlink()) or not nested):
            level = [checkout]  # a clone of the course: its exercises/ is the place
        else:
            level = [sub for candidate in level for sub in _subfolders(candidate)]
    return None


def _lesson_folders(candidate: Path, wanted: dict[str, str]) -> Layout | None:
    folders = {}
    for entry in _subfolders(candidate):
        lesson = wanted.get(entry.name.lower())
        if lesson and (lesson not in folders or entry.name == lesson):
            folders[lesson] = entry.name
    return Layout(candidate, folders) if folders else None


def _entries(folder: Path) -> list[os.DirEntry]:
    """The first STAGE_MAX_FILES entries of a folder (none if it cannot be read): a
    submission's million files cost no more than that."""
    try:
        with os.scandir(folder) as found:
            return sorted(itertools.islice(found, STAGE_MAX_FILES), key=lambda e: e.name)
    except OSError:
        return []


def file_names(folder: Path) -> set[str]:
    return {e.name for e in _entries(folder) if e.is_file(follow_symlinks=False)}


def _subfolders(folder: Path) -> list[Path]:
    entries = _entries(folder)
    return [
        Path(e.path)
        for e in entries
        if e.is_dir(follow_symlinks=False)
        and not e.name.startswith(".")
        and e.name not in UPLOAD_CLUTTER | SKIPPED_NAMES
    ]


# A file handed in as a copy of itself: "neuron (1).py", "neuron-2.py", "neuron copy.py".
COPY_NAME = re.compile(r"^(?P<stem>.+?)(?: \(\d+\)|-\d+| copy(?: \d+)?)(?P<suffix>\.py)$")


def exercise_files(present: set[str], expected: set[str]) -> dict[str, str]:
    """Which of the files `present` stand for the exercise files `expected`: each one
    itself, and a copy ("neuron (1).py") for its original when that one is missing and
    no other copy competes. One pass, whatever the number of files."""
    copies: dict[str, list[str]] = {}
    for name in present:
        match = COPY_NAME.match(name)
        if match:
            copies.setdefault(match["stem"] + match["suffix"], []).append(name)
    found = {name: name for name in present & expected}
    for original, names in copies.items():
        if original in expected and original not in present and len(names) == 1:
            found[names[0]] = original
    return found


def plan(layout: Layout | None, lessons: list[Lesson], flat: Lesson | None = None) -> Plan:
    """What of a submission is staged (and hashed): the files STAGED_SUFFIXES allows in
    its lesson folders, within the STAGE_MAX_* budgets, with a note for what is refused.
    `flat`: the submission holds one lesson's files directly (e.g. neuron.py at its top)."""
    found = Plan()
    if layout is None:
        return found
    root = layout.root.resolve()
    if layout.note:
        found.note(layout.note)
    for rel, entry in walk(root, lambda path, entry: False):
        if entry is not None and _configures(entry.name):
            found.note(f"review: the submission's {shown(rel)} was ignored")
    chosen = [flat] if flat else lessons
    for lesson in chosen:
        folder = root if flat else root / layout.folders.get(lesson.id, lesson.id)
        if folder.is_symlink():
            found.note(f"review: refused {lesson.id}/: a link, not a folder")
        elif folder.is_dir():
            found.lessons.append(lesson.id)
            found.folders.append(lesson.id)
            expected = {e.file for e in lesson.exercises}
            _plan_lesson(found, root, folder, lesson.id, flat is not None, expected)
    return found


def _plan_lesson(
    found: Plan, root: Path, folder: Path, lesson_id: str, flat: bool, expected: set[str]
) -> None:
    stands_for = exercise_files(file_names(folder), expected)

    def descend(rel: str, entry: os.DirEntry) -> bool:
        item = shown(f"{lesson_id}/{rel}")
        if flat or entry.name in SKIPPED_NAMES:  # flat: only the files at its top
            return False
        if rel.count("/") + 1 >= STAGE_MAX_DEPTH:
            found.note(f"review: left out {item}/: folders nested {STAGE_MAX_DEPTH} deep")
            return False
        if len(os.fsencode(f"{lesson_id}/{rel}")) > STAGE_MAX_PATH:
            found.note(f"review: left out {item}/: a path over {STAGE_MAX_PATH} bytes")
            return False
        return True

    for rel, entry in walk(folder, descend):
        item = f"{lesson_id}/{rel}" if rel else lesson_id
        if entry is None:
            found.note(
                f"review: left out {shown(item)}/: unreadable, or over {STAGE_MAX_FILES} entries"
            )
            continue
        if found.entries_left <= 0:
            found.note(
                f"review: left out {shown(item)} and the rest of {lesson_id}/: "
                f"over {STAGE_MAX_FILES} files and folders"
            )
            return
        found.entries_left -= 1
        if entry.is_dir(follow_symlinks=False):
            found.folders.append(item)
            continue
        if flat and not entry.name.endswith(".py"):
            continue
        if "/" not in rel and rel not in expected:  # "neuron (1).py": the copy is the file
            original = stands_for.get(rel)
            if original is not None:
                found.note(f"{shown(lesson_id)}/{shown(rel)} graded as {lesson_id}/{original}")
                item = f"{lesson_id}/{original}"
        try:
            picked = _pick(root, entry, shown(item), found.note)
        except OSError as exc:  # gone, or not for the grader's user to read
            found.note(f"review: left out {shown(item)}: {exc.strerror or exc}")
            continue
        if picked is None:
            continue
        if picked[1] > found.bytes_left:
            found.note(f"review: left out {shown(item)}: over {STAGE_MAX_BYTES >> 20} MB in all")
            continue
        found.bytes_left -= picked[1]
        found.files.append((item, *picked))


def _configures(name: str) -> bool:
    return name in CONFIG_FILES or name.endswith(".pth")


def _pick(root: Path, entry: os.DirEntry, item: str, note) -> tuple[str, int] | None:
    """The path to read for a file of the submission and its size, or None (and a note
    where it deserves a look) when it is not staged; OSError when it cannot be read."""
    path = entry.path
    if entry.is_symlink():
        try:
            info = os.stat(path)  # the kernel follows at most 40 links, realpath no more
            path, target = os.path.realpath(path), os.readlink(path)
        except OSError:
            note(f"review: refused {item}: a link that leads nowhere")
            return None
        if not Path(path).is_relative_to(root):
            note(f"review: refused {item}: a link to {shown(target)}, outside it")
            return None
        if not stat.S_ISREG(info.st_mode):
            note(f"review: refused {item}: a link to a folder or a special file")
            return None
    elif entry.is_file(follow_symlinks=False):
        info = entry.stat(follow_symlinks=False)
    else:
        note(f"review: left out {item}: not a regular file")
        return None
    name = entry.name.lower()
    if _configures(entry.name):
        note(f"review: {item} is in the submission (never used by the grader)")
    if name.endswith(NATIVE_SUFFIXES):
        note(f"review: refused {item}: a compiled extension, never staged")
        return None
    if os.path.splitext(name)[1] not in STAGED_SUFFIXES:
        return None
    if info.st_size > STAGE_MAX_FILE:
        note(f"review: left out {item}: larger than {STAGE_MAX_FILE >> 20} MB")
        return None
    if b"".join(read_chunks(path, len(ELF))) == ELF:
        note(f"review: refused {item}: compiled code, never staged")
        return None
    return path, info.st_size


def stage(
    layout: Layout | None, dest: Path, lessons: list[Lesson], flat: Lesson | None = None
) -> Staged:
    """Copy what `plan` picks of a submission into `dest`."""
    picked = plan(layout, lessons, flat)
    dest.mkdir(parents=True, exist_ok=True)
    for rel in picked.folders:
        (dest / rel).mkdir(exist_ok=True)
    for rel, path, size in picked.files:
        _copy_file(path, dest / rel, size)
    return Staged(dest, picked.lessons, picked.notes)


def _copy_file(source: str, dest: Path, size: int) -> None:
    with open(dest, "wb") as out:
        for chunk in read_chunks(source, size):
            out.write(chunk)
    os.chmod(dest, 0o600)


def code_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """Each line of `text` as (number, line, its code): the line without the comment
    Python's tokenizer finds in it (a `#` inside a string starts none) and empty for a
    docstring's lines (prose: a docstring that mentions "the grader" reaches for
    nothing), or the whole line from where the tokenizer gives up (a file that is not
    Python, a syntax error)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    comments: dict[int, int] = {}
    prose: set[int] = set()
    statement_start = (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING)
    previous, string = tokenize.NEWLINE, None
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        for token in tokenize.generate_tokens(iter([line + "\n" for line in lines]).__next__):
            if token.type == tokenize.COMMENT:
                comments[token.start[0]] = token.start[1]
                continue
            if token.type == tokenize.NL:
                continue
            if string is not None and token.type == tokenize.NEWLINE:
                prose.update(range(string.start[0], string.end[0] + 1))
            string = (
                token if token.type == tokenize.STRING and previous in statement_start else None
            )
            previous = token.type
    for number, line in enumerate(lines, 1):
        yield number, line, "" if number in prose else line[: comments.get(number, len(line))]


def suspicious_lines(folder: Path, known: set[str] = frozenset(), limit: int = 8) -> list[str]:
    """`review:` notes for lines of every staged file in `folder` (a .txt can be run as
    well as a .py) that reach for the grader, pytest or the process; lines in `known`,
    the course's own stubs, are the course's words, not the learner's."""
    found = []
    for rel, entry in walk(folder):
        if entry is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            text = b"".join(read_chunks(entry.path)).decode("utf-8", "replace")
        except OSError:
            continue
        for number, line, code in code_lines(text):
            match = SUSPICIOUS.search(code) if line.strip() not in known else None
            if match:
                where = f"{folder.name}/{shown(rel)}:{number}"
                found.append(f"review: {where} uses {match.group(0)}: {line.strip()[:120]}")
                if len(found) >= limit:
                    return [*found, "review: (more such lines not shown)"]
    return found


def stub_lines(folder: Path) -> set[str]:
    """Every line of the course's stubs for a lesson (see suspicious_lines)."""
    lines: set[str] = set()
    for path in folder.rglob("*.py") if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            lines.update(x.strip() for x in path.read_text(encoding="utf-8").splitlines())
    return lines
