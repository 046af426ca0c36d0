"""Staging and hashing a hostile submission: whatever one holds (folders nested past
the recursion limit, names that are not UTF-8, a sparse 100 GB file, links out, native
code, a student's repository named like a lesson), the others get their results and
the run ends cleanly. Unit tests on the toy course, and one whole grading."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

import pytest

from grader import course as course_mod
from grader.course import CourseError
from grader.examiner import grade as grading
from grader.examiner import staging
from grader.examiner.host import Limits

BAD_NAME = b"caf\xe9"  # Latin-1, not UTF-8: a name Python holds with a surrogate
HONEST = "def double(x):\n    return 2 * x\n\ndef halve(x):\n    return x / 2\n"


DEPTH = 1200  # past Python's recursion limit


@pytest.fixture(scope="module")
def a_class(tmp_path_factory):
    """A class folder, shared by this module's tests, holding `deep`: an honest
    submission with DEPTH folders in folders. Made once, since removing it takes
    seconds, and climbing up from the deepest: the session's clean-up would recurse."""
    folder = tmp_path_factory.mktemp("class")
    bottom = submission(folder, "deep") / "toy"
    for _ in range(DEPTH):  # mkdir(parents=True) would recurse
        bottom = bottom / "d"
        bottom.mkdir()
    yield folder
    here = os.getcwd()
    try:
        os.chdir(bottom)
        for _ in range(DEPTH):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)


def submission(root: Path, name: str | bytes, ops: str | None = HONEST) -> Path:
    folder = Path(os.fsdecode(os.path.join(os.fsencode(root), os.fsencode(name))))
    (folder / "toy").mkdir(parents=True)
    (folder / "toy" / "__init__.py").touch()
    if ops is not None:
        (folder / "toy" / "ops.py").write_text(ops)
    return folder


def sparse(path: Path, size: int = 100 << 30) -> None:
    with open(path, "wb") as out:
        try:
            out.truncate(size)
        except OSError as exc:  # a file system without sparse files
            pytest.skip(f"no sparse file here: {exc}")


def toy_lessons(toy):
    course = course_mod.load(toy.root)
    return course, list(course.lessons)


# ------------------------------------------------------------------ plan and stage


def test_folders_nested_past_the_recursion_limit_are_cut_off(toy, tmp_path, a_class):
    _, lessons = toy_lessons(toy)
    folder = a_class / "deep"
    assert sum(1 for _ in staging.walk(folder, max_entries=None)) > DEPTH  # no RecursionError
    staged = staging.stage(staging.Layout(folder, {}), tmp_path / "stage", lessons)
    assert staged.lessons == ["toy"] and (tmp_path / "stage" / "toy" / "ops.py").is_file()
    assert any(f"nested {staging.STAGE_MAX_DEPTH} deep" in note for note in staged.notes)
    depth = max(len(p.parts) for p in (tmp_path / "stage").rglob("*"))
    assert depth - len((tmp_path / "stage").parts) <= staging.STAGE_MAX_DEPTH


def test_names_that_are_not_utf8_are_staged_and_shown_escaped(toy, tmp_path):
    _, lessons = toy_lessons(toy)
    folder = submission(tmp_path, BAD_NAME)
    with open(os.path.join(os.fsencode(folder), b"toy", b"notes-" + BAD_NAME + b".txt"), "w"):
        pass
    os.mkfifo(os.path.join(os.fsencode(folder), b"toy", BAD_NAME + b".py"))
    staged = staging.stage(staging.Layout(folder, {}), tmp_path / "stage", lessons)
    copied = os.listdir(os.path.join(os.fsencode(tmp_path), b"stage", b"toy"))
    assert b"notes-" + BAD_NAME + b".txt" in copied and BAD_NAME + b".py" not in copied
    assert staged.notes == ["review: left out toy/caf\\xe9.py: not a regular file"]
    for note in staged.notes:
        note.encode("utf-8")  # printable, and writable anywhere


def test_a_sparse_file_and_links_out_are_never_read(toy, tmp_path):
    _, lessons = toy_lessons(toy)
    folder = submission(tmp_path, "ann", ops=None)
    sparse(folder / "toy" / "data.txt")
    (folder / "toy" / "ops.py").symlink_to("/dev/zero")
    (folder / "toy" / "notes.txt").symlink_to(toy.root / "solutions" / "toy" / "ops.py")
    (folder / "shared.py").write_text(HONEST)
    (folder / "toy" / "inside.py").symlink_to(Path("..", "shared.py"))
    (folder / "toy" / "loop.py").symlink_to("loop.py")
    picked = staging.plan(staging.Layout(folder, {}), lessons)
    assert [rel for rel, _, _ in picked.files] == ["toy/__init__.py", "toy/inside.py"]
    notes = "\n".join(picked.notes)
    assert "left out toy/data.txt: larger than 10 MB" in notes
    assert "refused toy/ops.py: a link to /dev/zero, outside it" in notes
    assert "refused toy/notes.txt: a link to" in notes
    assert "refused toy/loop.py: a link that leads nowhere" in notes


def test_native_code_is_never_staged_and_flags_its_lesson(toy, tmp_path):
    _, lessons = toy_lessons(toy)
    folder = submission(tmp_path, "ann")
    (folder / "toy" / "ops.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF...")
    (folder / "toy" / "ops.pyd").write_bytes(b"MZ...")
    (folder / "toy" / "helper.txt").write_bytes(b"\x7fELF\x02\x01")  # an ELF by any name
    (folder / "toy" / "plot.png").write_bytes(b"\x89PNG")  # not a staged type: left out
    staged = staging.stage(staging.Layout(folder, {}), tmp_path / "stage", lessons)
    assert sorted(p.name for p in (tmp_path / "stage" / "toy").iterdir()) == [
        "__init__.py",
        "ops.py",
    ]
    assert [note.split(":")[1] for note in staged.notes] == [
        " refused toy/helper.txt",
        " refused toy/ops.cpython-311-x86_64-linux-gnu.so",
        " refused toy/ops.pyd",
    ]


def test_a_submission_over_its_budget_is_staged_in_part(toy, tmp_path, monkeypatch):
    _, lessons = toy_lessons(toy)
    monkeypatch.setattr(staging, "STAGE_MAX_NOTES", 3)
    folder = submission(tmp_path, "ann")
    for n in range(20):
        (folder / "toy" / f"x{n:02}.so").touch()  # a note each, up to STAGE_MAX_NOTES
    picked = staging.plan(staging.Layout(folder, {}), lessons)
    assert len(picked.notes) == 4 and picked.notes[-1] == "review: (more such notes not shown)"
    for path in (folder / "toy").glob("*.so"):
        path.unlink()
    for name, count in (("crowded", staging.STAGE_MAX_FILES + 1), ("more", 1500), ("most", 1500)):
        (folder / "toy" / name).mkdir()
        for n in range(count):
            (folder / "toy" / name / f"{n}.txt").touch()
    picked = staging.plan(staging.Layout(folder, {}), lessons)
    assert len(picked.folders) + len(picked.files) <= staging.STAGE_MAX_FILES + 1
    notes = "\n".join(picked.notes)
    assert "left out toy/crowded/: unreadable, or over 2000 entries" in notes
    assert "left out toy/most/" in notes and "over 2000 files and folders" in notes


# ------------------------------------------------------------------------- review


def test_the_review_reads_every_staged_file_with_the_tokenizer(tmp_path):
    lesson = tmp_path / "toy"
    lesson.mkdir()
    (lesson / "ops.py").write_text(
        'MARK = "#"; import subprocess\n'  # a `#` in a string: still code
        "x = 1  # subprocess, in a comment only\n"
        "known_line = eval('1')\n"
        "model.eval()  # a torch module's evaluation mode, not Python's eval\n"
    )
    (lesson / "payload.txt").write_text("import grader\n")  # run by runpy: scanned too
    (lesson / "notes.md").write_text("# Notes\n\nnot Python at all: 'unclosed\n")
    (lesson / "ops2.py").write_text("def f(:\n    os.fork()\n")  # past a syntax error
    found = staging.suspicious_lines(lesson, known={"known_line = eval('1')"})
    assert [line.split(" uses ")[0] for line in found] == [
        "review: toy/ops.py:1",
        "review: toy/ops2.py:2",
        "review: toy/payload.txt:1",
    ]
    assert staging.suspicious_lines(lesson, limit=1)[-1] == "review: (more such lines not shown)"


# --------------------------------------------------------------- finding and hashing


def test_a_student_named_like_a_lesson_never_hides_the_class(toy):
    course, lessons = toy_lessons(toy)
    folder = toy.root / "class"
    for name in ("ann", "ben", "toy"):  # "toy": a student's repository named like the lesson
        submission(folder, name)
    with pytest.raises(CourseError, match=r"holds toy/\) but also holds 2 other.*--roster"):
        grading.find_submissions(folder, course, lessons)
    roster = grading.find_submissions(folder, course, lessons, single=False)
    assert [s.name for s in roster] == ["ann", "ben", "toy"]
    (single,) = grading.find_submissions(folder, course, lessons, single=True)
    assert single.name == "class"
    alone = toy.root / "alone"
    submission(alone.parent, alone.name)
    assert [s.name for s in grading.find_submissions(alone, course, lessons)] == ["alone"]


def test_the_cli_asks_which_one_is_meant(toy, learn):
    for name in ("ann", "toy"):
        submission(toy.root / "class", name)
    run = learn("grade", "class", "--out", "out", cwd=toy.root)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "--roster" in run.stderr and "--single" in run.stderr and "ann" in run.stderr


def test_hashing_reads_what_staging_takes_and_no_more(toy, tmp_path, a_class):
    _, lessons = toy_lessons(toy)
    folder = submission(tmp_path, BAD_NAME)
    sparse(folder / "toy" / "data.txt")
    (folder / "toy" / "zero.txt").symlink_to("/dev/zero")
    subs = [
        grading.Submission(staging.shown(f.name), f, staging.Layout(f, {}))
        for f in (folder, a_class / "deep")
    ]
    keys = [grading.submission_key(sub, lessons, "base") for sub in subs]
    assert keys == [grading.submission_key(sub, lessons, "base") for sub in subs]
    (folder / "toy" / "ops.py").write_text(HONEST + "\n")
    assert grading.submission_key(subs[0], lessons, "base") != keys[0]
    for instructors in (folder, a_class):  # no recursion; 100 GB by size, never read
        grading._hash_files(hashlib.sha256(), instructors)


# --------------------------------------------------------------------- one grading


def test_hostile_submissions_leave_the_class_graded(toy, tmp_path, a_class):
    course = course_mod.load(toy.root)
    folder = a_class  # with `deep` in it
    submission(folder, "ann")
    bad = submission(folder, BAD_NAME)
    with open(os.path.join(os.fsencode(bad), b"toy", BAD_NAME + b".txt"), "w") as out:
        out.write("=1+1\n")
    sparse(submission(folder, "sparse") / "toy" / "data.txt")
    os.symlink("/dev/zero", submission(folder, "linked", ops=None) / "toy" / "ops.py")
    native = submission(folder, "native")
    (native / "toy" / "ops.cpython-311-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    options = grading.GradeOptions(
        out=tmp_path / "out", jobs=2, limits=Limits(timeout=5, lesson_timeout=60)
    )
    report = grading.grade(course, folder, options)
    scores = {g.submission: g.score for g in report.graded}
    assert scores == {
        "ann": 4, "caf\\xe9": 4, "deep": 4, "linked": 0, "native": 4, "sparse": 4,
    }  # fmt: skip
    assert report.setup_failures == 0
    flags = {g.submission: " ".join(g.lessons[0].flags) for g in report.graded}
    assert "nested" in flags["deep"] and "larger than" in flags["sparse"]
    assert "/dev/zero" in flags["linked"] and "compiled extension" in flags["native"]
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "grades.csv").read_text())))
    assert sorted(r["submission"] for r in rows) == sorted(scores)
    again = grading.grade(course, folder, options)  # every key hashed the same way again
    assert again.done == 0 and again.skipped == len(scores)
