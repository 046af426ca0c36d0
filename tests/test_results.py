"""The result model: statuses, scores, exercise grouping, JSON round trip."""

from __future__ import annotations

from dataclasses import replace

from grader.results import ExerciseResult, LessonResult, Outcome, Status, TestResult


def lesson(*tests: TestResult) -> LessonResult:
    return LessonResult("toy", "/somewhere", list(tests))


def test_score_counts_passed_points_and_ignores_tests_not_run():
    result = lesson(
        TestResult("a", "x", 2, Status.PASSED),
        TestResult("b", "x", 1, Status.FAILED),
        TestResult("c", "y", 5, Status.NOT_RUN, gpu=True),
    )
    assert (result.score, result.max_score) == (2, 3)
    assert not result.passed


def test_passed_needs_every_runnable_test_to_pass():
    assert lesson(
        TestResult("a", "x", 1, Status.PASSED), TestResult("b", "x", 1, Status.NOT_RUN)
    ).passed
    assert not lesson(TestResult("a", "x", 1, Status.NOT_STARTED)).passed
    assert not lesson().passed
    assert not LessonResult(
        "toy", "/", [TestResult("a", "x", 1, Status.PASSED)], error="boom"
    ).passed


def test_an_exercise_shows_its_most_urgent_status():
    result = lesson(
        TestResult("a", "x", 1, Status.PASSED),
        TestResult("b", "x", 1, Status.NOT_STARTED),
        TestResult("c", "x", 1, Status.FAILED, "wrong"),
        TestResult("d", "y", 1, Status.PASSED),
        TestResult("e", "z", 1, Status.NOT_RUN),
    )
    groups = {g.name: g for g in result.exercises(["z", "y", "x"])}
    assert list(groups) == ["z", "y", "x"]
    assert groups["x"].status is Status.FAILED and groups["x"].first_problem.message == "wrong"
    assert groups["y"].status is Status.PASSED
    assert groups["z"].status is Status.NOT_RUN


def test_the_problem_shown_is_the_one_a_test_written_for_it_found():
    """`grad =` for `+=`: a broad test fails first, the one about accumulating names its
    section; the learner reads that one, and is sent to that section."""
    result = lesson(
        TestResult("broad", "value", 1, Status.FAILED, "random program: r3.grad differs"),
        TestResult("twice", "value", 1, Status.FAILED, "(a + a).backward()", section="Why"),
    )
    (value,) = result.exercises()
    assert value.first_problem.test == "twice"
    alone = lesson(TestResult("broad", "value", 1, Status.FAILED, "r3.grad differs"))
    assert alone.exercises()[0].first_problem.test == "broad"


def test_json_round_trip_keeps_everything():
    result = lesson(TestResult("a", "x", 1.5, Status.TIMED_OUT, "slow", "f.py:3", 2.0, "cpu"))
    result.outcome = Outcome.FORGED
    again = LessonResult.from_dict(result.to_dict())
    assert again == result and again.tests[0].status is Status.TIMED_OUT
    assert again.outcome is Outcome.FORGED


def test_json_from_before_outcomes_reads_as_graded():
    old = {k: v for k, v in lesson().to_dict().items() if k != "outcome"}
    assert LessonResult.from_dict(old).outcome is Outcome.GRADED


def test_a_lesson_half_done_and_half_not_begun_is_in_progress():
    """Not "not started" beside a score: what `learn list`, JSON and the CSV say of it."""
    done = TestResult("t1", "step", status=Status.PASSED)
    todo = TestResult("t2", "relu", status=Status.NOT_STARTED)
    wrong = TestResult("t3", "relu", status=Status.FAILED)
    assert LessonResult("l", "x", [done, todo]).status is Status.IN_PROGRESS
    assert LessonResult("l", "x", [todo]).status is Status.NOT_STARTED
    assert LessonResult("l", "x", [done, todo, wrong]).status is Status.FAILED


def test_an_error_every_test_shares_is_shown_from_the_first_test():
    """A file that does not load errs in every test alike: the first shows it, not the
    one that names a section for a particular mistake (summary.md counts it so)."""
    plain = TestResult("t1", "e", status=Status.ERROR, message="SyntaxError")
    named = TestResult("t2", "e", status=Status.ERROR, message="SyntaxError", section="s")
    assert ExerciseResult("e", [plain, named]).first_problem is plain
    failed = replace(named, status=Status.FAILED)
    assert (
        ExerciseResult("e", [replace(plain, status=Status.FAILED), failed]).first_problem is failed
    )
