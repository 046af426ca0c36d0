"""`learn grade` against submissions that try to break out, hang the machine or fake
a grade (tests/adversarial/submissions/), each followed by an honest submission.

The whole class is graded once, two at a time, as an instructor would; every case must
get the right score, every honest submission full marks, a later run must start
whatever was planted, and nothing may be left on the machine afterwards. The toy
course (tests/conftest.py) keeps it fast.

Run as root, the grader has the full sandbox (a user of its own per job, namespaces,
cgroups). Run as a plain user, it has process limits only and the submission runs as
the grader's own user: a few cases then get what docs/instructors.md says that mode
does not defend against (AS_GRADERS_USER). As root, the suite also runs again as a
plain user, beside the root run (conftest.py, test_plain_user.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from grader import course as course_mod
from grader import runner
from grader.examiner import grade as grading
from grader.examiner import host, processes, sandbox
from grader.results import Outcome, Status

HERE = Path(__file__).parent / "submissions"  # files named *.in lose the suffix when used


def _toy_course():
    """tests/conftest.py's toy course, loaded by path: the submissions hold conftest
    files of their own, so `import conftest` could find the wrong one."""
    path = Path(__file__).parents[1] / "conftest.py"
    spec = importlib.util.spec_from_file_location("_toy_course", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


toy_course = _toy_course()
CATALOGUE, SOLUTION, TESTS, Toy = (
    toy_course.CATALOGUE,
    toy_course.SOLUTION,
    toy_course.TESTS,
    toy_course.Toy,
)
ISOLATED = os.geteuid() == 0  # the full sandbox; else process limits only
ORPHAN_SLEEPS = ("313.131", "314.141", "315.151")
TOKEN = "LEARN_ADVERSARIAL_TOKEN"  # a secret in the grader's environment (read_grader)
# What a submission leaves in the machine's /tmp where it can reach it: removed
# before the grading and after it (the sandbox's /tmp is its own, where it has one).
PLANTED = [
    Path("/tmp/learn-adversarial-planted"),  # attack_grader
    Path("/tmp/learn-adversarial-note"),  # note_plant
    Path("/tmp/learn-grade-planted"),  # plant_lock: a lock folder of mode 000
]

P, F, E, T, M, C = (
    Status.PASSED,
    Status.FAILED,
    Status.ERROR,
    Status.TIMED_OUT,
    Status.OUT_OF_MEMORY,
    Status.CRASHED,
)
# case: (score out of 4, statuses of test_double_two, test_double_negative, test_halve,
#        what the flags must say: "forged" (the outcome), else text found in them)
# The classes of issue 12 are numbered in the comments.
CASES = {
    "honest": (4, (P, P, P), ""),
    "endless_loop": (1, (T, T, P), ""),
    "alarm_ignored": (1, (T, T, P), ""),
    "sleeps": (1, (T, T, P), ""),  # one exercise's hang costs no other its points
    "memory_bomb": (1, (M, {M, T}, P), ""),  # creeping: out of memory, or out of time
    "fork_storm": (1, (T, T, P), ""),
    "os_exit_at_import": (0, (C, C, C), "review:"),
    "os_exit_mid_run": (2, (P, C, P), "review:"),
    "sys_exit_at_import": (0, (E, E, E), ""),
    "huge_output": (1, (E, E, P), ""),  # OSError: File too large
    "syntax_error": (0, (E, E, E), ""),
    "missing_file": (0, (E, E, E), ""),
    "missing_lesson": (0, (E, E, E), ""),
    # 1. Forgeries from inside the submission's process: the judge never runs there, so
    # each one is only a wrong (or broken) submission, and its code is flagged for review.
    "forged_conftest": (0, (F, F, F), "review:"),
    "forged_customize": (0, (F, F, F), "review:"),
    "forged_classify": (0, (E, E, E), "review:"),
    "forged_callinfo": (0, (F, F, F), "review:"),
    "forged_hook_plugin": (0, (E, E, E), "review:"),
    "forged_channel": (0, (E, E, E), "review:"),
    "forged_channel_smart": (0, (E, E, E), "review:"),
    "forged_compare": (0, (C, C, C), "review:"),  # it broke its own process
    "forged_always_equal": (0, (F, F, F), ""),
    "forged_trace": (0, (F, F, F), ""),
    "forged_status": (0, (F, F, F), "review:"),
    "forged_reply": (0, (E, E, E), "review:"),
    "channel_flood": (0, (E, E, E), "review:"),
    "tamper_tests": (0, (F, F, F), "review:"),
    "tamper_judge": (0, (F, F, F), ""),
    # 2. Review evasion: native code beside the module is never staged (Python would
    # import it first); a name that is not UTF-8 is staged and shown escaped (5).
    "odd_files": (4, (P, P, P), "compiled extension"),
    # 3. Hidden tests: the judge's copy of the tests is out of the sandbox's sight.
    "read_judge_tests": (0, (F, F, F), ""),
    "read_solutions": (0, (F, F, F), "review:"),
    "read_other_submission": (0, (F, F, F), ""),
    "symlink_out": (0, (E, E, E), "review:"),
    "symlink_inside": (4, (P, P, P), ""),
    # 4. Control characters and markup in messages (test_outputs_are_complete).
    "inject_report": (0, (E, E, E), "review:"),
    # 5. A real-time signal (which has no name) kills the process of one exercise.
    "realtime_signal": (1, (C, C, P), "review:"),
    # 6. A channel between submissions: a note left for the next one graded.
    "note_plant": (0, (F, F, F), ""),
    "note_read": (0, (F, F, F), ""),
    # 7. Processes that outlive the grading (the last in sessions of their own with an
    # empty environment); the grader's environment and pipes; planted lock folders.
    "orphans": (4, (P, P, P), "review:"),
    "read_grader": (0, (F, F, F), "review:"),
    "plant_lock": (4, (P, P, P), ""),
    "attack_grader": (4, (P, P, P), "review:"),
}
# Without root the submission runs as the grader's own user: it can read and write
# what that user can and signal its processes. docs/instructors.md says so ("What it
# does not defend against"); these cases show it. Every other case gets the same.
AS_GRADERS_USER = {
    "tamper_judge": (0, (C, C, C), "forged"),  # caught by the tamper check: forfeited
    "read_judge_tests": (0, (E, E, E), ""),  # the tests' source shown in its feedback
    "read_solutions": (4, (P, P, P), "review:"),
    "read_other_submission": (4, (P, P, P), ""),
    "note_read": (4, (P, P, P), ""),  # note_plant, graded just before, left the answers
    "attack_grader": (1, (C, C, P), "review:"),  # it killed its own judge
}
EXPECTED = CASES if ISOLATED else {**CASES, **AS_GRADERS_USER}

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="learn grade runs on Linux"
)


def build_course(root: Path) -> Toy:
    (root / "grader" / "tests" / "toy").mkdir(parents=True)
    (root / "course.toml").write_text(CATALOGUE, encoding="utf-8")
    (root / "grader" / "tests" / "toy" / "test_ops.py").write_text(TESTS, encoding="utf-8")
    toy = Toy(root)
    toy.write_ops(SOLUTION, "solutions")
    return toy


def build_roster(root: Path, solutions: Path, cases, cache: Path) -> Path:
    """Each case, then an honest submission graded after it; `cache` is the grader's."""
    roster = root / "submissions"
    for case in cases:
        shutil.copytree(HERE / case, roster / case)
        shutil.copytree(HERE / "honest", roster / f"{case}_then_honest")
    for path in list(roster.rglob("*.in")):  # conftest.py.in -> conftest.py, ...
        path.rename(path.with_suffix(""))
    marks = {"@SOLUTIONS@": solutions, "@SUBMISSIONS@": roster, "@CACHE@": cache}
    for path in roster.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for mark, value in marks.items():
            text = text.replace(mark, str(value))
        path.write_text(text, encoding="utf-8")
    if "symlink_out" in cases:
        (roster / "symlink_out" / "toy" / "ops.py").symlink_to(solutions / "toy" / "ops.py")
    if "symlink_inside" in cases:
        ops = roster / "symlink_inside" / "toy" / "ops.py"
        ops.parent.mkdir(parents=True, exist_ok=True)  # git keeps no empty folder
        ops.symlink_to(Path("..", "shared", "ops.py"))
    if "odd_files" in cases:
        odd = roster / "odd_files" / "toy"
        (odd / f"ops{EXTENSION_SUFFIXES[0]}").write_bytes(b"\x7fELF\x02\x01\x01")
        with open(os.path.join(os.fsencode(odd), b"caf\xe9.txt"), "w") as latin:
            latin.write("not UTF-8\n")
    return roster


def sandbox_uids() -> set[int] | range:
    """The users a sandbox runs as: its own (as root), else the grader's."""
    return range(host.UID_BASE, host.UID_BASE + 4000) if ISOLATED else {os.getuid()}


def sandbox_traces() -> set[str]:
    """What a sandbox can leave behind: processes of its users (as a plain user, those
    with its marker), its folders, its cgroups."""
    uids = sandbox_uids()
    found = {
        f"process {pid}"
        for pid in processes.proc_entries()
        if processes.uid_of(pid) in uids and (ISOLATED or b"LEARN_SANDBOX=" in environ(pid))
    }
    for folder in Path(tempfile.gettempdir()).glob("learn-grade-*"):
        with contextlib.suppress(OSError):
            if folder.lstat().st_uid == os.geteuid():  # not a grading of another user
                found.add(f"folder {folder}")
    if ISOLATED:
        for controller in ("pids", "memory", "cpu"):
            cgroups = Path("/sys/fs/cgroup", controller).rglob("learn-grade-*")
            found |= {f"cgroup {p}" for p in cgroups}
    return found


def environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def orphan_sleeps() -> list[str]:
    found = []
    uids = sandbox_uids()
    for pid in processes.proc_entries():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(mark in cmdline for mark in ORPHAN_SLEEPS) and processes.uid_of(pid) in uids:
            found.append(cmdline)
    return found


def remove_planted() -> list[str]:
    """Remove what the submissions left in /tmp (folders of mode 000 included); say what."""
    found = [str(path) for path in PLANTED if os.path.lexists(path)]
    for path in PLANTED:
        if path.is_dir() and not path.is_symlink():
            unlock(path)
            shutil.rmtree(path)
        elif os.path.lexists(path):
            path.unlink()
    return found


def unlock(folder: Path) -> None:
    os.chmod(folder, 0o700)
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            unlock(Path(entry.path))


def own_cache(root: Path) -> Path:
    """A cache folder for the grader (XDG_CACHE_HOME, where plant_lock plants), seeded
    with what the real one holds: the real one is never touched."""
    cache = root / "cache"
    with contextlib.suppress(OSError, shutil.Error):
        shutil.copytree(sandbox.cache_folder(), cache / "learn-grade", symlinks=True)
    return cache


LIMITS = host.Limits(timeout=2, lesson_timeout=30, memory_mb=1024, file_mb=8)


@pytest.fixture(scope="module")
def traces_before() -> set[str]:
    """Left by something else on this machine (a killed run of the grader): not ours."""
    remove_planted()
    return sandbox_traces()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, traces_before):
    """The class graded; then a later run, after whatever the class planted; then what
    it planted in /tmp, removed."""
    root = tmp_path_factory.mktemp("adversarial")
    toy = build_course(root / "course")
    cache = own_cache(root)
    roster = build_roster(root, toy.root / "solutions", list(CASES), cache / "learn-grade")
    course = course_mod.load(toy.root)
    options = grading.GradeOptions(out=root / "out", jobs=2, limits=LIMITS, formats=("junit",))
    later = root / "later"
    shutil.copytree(HERE / "honest", later / "honest")
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(runner, "KILL_GRACE", 1.0)
            mp.setenv("XDG_CACHE_HOME", str(cache))
            mp.setenv(TOKEN, "a secret of the grader's")
            report = grading.grade(course, roster, options)
            again = grading.GradeOptions(out=root / "out-later", limits=LIMITS)
            later_run = grading.grade(course, later, again)
    finally:
        planted = remove_planted()
        if (cache / "learn-grade").is_dir():
            unlock(cache / "learn-grade")
    results = {g.submission: g for g in report.graded}
    return results, report, root, later_run, planted


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_gets_the_right_score(graded, case):
    results, *_ = graded
    score, statuses, flagged = EXPECTED[case]
    (lesson,) = results[case].lessons
    found = {t.test.split("::")[-1]: t.status for t in lesson.tests}
    names = ("test_double_two", "test_double_negative", "test_halve")
    for name, expected in zip(names, statuses, strict=True):
        assert found[name] in (expected if isinstance(expected, set) else {expected}), lesson.tests
    assert lesson.score == score and lesson.max_score == 4
    flags = " ".join([*results[case].notes, *lesson.flags])
    assert (lesson.outcome is Outcome.FORGED) is (flagged == "forged"), flags
    if flagged != "forged":
        assert flagged in flags


@pytest.mark.parametrize("case", list(CASES))
def test_the_honest_submission_after_each_case_gets_full_marks(graded, case):
    results, *_ = graded
    (lesson,) = results[f"{case}_then_honest"].lessons
    assert lesson.score == lesson.max_score == 4, lesson.tests
    assert lesson.flags == [] and not lesson.error


def test_every_result_names_its_isolation(graded):
    results, report, *_ = graded
    if ISOLATED:
        assert "user: a dedicated unprivileged user per job" in report.isolation
    else:  # and so one submission at a time, whatever --jobs asked for
        assert "user: the grader's own user" in report.isolation
        assert any("one submission at a time, not 2" in w for w in report.warnings)
    for sub in results.values():
        for lesson in sub.lessons:
            assert lesson.isolation.startswith(("learn grade examiner", "not run"))


def test_a_later_run_starts_whatever_the_class_planted(graded):
    *_, later_run, planted = graded
    (honest,) = later_run.graded
    assert honest.score == 4
    if ISOLATED:
        assert planted == [], "a submission wrote into the machine's /tmp"
    else:  # it could, as the grader's own user; the next run passed over it
        assert planted == [str(path) for path in PLANTED]


def test_nothing_is_left_on_the_machine(graded, traces_before):
    _, _, root, *_ = graded
    assert sandbox_traces() - traces_before == set()
    assert orphan_sleeps() == []
    assert (root / "course" / "grader" / "tests" / "toy" / "test_ops.py").read_text() == TESTS


def test_outputs_are_complete(graded):
    results, _, root, *_ = graded
    out = root / "out"
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(results)
    assert not list(out.glob(".tmp-*"))
    junit = ET.parse(out / "junit.xml").getroot()  # ill-formed XML raises here
    assert len(list(junit.iter("testsuite"))) == len(results)
    missing = next(r for r in rows if r.startswith("missing_lesson,"))
    assert ",missing," in missing
    summary = (out / "summary.md").read_text()
    assert "alert('graded')" in summary and not re.search(r"(?<!\\)<script", summary)
    assert not re.search(r"[\x00\x07\x1b]", summary + (out / "junit.xml").read_text())
