"""`learn grade` as an instructor uses it: finding submissions, shards and merge,
resuming, hidden tests, the formats, the CLI, and a machine with less isolation."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from grader import course as course_mod
from grader.authoring import mutation
from grader.course import CourseError
from grader.examiner import formats, processes
from grader.examiner import grade as grading
from grader.examiner import sandbox as sandbox_mod
from grader.examiner.formats import Graded
from grader.examiner.host import Limits
from grader.results import LessonResult, Outcome, Status, TestResult

ADVERSARIAL = Path(__file__).parent / "adversarial" / "submissions"
WRONG_HALVE = "def double(x):\n    return 2 * x\n\ndef halve(x):\n    return x\n"
LIMITS = Limits(timeout=5, lesson_timeout=60, memory_mb=1024)
HIDDEN = """
import pytest

from grader.testkit import call, exercise_module, expect_equal

ops = exercise_module("toy.ops")


@pytest.mark.exercise("halve")
@pytest.mark.points(3)
def test_halve_odd():
    expect_equal(call(ops.halve, 3), 1.5)
"""


# Looks everywhere a grader might keep its tests and puts what it finds in its feedback.
LEAK_HIDDEN = """
import glob


def double(x):
    found = [
        open(path).read()
        for pattern in ("/tmp/**/test_more.py", "/tmp/**/_hidden/*.py")
        for path in glob.glob(pattern, recursive=True)
    ]
    raise ValueError("".join(found) or "nothing found")


def halve(x):
    return double(x)
"""


def roster(toy, names: dict[str, str | None]) -> Path:
    """A class: each name's toy/ops.py (None: the reference solution)."""
    folder = toy.root / "submissions"
    for name, source in names.items():
        ops = folder / name / "toy" / "ops.py"
        ops.parent.mkdir(parents=True)
        (ops.parent / "__init__.py").touch()
        reference = toy.root / "solutions" / "toy" / "ops.py"
        ops.write_text(source if source is not None else reference.read_text())
    return folder


def options(out: Path, **kwargs) -> grading.GradeOptions:
    return grading.GradeOptions(out=out, jobs=kwargs.pop("jobs", 2), limits=LIMITS, **kwargs)


def scores(report) -> dict[str, float]:
    return {g.submission: g.score for g in report.graded}


# ------------------------------------------------------------------- submissions


def test_submissions_are_found_in_every_layout(toy):
    course = course_mod.load(toy.root)
    lessons = [course.lesson("toy")]
    folder = toy.root / "class"
    (folder / "plain" / "toy").mkdir(parents=True)
    (folder / "checkout" / "exercises" / "toy").mkdir(parents=True)
    (folder / "empty").mkdir()
    (folder / ".git").mkdir()
    found = {s.name: s for s in grading.find_submissions(folder, course, lessons)}
    assert set(found) == {"plain", "checkout", "empty"}
    assert found["plain"].exercises == folder / "plain"
    assert found["checkout"].exercises == folder / "checkout" / "exercises"
    assert found["empty"].exercises is None
    (single,) = grading.find_submissions(folder / "checkout", course, lessons)
    assert single.name == "checkout"
    loose = toy.root / "loose"
    loose.mkdir()
    (loose / "ops.py").write_text("")
    (flat,) = grading.find_submissions(loose, course, lessons)
    assert flat.flat is lessons[0]
    with pytest.raises(CourseError, match="no such folder"):
        grading.find_submissions(toy.root / "nowhere", course, lessons)


def test_uploads_are_found_however_an_archiver_nested_or_named_them(toy, tmp_path):
    course = course_mod.load(toy.root)
    lessons = [course.lesson("toy")]
    upload = tmp_path / "uploads"
    for path in ("mac/__MACOSX/toy", "mac/toy", "nested/hw-submission/Toy", "twice/a/toy",
                 "twice/b/toy"):  # fmt: skip
        (upload / path).mkdir(parents=True)
    (upload / "copy").mkdir()
    (upload / "copy" / "ops (1).py").write_text("")
    found = {s.name: s for s in grading.find_submissions(upload, course, lessons, single=False)}
    assert found["mac"].exercises == upload / "mac" and not found["mac"].layout.note
    nested = found["nested"].layout
    assert (nested.root, nested.folders) == (upload / "nested" / "hw-submission", {"toy": "Toy"})
    assert nested.note == "lesson folders found in hw-submission/: Toy/"
    twice = found["twice"].layout
    assert twice.folders == {} and "more than one place (a/, b/)" in twice.note
    assert found["copy"].flat is lessons[0]


def test_a_nested_renamed_upload_is_graded_in_full_and_says_so(toy, tmp_path):
    course = course_mod.load(toy.root)
    upload = tmp_path / "submission"
    (upload / "hw" / "Toy").mkdir(parents=True)
    reference = (toy.root / "solutions" / "toy" / "ops.py").read_text()
    (upload / "hw" / "Toy" / "ops (1).py").write_text(reference)
    report = grading.grade(course, upload, options(tmp_path / "out", single=True))
    (graded,) = report.graded
    assert graded.score == 4, graded.lessons[0].tests
    said = " ".join([*graded.notes, *graded.lessons[0].flags])
    assert "lesson folders found in hw/: Toy/" in said
    assert "toy/ops (1).py graded as toy/ops.py" in said
    shown = formats.gradescope(graded)["output"]
    assert "found in hw/: Toy/" in shown and "graded as toy/ops.py" in shown


def test_shards_split_a_class_round_robin():
    subs = [grading.Submission(name, Path(name), None) for name in "edcba"]
    shares = [grading.select_shard(subs, (i, 3)) for i in (1, 2, 3)]
    assert [[s.name for s in share] for share in shares] == [["a", "d"], ["b", "e"], ["c"]]
    assert grading.parse_shard("2/3") == (2, 3)
    for bad in ("3", "0/0", "a/b"):
        with pytest.raises(CourseError):
            grading.parse_shard(bad)
    with pytest.raises(CourseError):
        grading.select_shard(subs, (4, 3))


def test_shards_are_balanced_by_expected_time():
    """Two slow submissions (a hang each) never share a shard while others are quick."""
    subs = [grading.Submission(name, Path(name), None) for name in "abcdefgh"]
    expected = {name: 10.0 for name in "abcdefgh"} | {"a": 300.0, "b": 290.0}
    shares = [grading.select_shard(subs, (i, 2), expected) for i in (1, 2)]
    assert [[s.name for s in share] for share in shares] == [["a", "d", "f", "h"],
                                                             ["b", "c", "e", "g"]]  # fmt: skip
    assert sorted(s.name for share in shares for s in share) == list("abcdefgh")
    # Unknown times: a submission's lessons count, and one without any next to nothing.
    layout = grading.Layout(Path("x"), {"lesson1": "lesson1", "lesson5": "lesson5"})
    two = [grading.Submission(n, Path(n), layout) for n in "pq"]
    shares = [grading.select_shard([*two, *subs[:4]], (i, 2)) for i in (1, 2)]
    assert [[s.name for s in share] for share in shares] == [["a", "c", "p"], ["b", "d", "q"]]


def test_safe_names_never_collide_or_escape():
    assert grading.safe_name("alice") == "alice"
    odd = grading.safe_name("../../etc/passwd")
    assert "/" not in odd and not odd.startswith(".")
    assert grading.safe_name("a b") != grading.safe_name("a_b")
    assert grading.safe_name("grades") != "grades"


# ---------------------------------------------------------------------- grading


def test_grade_shards_merge_and_resume(toy, tmp_path):
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None, "ben": WRONG_HALVE, "cat": None, "dan": "syntax error("})
    first = grading.grade(course, folder, options(tmp_path / "s1", shard=(1, 2)))
    second = grading.grade(course, folder, options(tmp_path / "s2", shard=(2, 2)))
    assert set(scores(first)) | set(scores(second)) == {"ann", "ben", "cat", "dan"}
    assert not set(scores(first)) & set(scores(second))
    merged = grading.merge([tmp_path / "s1", tmp_path / "s2"], tmp_path / "all", ("junit",))
    assert {g.submission: g.score for g in merged.graded} == {
        "ann": 4, "ben": 3, "cat": 4, "dan": 0,
    }  # fmt: skip
    assert merged.missing == []
    partial = grading.merge([tmp_path / "s1"], tmp_path / "half")  # shard 2 failed
    assert partial.missing == sorted(scores(second))
    assert (
        "2 submission(s) of the class have no result"
        in (tmp_path / "half" / "summary.md").read_text()
    )
    rows = list(csv.DictReader(io.StringIO((tmp_path / "all" / "grades.csv").read_text())))
    assert [r["submission"] for r in rows] == ["ann", "ben", "cat", "dan"]
    assert rows[1]["status"] == "failed" and rows[1]["percent"] == "75"
    assert "| toy | 4 |" in (tmp_path / "all" / "summary.md").read_text()

    # a rerun skips what is graded; a changed submission, or --force, is graded again
    again = grading.grade(course, folder, options(tmp_path / "s1", shard=(1, 2)))
    assert again.done == 0 and again.skipped == len(first.graded)
    (folder / "ann" / "toy" / "ops.py").write_text(WRONG_HALVE)
    changed = grading.grade(course, folder, options(tmp_path / "s1", shard=(1, 2)))
    assert changed.done == 1 and scores(changed)["ann"] == 3
    forced = grading.grade(course, folder, options(tmp_path / "s1", shard=(1, 2), force=True))
    assert forced.done == len(first.graded)


def test_an_interrupted_run_keeps_what_finished_and_no_half_file(toy, tmp_path):
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None, "ben": None, "cat": None})
    out = tmp_path / "out"
    (out).mkdir()
    (out / ".tmp-ann.json.stale").write_text("{half")

    def stop(graded, skipped):
        raise KeyboardInterrupt

    # Two at work: the interrupt comes with the first result; the other job may have
    # finished meanwhile (its file is then kept) or is cut short (and never written).
    with pytest.raises(KeyboardInterrupt):
        grading.grade(course, folder, options(out, jobs=2), on_done=stop)
    written = sorted(p.name for p in out.iterdir())
    kept = [n for n in written if n.endswith(".json") and n != grading.RUN_RECORD]
    assert 1 <= len(kept) < 3, written
    assert not [n for n in written if n.startswith(".tmp-")]
    for path in out.glob("*.json"):
        json.loads(path.read_text())  # whole, never half
    resumed = grading.grade(course, folder, options(out))
    assert resumed.skipped == len(kept) and resumed.done == 3 - len(kept)
    assert scores(resumed) == {"ann": 4, "ben": 4, "cat": 4}


def rows(out: Path) -> list[tuple[str, str]]:
    table = csv.DictReader(io.StringIO((out / "grades.csv").read_text()))
    return [(r["submission"], r["score"]) for r in table]


def test_regrading_one_keeps_every_other_result(toy, tmp_path):
    """--only, or the one student's folder as SUBMISSIONS: the CSV and summary are made
    from every result in OUT, and the others' files are left as they were."""
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None, "ben": WRONG_HALVE})
    out = tmp_path / "out"
    grading.grade(course, folder, options(out))
    ben = (out / "ben.json").read_text()
    again = grading.grade(course, folder, options(out, only=["ann"], force=True))
    assert again.done == 1 and scores(again) == {"ann": 4}
    assert [g.submission for g in again.kept] == ["ben"]
    assert rows(out) == [("ann", "4"), ("ben", "3")]
    assert (out / "ben.json").read_text() == ben
    alone = grading.grade(course, folder / "ann", options(out, force=True))
    assert alone.done == 1 and rows(out) == [("ann", "4"), ("ben", "3")]
    assert "2 submission(s)" in (out / "summary.md").read_text()
    assert (out / "ben.json").read_text() == ben
    with pytest.raises(CourseError, match="--only cat: no such submission"):
        grading.grade(course, folder, options(out, only=["cat"]))
    shard = tmp_path / "shard"  # merging into OUT keeps what OUT holds
    shard.mkdir()
    shutil.copy(out / "ann.json", shard / "ann.json")
    grading.merge([shard], out)
    assert rows(out) == [("ann", "4"), ("ben", "3")]


def test_grading_one_lesson_keeps_the_others_results(toy, tmp_path):
    """Lesson 1 in week 3, lesson 5 in week 8, into one OUT: the second run grades its
    lesson and every submission keeps the first one's results for the other."""
    twin = toy.root / "grader" / "tests" / "twin"
    twin.mkdir()
    tests = (toy.root / "grader" / "tests" / "toy" / "test_ops.py").read_text()
    (twin / "test_ops.py").write_text(tests.replace('"toy.ops"', '"twin.ops"'))
    catalogue = (toy.root / "course.toml").read_text()
    lesson = catalogue[catalogue.index("[[lessons]]") :]
    (toy.root / "course.toml").write_text(catalogue + lesson.replace('"toy', '"twin'))
    shutil.copytree(toy.root / "solutions" / "toy", toy.root / "solutions" / "twin")
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None})
    shutil.copytree(folder / "ann" / "toy", folder / "ann" / "twin")
    out = tmp_path / "out"
    grading.grade(course, folder, options(out, lessons=["toy", "twin"]))
    again = grading.grade(course, folder, options(out, lessons=["twin"]))
    assert again.done == 1
    (graded,) = again.graded
    assert [r.lesson for r in graded.lessons] == ["toy", "twin"]
    saved = json.loads((out / "ann.json").read_text())
    assert [r["lesson"] for r in saved["lessons"]] == ["toy", "twin"]
    table = csv.DictReader(io.StringIO((out / "grades.csv").read_text()))
    assert sorted(r["lesson"] for r in table) == ["toy", "twin"]


def test_json_files_of_other_tools_in_out_are_no_results(toy, tmp_path):
    """An earlier run's OUT that has since got other JSON (a list, a string) grades the
    class again and reports it."""
    course = course_mod.load(toy.root)
    out = tmp_path / "out"
    folder = roster(toy, {"ann": None})
    grading.grade(course, folder, options(out))
    (out / "list.json").write_text("[1, 2]")
    (out / "text.json").write_text('"str"')
    report = grading.grade(course, folder, options(out, force=True))
    assert scores(report) == {"ann": 4} and rows(out) == [("ann", "4")]


def test_an_out_of_other_files_or_inside_the_submissions_is_refused(toy, tmp_path):
    """The reports would overwrite an instructor's own files, and an OUT inside
    SUBMISSIONS would be graded as a student at the next run: both refused, untouched."""
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None})
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "summary.md").write_text("# my notes")
    with pytest.raises(CourseError, match="holds files learn grade did not write"):
        grading.grade(course, folder, options(notes))
    assert [p.name for p in notes.iterdir()] == ["summary.md"]
    assert (notes / "summary.md").read_text() == "# my notes"
    with pytest.raises(CourseError, match="inside SUBMISSIONS"):
        grading.grade(course, folder, options(folder / "grades"))
    assert not (folder / "grades").exists()


def test_a_report_an_earlier_run_made_is_kept_current(toy, tmp_path):
    """junit.xml from a run with --format junit, then a regrade without it: the file
    still tells the class as OUT now holds it, never the old grades."""
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None})
    out = tmp_path / "out"
    grading.grade(course, folder, options(out, formats=("junit",)))
    assert ET.fromstring((out / "junit.xml").read_text())[0].get("failures") == "0"
    (folder / "ann" / "toy" / "ops.py").write_text(WRONG_HALVE)
    grading.grade(course, folder, options(out, force=True))
    assert ET.fromstring((out / "junit.xml").read_text())[0].get("failures") == "1"


def test_merged_shards_keep_their_students_file_and_feedback(toy, tmp_path):
    """The roster workflow grades shards with --students and merges without it: the
    merged OUT still has the students' ids in its gradebook and every feedback file."""
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None, "ben": WRONG_HALVE})
    students = tmp_path / "students.csv"
    students.write_text("submission,id\nann,A1\nben,B2\nzoe,Z3\n")
    for shard in (1, 2):
        grading.grade(course, folder, options(tmp_path / f"s{shard}", shard=(shard, 2),
                                              students=students))  # fmt: skip
    grading.merge([tmp_path / "s1", tmp_path / "s2"], tmp_path / "all")
    book = (tmp_path / "all" / "gradebook.csv").read_text(encoding="utf-8-sig")
    assert "A1" in book and "B2" in book and "zoe" in book
    assert sorted(p.name for p in (tmp_path / "all" / "feedback").iterdir()) == [
        "ann.txt",
        "ben.txt",
    ]


def test_hidden_tests_of_none_of_the_lessons_graded_are_a_mistake(toy, tmp_path):
    """A mistyped --tests would grade without them, and the instructor would not know."""
    course = course_mod.load(toy.root)
    elsewhere = tmp_path / "notes"
    elsewhere.mkdir()
    with pytest.raises(CourseError, match="has no folder of the lessons graded"):
        grading.grade(course, roster(toy, {"ann": None}), options(tmp_path / "o", tests=elsewhere))
    assert not (tmp_path / "o").exists()


def statuses(report) -> dict[str, list[str]]:
    return {
        g.submission: [f"{t.test}: {t.status.value}" for r in g.lessons for t in r.tests]
        for g in report.graded
    }


def test_a_busy_machine_gives_the_same_grades_and_nothing_outside_out_changes(toy, tmp_path):
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None, "ben": WRONG_HALVE, "cat": "syntax error("})
    before = listing(toy.root)
    quiet = grading.grade(course, folder, options(tmp_path / "quiet"))
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(2 * (os.cpu_count() or 1))
    ]  # every core busy twice over, for the whole run
    try:
        busy = grading.grade(course, folder, options(tmp_path / "busy"))
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert statuses(busy) == statuses(quiet)
    assert scores(busy) == scores(quiet) == {"ann": 4, "ben": 3, "cat": 0}
    assert listing(toy.root) == before  # the course and the class: nothing written there


def per_exercise(report) -> dict[str, dict[str, float]]:
    """Each submission's points per exercise."""
    found: dict[str, dict[str, float]] = {}
    for graded in report.graded:
        points = found.setdefault(graded.submission, {})
        for result in graded.lessons:
            for test in result.tests:
                earned = test.points if test.status is Status.PASSED else 0
                points[test.exercise] = points.get(test.exercise, 0) + earned
    return found


def test_a_class_of_lesson_1_scores_per_exercise_alike_on_a_busy_machine(tmp_path):
    """The course's own lesson 1, as a class sends it: full marks, the stubs, two classic
    mistakes that each cost their exercise alone, and a file that does not parse."""
    course = course_mod.load(Path(__file__).parents[1])
    lesson = course.lesson("lesson1")
    reference = (course.solutions_dir / "lesson1" / "neuron.py").read_text()
    mutants = course.mutants_dir / "lesson1" / "neuron"
    sources = {
        "full": reference,
        "stubs": (course.exercises_dir / "lesson1" / "neuron.py").read_text(),
        "tie_goes_last": mutation.apply(
            reference, (mutants / "predict_last_on_tie.py").read_text()
        ),
        "biases_per_input": mutation.apply(
            reference, (mutants / "count_parameters_input_biases.py").read_text()
        ),
        "unparsable": reference.replace("def relu(", "def relu((", 1),
    }
    folder = tmp_path / "class"
    for name, source in sources.items():
        (folder / name / "lesson1").mkdir(parents=True)
        (folder / name / "lesson1" / "neuron.py").write_text(source)
    before = listing(folder)
    quiet = grading.grade(course, folder, options(tmp_path / "quiet", lessons=["lesson1"]))
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(2 * (os.cpu_count() or 1))
    ]
    try:
        busy = grading.grade(course, folder, options(tmp_path / "busy", lessons=["lesson1"]))
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert per_exercise(busy) == per_exercise(quiet)
    assert statuses(busy) == statuses(quiet)
    points = per_exercise(quiet)
    full = {e.name: points["full"][e.name] for e in lesson.exercises}
    assert sum(full.values()) == 54 and all(full.values())
    assert not any(points["stubs"].values()) and not any(points["unparsable"].values())
    for name, wrong in (("tie_goes_last", "predict"), ("biases_per_input", "count_parameters")):
        assert points[name][wrong] < full[wrong], name
        assert {e: p for e, p in points[name].items() if e != wrong} == {
            e: p for e, p in full.items() if e != wrong
        }, f"{name}: another exercise lost points"
    assert listing(folder) == before


def test_hidden_tests_count_and_stay_hidden(toy, tmp_path):
    course = course_mod.load(toy.root)
    hidden = tmp_path / "hidden" / "toy"
    hidden.mkdir(parents=True)
    (hidden / "test_more.py").write_text(HIDDEN)
    folder = roster(toy, {"ann": None, "ben": WRONG_HALVE, "eve": LEAK_HIDDEN})
    out = tmp_path / "out"
    report = grading.grade(
        course, folder, options(out, tests=hidden.parent, formats=("gradescope", "junit"))
    )
    assert scores(report) == {"ann": 7, "ben": 3, "eve": 0}
    eve = next(g for g in report.graded if g.submission == "eve").lessons[0]
    assert "halve_odd" not in (out / "eve.json").read_text().replace(
        "test_more.py::test_halve_odd", ""
    ), "the hidden test's source reached the submission's feedback"
    assert all("nothing found" in t.message for t in eve.tests if t.exercise == "double")
    ben = next(g for g in report.graded if g.submission == "ben").lessons[0]
    (secret,) = [t for t in ben.tests if t.hidden]
    assert secret.points == 3 and secret.status is Status.FAILED
    assert "hidden tests" in ben.isolation
    gradescope = json.loads((out / "gradescope" / "ben.json").read_text())
    assert gradescope["score"] == 3
    visibility = {t["name"]: t["visibility"] for t in gradescope["tests"]}
    assert visibility["toy halve (hidden tests)"] == "hidden"
    assert visibility["toy halve"] == "visible"
    assert "(not counting the hidden tests)" in gradescope["output"]
    feedback = (out / "feedback" / "ben.txt").read_text()
    assert "toy: A toy lesson" in feedback and 'read: learn read toy "Halving"' in feedback
    assert "halve_odd" not in feedback and "hidden tests are not shown" in feedback
    assert "score 3/4" in feedback  # the visible tests' points only
    plain = grading.grade(course, roster(toy, {"cat": None}), options(tmp_path / "plain"))
    assert scores(plain)["cat"] == 4
    with pytest.raises(CourseError, match=r"will not mix grades: .*out graded with hidden"):
        grading.merge([out, tmp_path / "plain"], tmp_path / "mixed")
    assert "(hidden)" in (out / "junit.xml").read_text()


def test_gpu_require_on_a_machine_without_one_is_refused(toy, tmp_path):
    from grader.plugin import available_devices

    if available_devices():
        pytest.skip("this machine has a GPU: --gpu require is met")
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None})
    with pytest.raises(CourseError, match="no CUDA or MPS"):
        grading.grade(course, folder, options(tmp_path / "out", gpu="require"))
    assert not (tmp_path / "out").exists(), "nothing written for a run that never began"


@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox users need root")
def test_nothing_carries_from_one_job_to_the_next_in_a_slot(toy, tmp_path):
    """A slot's user is used again by the next submission: the kernel's keyrings that
    outlive the user's processes are emptied in between."""
    course = course_mod.load(toy.root)
    folder = tmp_path / "class"
    shutil.copytree(ADVERSARIAL / "keyring_plant", folder / "a_plant")
    shutil.copytree(ADVERSARIAL / "keyring_read", folder / "b_read")
    report = grading.grade(course, folder, options(tmp_path / "out", jobs=1))
    assert scores(report) == {"a_plant": 0, "b_read": 0}


def test_the_grader_is_not_dumpable_once_it_grades(toy, tmp_path):
    """A sandbox that runs as the grader's own user must not read the grader's memory,
    environment (a CI token) or open files through /proc or ptrace."""
    import ctypes

    course = course_mod.load(toy.root)
    grading.grade(course, roster(toy, {"ann": None}), options(tmp_path / "out"))
    assert ctypes.CDLL(None).prctl(3, 0, 0, 0, 0) == 0  # PR_GET_DUMPABLE


@pytest.mark.parametrize(
    "case, score, forged",
    [("honest", 4, False), ("forged_classify", 0, False), ("tamper_judge", 0, True)],
)
def test_with_process_limits_only_the_judge_still_decides(toy, tmp_path, case, score, forged):
    """--isolation none (a machine that allows nothing more): a forgery inside the
    submission's process changes nothing, since the judge never runs in it; rewriting the
    judge's own files (possible where both run as one user) forfeits the lesson, and
    the next submission is judged by the tests as they were. One submission at a time
    (--jobs 2 notwithstanding): graded beside it, the honest one would be judged by the
    rewritten tests, or lose them while they are written anew."""
    course = course_mod.load(toy.root)
    folder = tmp_path / "class"
    shutil.copytree(ADVERSARIAL / case, folder / case)
    shutil.copytree(ADVERSARIAL / "honest", folder / "zz_honest")
    report = grading.grade(course, folder, options(tmp_path / "out", isolation="none", jobs=2))
    graded = {g.submission: g.lessons[0] for g in report.graded}
    lesson = graded[case]
    assert lesson.score == score
    assert (lesson.outcome is Outcome.FORGED) is forged
    assert graded["zz_honest"].score == 4 and not graded["zz_honest"].flags
    assert "namespaces: none" in lesson.isolation
    assert any(w.startswith("one submission at a time, not 2") for w in report.warnings)


def test_a_cache_the_grader_cannot_read_is_passed_over(tmp_path, monkeypatch):
    """A submission that runs as the grader's own user can leave a folder of mode 000
    (or a file) where the grader keeps hypothesis's tables: every later run still starts,
    with tables built for it alone."""
    built = []

    def build(storage):
        (storage / "unicode_data").mkdir(parents=True)
        built.append(storage)

    monkeypatch.setattr(sandbox_mod, "_build_tables", build)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sandbox_mod.hypothesis_tables(tmp_path / "first")  # builds the cache, then copies it
    assert built[0].parent == tmp_path / "cache" / "learn-grade"
    assert (tmp_path / "first" / "unicode_data").is_dir()
    planted = tmp_path / "cache" / "learn-grade"
    if os.geteuid() == 0:  # root passes a mode of 000 by: a file where the folder was
        shutil.rmtree(planted)
        planted.write_text("planted")
    os.chmod(planted, 0)
    try:
        sandbox_mod.hypothesis_tables(tmp_path / "later")
    finally:
        os.chmod(planted, 0o700)
    assert built[-1] == tmp_path / "later" and (tmp_path / "later" / "unicode_data").is_dir()


# ---------------------------------------------------------------------- formats


def sample() -> list[Graded]:
    def test(name, status, points=1.0, hidden=False):
        return TestResult(f"tests/toy/test_ops.py::{name}", "double", points, status,
                          message=f"{status.value} here", hidden=hidden)  # fmt: skip

    ok = LessonResult("toy", "ann", [test("a", Status.PASSED), test("b", Status.PASSED, 2)])
    mixed = LessonResult(
        "toy",
        "ben",
        [
            test("a", Status.PASSED),
            test("b", Status.FAILED, 2),
            test("c", Status.TIMED_OUT),
            test("d", Status.NOT_RUN),
            test("e", Status.NOT_STARTED, hidden=True),
        ],
        flags=["review: toy/ops.py:1 uses subprocess"],
    )
    forged = LessonResult(
        "toy", "cat", [test("a", Status.CRASHED)], error="results not trusted",
        flags=["forged: a test that always fails was reported passed"], outcome=Outcome.FORGED,
    )  # fmt: skip
    missing = LessonResult(
        "toy", "dan", [test("a", Status.ERROR)], error="no toy/", outcome=Outcome.MISSING
    )
    results = [ok, mixed, forged, missing]
    return [Graded(n, [r]) for n, r in zip(["ann", "ben", "cat", "dan"], results, strict=True)]


def test_csv_has_a_row_per_submission_and_lesson():
    rows = list(csv.DictReader(io.StringIO(formats.grades_csv(sample()))))
    assert [(r["submission"], r["score"], r["max_score"], r["status"]) for r in rows] == [
        ("ann", "3", "3", "passed"),
        ("ben", "1", "5", "timed out"),
        ("cat", "0", "1", "forged"),
        ("dan", "0", "1", "missing"),
    ]
    assert "subprocess" in rows[1]["flags"]


def test_junit_counts_failures_errors_and_skips():
    root = ET.fromstring(formats.junit_xml(sample()))
    ben = next(s for s in root.iter("testsuite") if s.get("name") == "ben.toy")
    assert (ben.get("tests"), ben.get("failures"), ben.get("errors"), ben.get("skipped")) == (
        "5", "2", "1", "1",
    )  # fmt: skip
    props = {p.get("name"): p.get("value") for p in ben.iter("property")}
    assert props["score"] == "1" and props["max_score"] == "5"


def test_gradescope_has_a_row_per_exercise_and_hides_hidden_points():
    ben = formats.gradescope(sample()[1])
    assert ben["score"] == 1
    rows = {t["name"]: t for t in ben["tests"]}
    assert list(rows) == ["toy double", "toy double (hidden tests)"]  # no row for "not run"
    visible, hidden = rows["toy double"], rows["toy double (hidden tests)"]
    assert (visible["score"], visible["max_score"], visible["status"]) == (1, 4, "failed")
    assert visible["visibility"] == "visible" and hidden["visibility"] == "hidden"
    assert "b: failed\nfailed here" in visible["output"] and "a:" not in visible["output"]
    assert (hidden["score"], hidden["max_score"]) == (0, 1)
    top = ben["output"]
    assert top.startswith("toy: 1/4  timed out  (not counting the hidden tests)"), top
    assert "1 GPU tests were not run" in top
    assert "1/5" not in top and "0/1" not in top  # the hidden test's points stay hidden
    ann = formats.gradescope(sample()[0])
    assert ann["tests"][0]["output"] == "all 2 tests passed" and ann["output"] == "toy: 3/3  passed"
    cat = formats.gradescope(sample()[2])
    assert "instructor will review" in cat["output"] and "forged" not in cat["output"]
    assert "toy: 0/1  missing\n  no toy/" in formats.gradescope(sample()[3])["output"]


def test_summary_counts_and_shows_the_distribution():
    (toy,) = formats.summarize(sample())
    assert (toy.graded, toy.passed, toy.missing, toy.flagged) == (4, 1, 1, 2)
    assert toy.histogram == [2, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert len(formats.sparkline(toy.histogram)) == 10


def test_summary_says_per_exercise_who_passed_and_the_most_common_first_problem():
    (double,) = formats.summarize_exercises(sample())
    assert (double.graded, double.passed) == (3, 1)  # dan's lesson is missing: not counted
    assert (double.first_problem, double.first_count) == ("c: timed out", 1)
    text = formats.summary_markdown(sample())
    assert "| toy | double | 1/3 |" in text and "](scores.svg)" in text
    svg = ET.fromstring(formats.scores_svg(sample()))
    desc = svg.find("{http://www.w3.org/2000/svg}desc").text
    assert desc.endswith(": 2, 0, 1, 0, 0, 0, 0, 0, 0, 1")  # as the sparkline counts


def test_write_atomic_leaves_the_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "grades.csv"
    formats.write_atomic(path, "old")

    def boom(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        formats.write_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["grades.csv"]


# -------------------------------------------------------------------------- CLI


def test_cli_grade_then_merge(toy, tmp_path, learn):
    roster(toy, {"ann": None, "ben": WRONG_HALVE})
    run = learn(
        "grade", "submissions", "--out", str(tmp_path / "out"), "--jobs", "2",
        "--format", "junit", "--timeout", "5", cwd=toy.root,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 graded" in run.stderr and "toy" in run.stderr
    assert (tmp_path / "out" / "junit.xml").is_file()
    run = learn("grade", "merge", str(tmp_path / "out"), "--out", "merged", cwd=toy.root)
    assert run.returncode == 0, run.stderr
    assert (toy.root / "merged" / "grades.csv").read_text().count("\n") == 3
    run = learn("grade", "nowhere", "--out", "x", cwd=toy.root)
    assert run.returncode == 2


def test_cli_bundle_leaves_the_solutions_out(toy, tmp_path, learn):
    hidden = tmp_path / "hidden" / "toy"
    hidden.mkdir(parents=True)
    (hidden / "test_more.py").write_text(HIDDEN)
    run = learn(
        "grade", "bundle", "--out", str(tmp_path / "gs"), "--tests", str(hidden.parent),
        "--torch-index", "https://wheels.example/cpu", cwd=toy.root,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    names = zipfile.ZipFile(tmp_path / "gs" / "autograder.zip").namelist()
    assert {"setup.sh", "run_autograder", "course.toml"} <= set(names)
    assert "grader/tests/toy/test_ops.py" in names and "hidden-tests/toy/test_more.py" in names
    assert not [n for n in names if n.startswith(("solutions", "exercises"))]
    script = (tmp_path / "gs" / "run_autograder").read_text()
    assert "--tests /autograder/source/hidden-tests" in script and "--format gradescope" in script
    assert os.access(tmp_path / "gs" / "run_autograder", os.X_OK)
    setup = (tmp_path / "gs" / "setup.sh").read_text()
    assert setup.index("apt-get update") < setup.index("apt-get install")
    assert "index=https://wheels.example/cpu\n" in setup and '".[torch]"' in setup
    assert "timeout: at least 6 minutes" in run.stderr and "defaults are enough" in run.stderr
    assert "GRADESCOPE-SETTINGS.txt" not in names


def test_bundle_says_which_gradescope_settings_to_raise():
    course = course_mod.load(Path(__file__).parents[1])
    small = grading.gradescope_settings(
        course, [course.lesson("lesson1")], Limits(lesson_timeout=240)
    )
    assert "at least 5 minutes" in small[1] and small[-1] == "Gradescope's defaults are enough."
    torch = grading.gradescope_settings(course, [course.lesson("lesson2")], Limits())
    assert "memory: at least 1.5 GB" in torch[2] and "Raise them" in torch[-1]


def test_cli_regrade_one_and_say_what_was_reused(toy, tmp_path, learn):
    roster(toy, {"ann": None, "ben": WRONG_HALVE})
    out = tmp_path / "out"
    grade = ("grade", "submissions", "--out", str(out), "--timeout", "5", "--jobs", "2")
    assert learn(*grade, cwd=toy.root).returncode == 0
    run = learn(*grade, "--only", "ann", "--force", cwd=toy.root)
    assert run.returncode == 0, run.stderr
    assert "1 graded, 0 already graded, 1 kept from earlier runs" in run.stderr
    assert rows(out) == [("ann", "4"), ("ben", "3")]
    ben = json.loads((out / "ben.json").read_text())  # as a load spike would leave it
    ben["lessons"][0]["tests"][0]["status"] = "timed out"
    (out / "ben.json").write_text(json.dumps(ben))
    run = learn(*grade, cwd=toy.root)
    assert run.returncode == 0, run.stderr
    assert "2 result(s) reused" in run.stderr and "--force --only NAME" in run.stderr
    assert "1 with a test that timed out or crashed, which a busy machine can cause: ben" in (
        run.stderr
    )
    run = learn(*grade, "--only", "nobody", cwd=toy.root)
    assert run.returncode == 2 and "--only nobody" in run.stderr
    assert "Traceback" not in run.stderr


def listing(folder: Path) -> list[tuple[str, bytes]]:
    return sorted(
        (str(p.relative_to(folder)), p.read_bytes() if p.is_file() else b"")
        for p in folder.rglob("*")
    )


def test_bundle_replaces_its_own_files_and_nothing_else(toy, tmp_path):
    course = course_mod.load(toy.root)
    hidden = tmp_path / "hidden" / "toy"
    hidden.mkdir(parents=True)
    (hidden / "test_more.py").write_text(HIDDEN)
    dest = tmp_path / "gs"
    grading.bundle(course, dest, tests=hidden.parent)
    assert (dest / "hidden-tests" / "toy" / "test_more.py").is_file()
    grading.bundle(course, dest)  # into the earlier bundle, without hidden tests now
    assert not (dest / "hidden-tests").exists()
    names = zipfile.ZipFile(dest / "autograder.zip").namelist()
    assert "grader/tests/toy/test_ops.py" in names
    assert not [n for n in names if n.startswith("hidden-tests") or n == grading.BUNDLE_MANIFEST]
    (dest / "notes.txt").write_text("mine")
    before = listing(dest)
    with pytest.raises(CourseError, match=r"did not write \(notes.txt\)"):
        grading.bundle(course, dest)
    assert listing(dest) == before


def test_bundle_refuses_any_folder_it_did_not_make(toy, tmp_path):
    course = course_mod.load(toy.root)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "notes.txt").write_text("mine")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    refused = {
        tmp_path / "work": "not empty and holds no bundle",
        toy.root: "the course is at",
        toy.root / "gs": "the course is at",
        tmp_path: "the course is at",
        tmp_path / "repo": "is a git checkout",
        tmp_path / "repo" / "gs": "is a git checkout",
    }
    before = listing(tmp_path)
    for dest, message in refused.items():
        with pytest.raises(CourseError, match=message):
            grading.bundle(course, dest)
    assert listing(tmp_path) == before


def test_cli_bundle_into_the_course_is_refused(toy, learn):
    before = listing(toy.root)
    run = learn("grade", "bundle", "--out", ".", cwd=toy.root)
    assert run.returncode == 2 and "the course is at" in run.stderr
    assert "Traceback" not in run.stderr
    assert listing(toy.root) == before


@pytest.mark.parametrize("name", ["student", "roster"])
def test_cli_workflow_templates(toy, name, learn):
    run = learn("grade", "workflow", name, cwd=toy.root)
    assert run.returncode == 0 and "learn grade" in run.stdout
    steps = {
        step.get("name", ""): step
        for job in yaml.safe_load(run.stdout)["jobs"].values()
        for step in job["steps"]
    }
    if name == "student":  # Classroom gets the points, and the check is red until full marks
        grade = steps["Grade"]["run"]
        assert "--format classroom" in grade and "GITHUB_OUTPUT" in grade
        reporter = next(s for s in steps.values() if "grading-reporter" in s.get("uses", ""))
        assert reporter["with"]["runners"] == "learn" and "LEARN_RESULTS" in reporter["env"]
    else:  # a row for a repository that could not be cloned, and the deadline's commit
        fetch = next(s["run"] for n, s in steps.items() if n.startswith("Fetch"))
        assert 'mkdir -p "$dest"' in fetch and "rm -rf" not in fetch  # history kept
        shard = steps["Grade this shard"]
        assert "--roster" in shard["run"] and "--deadline $DEADLINE" in shard["run"]
        assert shard["env"]["DEADLINE"] == "${{ github.event.inputs.deadline }}"


def test_a_lesson_is_graded_with_the_limits_course_toml_gives_it(toy, tmp_path):
    catalogue = toy.root / "course.toml"
    catalogue.write_text(catalogue.read_text().replace(
        'page = "docs/lessons/toy.py"\n',
        'page = "docs/lessons/toy.py"\n[lessons.limits]\ntimeout = 7\nmemory_mb = 1\n',
    ))  # fmt: skip
    course = course_mod.load(toy.root)
    report = grading.grade(course, roster(toy, {"ann": None}), options(tmp_path / "out"))
    (lesson,) = report.graded[0].lessons
    assert lesson.score == 4
    assert "test 7 s CPU" in lesson.isolation  # raised from the run's 5 s
    assert f"memory {LIMITS.memory_mb} MB/process" in lesson.isolation  # never lowered


def test_the_gradebook_has_a_row_per_student_and_a_column_per_exercise():
    students = [
        {"submission": "ann", "id": "s1", "email": "ann@example.org"},
        {"submission": "zed", "id": "s9", "email": "=cmd()"},
    ]
    text = formats.gradebook_csv(sample(), students)
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [
        "submission", "id", "email", "total", "max_score", "percent", "days_late",
        "late_deduction_percent", "final", "toy", "toy double", "note",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["ann", "zed", "ben", "cat", "dan"]
    assert rows[1][1:10] == ["s1", "ann@example.org", "3", "3", "100", "0", "0", "3", "3"]
    assert rows[2][2] == "'=cmd()" and rows[2][-1] == "no submission" and len(rows[2]) == 12
    assert rows[3][-1] == "flagged for review: see summary.md"


def test_cli_students_file_feeds_the_gradebook_and_a_bad_one_is_refused(toy, tmp_path, learn):
    roster(toy, {"ann": None})
    good, bad = tmp_path / "students.csv", tmp_path / "bad.csv"
    good.write_text("submission,id\nann,s1\nbob,s2\n")
    bad.write_text("name,id\nann,s1\n")
    out = tmp_path / "out"
    grade = ("grade", "submissions", "--out", str(out), "--timeout", "5")
    run = learn(*grade, "--students", str(bad), cwd=toy.root)
    assert run.returncode == 2 and "'submission' column" in run.stderr
    assert learn(*grade, "--students", str(good), cwd=toy.root).returncode == 0
    book = (out / "gradebook.csv").read_text(encoding="utf-8-sig").splitlines()
    assert book[1].startswith("ann,s1,4,4,100,0,0,4") and book[2].startswith("bob,s2,,")


LONG_DOUBLE = """
def double(x):
    total = 0
    for step in range(2):
        if step >= 0:
            total = total + x
        else:
            total = total - x
    checks = [total == x + x, isinstance(total, (int, float))]
    return total if all(checks) else None


def halve(x):
    parts = [x / 4 for _ in range(2)]
    return sum(parts)
"""


def test_similar_files_are_listed_for_a_person_and_change_no_score(toy, tmp_path):
    renamed = LONG_DOUBLE.replace("total", "acc").replace("step", "i").replace("checks", "ok")
    folder = roster(toy, {"ann": LONG_DOUBLE, "cat": LONG_DOUBLE, "ben": renamed, "dan": None})
    report = grading.grade(course_mod.load(toy.root), folder, options(tmp_path / "out"))
    assert scores(report) == {"ann": 4, "ben": 4, "cat": 4, "dan": 4}
    text = (tmp_path / "out" / "similarity.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| toy/")]
    assert len(rows) == 3 and all("dan" not in row for row in rows)  # the stub's is nobody's
    assert "| toy/ops.py | ann, cat | 100% | yes |" in rows
    assert report.similar == 3
    assert "see similarity.md" in (tmp_path / "out" / "summary.md").read_text()


def test_classroom_scores_by_points_as_its_reporter_counts_them():
    ben = formats.classroom(sample()[1])
    assert ben["max_score"] == 5 and ben["status"] == "fail"
    passed = sum(t["status"] == "pass" for t in ben["tests"])
    assert passed / len(ben["tests"]) * ben["max_score"] == sample()[1].score  # as it computes
    assert not [t for t in ben["tests"] if t["name"].endswith(": d")]  # not run: not listed
    assert formats.classroom(sample()[0])["status"] == "pass"


def test_a_lesson_without_its_folder_is_missing_and_runs_nothing(toy):
    lesson = course_mod.load(toy.root).lesson("toy")
    expected = [TestResult("t::a", "double"), TestResult("t::b", "double", gpu=True)]
    sandbox = SimpleNamespace(gpu="skip", expected=lambda _: expected)
    result = grading.missing(sandbox, lesson, "ann")
    assert result.outcome is Outcome.MISSING and result.error == "the submission has no toy/ folder"
    assert [t.status for t in result.tests] == [Status.ERROR, Status.NOT_RUN]


def test_one_submission_the_grader_fails_on_does_not_stop_the_class(toy, tmp_path, monkeypatch):
    course = course_mod.load(toy.root)
    folder = roster(toy, {"ann": None, "ben": None})
    real = grading.grade_submission

    def flaky(sandbox, slot, sub, *args, **kwargs):
        if sub.name == "ben":
            raise OSError("disk on fire")
        return real(sandbox, slot, sub, *args, **kwargs)

    monkeypatch.setattr(grading, "grade_submission", flaky)
    report = grading.grade(course, folder, options(tmp_path / "out"))
    assert scores(report) == {"ann": 4, "ben": 0}
    ben = next(g for g in report.graded if g.submission == "ben").lessons[0]
    assert "disk on fire" in ben.error and ben.outcome is Outcome.UNGRADED
    assert report.setup_failures == 1
    monkeypatch.setattr(grading, "grade_submission", real)
    again = grading.grade(course, folder, options(tmp_path / "out"))
    assert again.done == 1 and scores(again) == {"ann": 4, "ben": 4}


@pytest.mark.skipif(os.geteuid() != 0, reason="sandbox users are only made as root")
def test_two_gradings_on_one_machine_never_share_a_user():
    from grader.examiner.host import reserve_uids

    first, first_locks = reserve_uids(2)
    second, second_locks = reserve_uids(2)
    try:
        assert len(first) == len(second) == 2 and not set(first) & set(second)
    finally:
        for fd in first_locks + second_locks:
            os.close(fd)
    third, third_locks = reserve_uids(2)
    for fd in third_locks:
        os.close(fd)
    assert third == first


def test_a_killed_gradings_copies_are_swept_by_the_next(tmp_path, monkeypatch):
    import tempfile

    from grader.examiner.host import sweep_stale_folders, try_lock

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed, running, other = (tmp_path / f"learn-grade-{n}" for n in ("a", "b", "c"))
    for folder in (killed, running, other):
        (folder / "job-0").mkdir(parents=True)
        (folder / "job-0" / "ops.py").write_text("a learner's code\n")
    (killed / ".lock").touch()  # its holder is gone
    held = try_lock(running / ".lock")
    planted = tmp_path / "learn-grade-planted"
    (planted / ".lock").mkdir(parents=True)  # a lock that cannot be opened
    if os.geteuid() == 0:
        os.chown(planted, 65534, 65534)  # and, where we can, someone else's
    try:
        sweep_stale_folders()
        assert not killed.exists()
        assert running.exists() and other.exists()  # alive; not made by a grading
        assert planted.exists() and try_lock(planted / ".lock") is None
    finally:
        os.close(held)


def test_without_a_sandbox_user_nothing_outlives_the_grading(toy, tmp_path):
    """Processes that leave in sessions of their own, the last ones with an empty
    environment (no marker to find them by), each forking the next and exiting."""
    course = course_mod.load(toy.root)
    folder = tmp_path / "class"
    shutil.copytree(ADVERSARIAL / "orphans", folder / "ann")
    report = grading.grade(course, folder, options(tmp_path / "out", isolation="none"))
    assert scores(report) == {"ann": 4}
    sleeps = (b"313.131", b"314.141", b"315.151")
    assert [p for p in processes.proc_entries() if any(s in cmdline(p) for s in sleeps)] == []


def test_the_children_a_program_had_before_it_grades_are_its_own(toy, tmp_path):
    """Grading reaps what submissions leave behind, never the processes of the program
    that grades as a library (this test run's browser was one, killed mid-run)."""
    course = course_mod.load(toy.root)
    mine = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        report = grading.grade(course, roster(toy, {"ann": None}), options(tmp_path / "out"))
        assert scores(report) == {"ann": 4}
        assert mine.poll() is None, f"the grader killed its host's child ({mine.returncode})"
    finally:
        mine.kill()
        mine.wait()


def test_a_stopped_grading_starts_no_test_process_again():
    """On an interrupt every test process is killed, and a judge that saw its process
    die does not start another (that restart made a cancelled CI job linger a minute)."""
    children = processes.Children()
    sleeper = children.start([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert children.stop() == {sleeper.pid}
        with pytest.raises(processes.Stopped):
            children.start([sys.executable, "-c", "pass"])
    finally:
        sleeper.kill()
        sleeper.wait()


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended while we looked
        return b""


# ----------------------------------------------------------------- deadlines, late days


def commit(repo: Path, source: str, when: str) -> None:
    """The toy ops.py as `source`, committed at `when` (the student's clock)."""
    ops = repo / "toy" / "ops.py"
    ops.parent.mkdir(parents=True, exist_ok=True)
    (ops.parent / "__init__.py").touch()
    ops.write_text(source)
    stamp = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    env = {"PATH": os.environ["PATH"], "HOME": str(repo), **stamp,
           "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.org"}  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", when]):
        subprocess.run(["git", "-C", str(repo), *args], env=env, check=True)


def test_a_deadline_grades_each_repository_as_it_was_and_late_days_cost(toy, tmp_path):
    course = course_mod.load(toy.root)
    right = (toy.root / "solutions" / "toy" / "ops.py").read_text()
    folder = tmp_path / "class"
    commit(folder / "early", right, "2026-12-01T10:00:00+00:00")
    commit(folder / "early", WRONG_HALVE, "2026-12-05T10:00:00+00:00")  # too late: not graded
    commit(folder / "late", WRONG_HALVE, "2026-12-01T10:00:00+00:00")
    commit(folder / "late", right, "2026-12-02T09:00:00+00:00")  # 1 day late (part of one)
    commit(folder / "never", right, "2026-12-09T10:00:00+00:00")  # after the late days
    (folder / "upload" / "toy").mkdir(parents=True)  # no repository: students.csv's time
    (folder / "upload" / "toy" / "ops.py").write_text(right)
    students = tmp_path / "students.csv"
    students.write_text("submission,submitted_at\nupload,2026-12-03T12:00:00+00:00\n")
    working = sorted((folder / "early").rglob("*"))
    policy = grading.deadline.Policy(
        grading.deadline.parse_time("2026-12-01T23:59:00Z", "--deadline"), 2, 10
    )
    report = grading.grade(
        course, folder, options(tmp_path / "out", policy=policy, students=students)
    )
    got = {g.submission: (g.score, g.days_late, g.deduction, g.final_score) for g in report.graded}
    assert got == {
        "early": (4, 0, 0, 4),
        "late": (4, 1, 10, 3.6),
        "never": (0, 0, 0, 0),
        "upload": (4, 2, 20, 3.2),
    }
    never = next(g for g in report.graded if g.submission == "never")
    assert never.notes == [
        "no commit before the deadline (2026-12-01T23:59:00+00:00) and 2 late day(s)"
    ]
    assert sorted((folder / "early").rglob("*")) == working  # the student's folder untouched
    assert (folder / "early" / "toy" / "ops.py").read_text() == WRONG_HALVE
    book = list(csv.DictReader(io.StringIO(
        (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8-sig"))))  # fmt: skip
    assert {r["submission"]: r["final"] for r in book} == {
        "early": "4", "late": "3.6", "never": "0", "upload": "3.2"
    }  # fmt: skip


def test_cli_deadline_needs_a_time_zone_and_late_options_need_a_deadline(toy, learn):
    roster(toy, {"ann": None})
    grade = ("grade", "submissions", "--out", "out")
    run = learn(*grade, "--deadline", "2026-12-01T23:59", cwd=toy.root)
    assert run.returncode == 2 and "time zone" in run.stderr, run.stderr
    run = learn(*grade, "--late-days", "2", cwd=toy.root)
    assert run.returncode == 2 and "need a --deadline" in run.stderr, run.stderr
