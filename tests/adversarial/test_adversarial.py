"""`learn grade` against submissions that try to break out, hang the machine or fake
a grade (tests/adversarial/submissions/), each followed by an honest submission.

The whole class is graded once, two at a time, as an instructor would; every case must
get the right score, every honest submission full marks, and nothing may be left on
the machine afterwards. The toy course (tests/conftest.py) keeps it fast.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from grader import course as course_mod
from grader import runner
from grader.examiner import grade as grading
from grader.examiner import host, processes
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
PLANTED = Path("/tmp/learn-adversarial-planted")
ORPHAN_SLEEPS = ("313.131", "314.141")

P, F, E, T, M, C = (
    Status.PASSED,
    Status.FAILED,
    Status.ERROR,
    Status.TIMED_OUT,
    Status.OUT_OF_MEMORY,
    Status.CRASHED,
)
# case: (score out of 4, statuses of test_double_two, test_double_negative, test_halve,
#        what the flags must say: "forged", "review" or "")
CASES = {
    "honest": (4, (P, P, P), ""),
    "endless_loop": (1, (T, T, P), ""),
    "alarm_ignored": (1, (T, T, P), ""),
    "sleeps": (1, (T, T, P), ""),  # one exercise's hang costs no other its points
    "memory_bomb": (1, (M, {M, T}, P), ""),  # creeping: out of memory, or out of time
    "fork_storm": (1, (T, T, P), ""),
    "orphans": (4, (P, P, P), "review"),
    "os_exit_at_import": (0, (C, C, C), "review"),
    "os_exit_mid_run": (2, (P, C, P), "review"),
    "sys_exit_at_import": (0, (E, E, E), ""),
    "huge_output": (1, (E, E, P), ""),  # OSError: File too large
    "syntax_error": (0, (E, E, E), ""),
    "missing_file": (0, (E, E, E), ""),
    "missing_lesson": (0, (E, E, E), ""),
    "forged_conftest": (0, (F, F, F), "review"),
    "forged_customize": (0, (F, F, F), "review"),
    # Forgeries from inside the submission's process: the judge never runs there, so
    # each one is only a wrong (or broken) submission, and its code is flagged for review.
    "forged_classify": (0, (E, E, E), "review"),
    "forged_callinfo": (0, (F, F, F), "review"),
    "forged_hook_plugin": (0, (E, E, E), "review"),
    "forged_channel": (0, (E, E, E), "review"),
    "forged_channel_smart": (0, (E, E, E), "review"),
    "forged_compare": (0, (C, C, C), "review"),  # it broke its own process
    "forged_always_equal": (0, (F, F, F), ""),
    "forged_trace": (0, (F, F, F), ""),
    "forged_status": (0, (F, F, F), "review"),
    "forged_reply": (0, (E, E, E), "review"),
    "channel_flood": (0, (E, E, E), "review"),
    "tamper_tests": (0, (F, F, F), "review"),
    "tamper_judge": (0, (F, F, F), ""),
    "read_solutions": (0, (F, F, F), "review"),
    "read_other_submission": (0, (F, F, F), ""),
    "symlink_out": (0, (E, E, E), "review"),
    "symlink_inside": (4, (P, P, P), ""),
    "attack_grader": (4, (P, P, P), "review"),
}

ISOLATED = os.geteuid() == 0 and os.path.isdir("/proc")
pytestmark = pytest.mark.skipif(not ISOLATED, reason="the full sandbox needs root on Linux")


def build_course(root: Path) -> Toy:
    (root / "grader" / "tests" / "toy").mkdir(parents=True)
    (root / "course.toml").write_text(CATALOGUE, encoding="utf-8")
    (root / "grader" / "tests" / "toy" / "test_ops.py").write_text(TESTS, encoding="utf-8")
    toy = Toy(root)
    toy.write_ops(SOLUTION, "solutions")
    return toy


def build_roster(root: Path, solutions: Path, cases) -> Path:
    """Each case, then an honest submission graded after it."""
    roster = root / "submissions"
    for case in cases:
        shutil.copytree(HERE / case, roster / case)
        shutil.copytree(HERE / "honest", roster / f"{case}_then_honest")
    for path in list(roster.rglob("*.in")):  # conftest.py.in -> conftest.py, ...
        path.rename(path.with_suffix(""))
    for path in roster.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("@SOLUTIONS@", str(solutions)).replace("@SUBMISSIONS@", str(roster))
        path.write_text(text, encoding="utf-8")
    if "symlink_out" in cases:
        (roster / "symlink_out" / "toy" / "ops.py").symlink_to(solutions / "toy" / "ops.py")
    if "symlink_inside" in cases:
        ops = roster / "symlink_inside" / "toy" / "ops.py"
        ops.parent.mkdir(parents=True, exist_ok=True)  # git keeps no empty folder
        ops.symlink_to(Path("..", "shared", "ops.py"))
    return roster


def sandbox_traces() -> set[str]:
    """What a sandbox can leave behind: processes of its users, its folders, its cgroups."""
    uids = range(host.UID_BASE, host.UID_BASE + 4000)
    found = {f"process {pid}" for pid in processes.proc_entries() if processes.uid_of(pid) in uids}
    found |= {f"folder {p}" for p in Path(tempfile.gettempdir()).glob("learn-grade-*")}
    for controller in ("pids", "memory", "cpu"):
        found |= {f"cgroup {p}" for p in Path("/sys/fs/cgroup", controller).rglob("learn-grade-*")}
    return found


def orphan_sleeps() -> list[str]:
    found = []
    for pid in processes.proc_entries():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(mark in cmdline for mark in ORPHAN_SLEEPS):
            found.append(cmdline)
    return found


LIMITS = host.Limits(timeout=2, lesson_timeout=30, memory_mb=1024, file_mb=8)


@pytest.fixture(scope="module")
def traces_before() -> set[str]:
    """Left by something else on this machine (a killed run of the grader): not ours."""
    return sandbox_traces()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, traces_before):
    root = tmp_path_factory.mktemp("adversarial")
    toy = build_course(root / "course")
    cases = list(CASES)
    roster = build_roster(root, toy.root / "solutions", cases)
    PLANTED.unlink(missing_ok=True)
    course = course_mod.load(toy.root)
    options = grading.GradeOptions(out=root / "out", jobs=2, limits=LIMITS, formats=("junit",))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "KILL_GRACE", 1.0)
        report = grading.grade(course, roster, options)
    return {g.submission: g for g in report.graded}, report, root


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_gets_the_right_score(graded, case):
    results, _, _ = graded
    score, statuses, flagged = CASES[case]
    (lesson,) = results[case].lessons
    found = {t.test.split("::")[-1]: t.status for t in lesson.tests}
    names = ("test_double_two", "test_double_negative", "test_halve")
    for name, expected in zip(names, statuses, strict=True):
        assert found[name] in (expected if isinstance(expected, set) else {expected}), lesson.tests
    assert lesson.score == score and lesson.max_score == 4
    flags = " ".join([*results[case].notes, *lesson.flags])
    assert (lesson.outcome is Outcome.FORGED) is (flagged == "forged"), flags
    if flagged == "review":
        assert "review:" in flags


@pytest.mark.parametrize("case", list(CASES))
def test_the_honest_submission_after_each_case_gets_full_marks(graded, case):
    results, _, _ = graded
    (lesson,) = results[f"{case}_then_honest"].lessons
    assert lesson.score == lesson.max_score == 4, lesson.tests
    assert lesson.flags == [] and not lesson.error


def test_every_result_names_its_isolation(graded):
    results, report, _ = graded
    assert "dedicated unprivileged user" in report.isolation
    for sub in results.values():
        for lesson in sub.lessons:
            assert lesson.isolation.startswith(("learn grade examiner", "not run"))


def test_nothing_is_left_on_the_machine(graded, traces_before):
    _, _, root = graded
    assert sandbox_traces() - traces_before == set()
    assert orphan_sleeps() == []
    assert not PLANTED.exists(), "a submission wrote into the machine's /tmp"
    assert (root / "course" / "grader" / "tests" / "toy" / "test_ops.py").read_text() == TESTS


def test_outputs_are_complete(graded):
    results, _, root = graded
    out = root / "out"
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + len(results)
    assert not list(out.glob(".tmp-*"))
    assert (out / "junit.xml").read_text().count("<testsuite ") == len(results)
    missing = next(r for r in rows if r.startswith("missing_lesson,"))
    assert ",missing," in missing
