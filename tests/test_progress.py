"""The learner's progress file: written atomically, recovered when damaged."""

from __future__ import annotations

from grader.loop import progress
from grader.results import LessonResult, Status, TestResult


def test_a_result_is_remembered(tmp_path):
    result = LessonResult("toy", "/x", [TestResult("a", "x", 2, Status.PASSED)])
    progress.record(tmp_path, result)
    last = progress.last(tmp_path, "toy")
    assert last.score == 2 and last.passed is True
    assert last.exercises == {"x": Status.PASSED}


def test_a_missing_or_corrupt_file_is_no_progress(tmp_path):
    assert progress.last(tmp_path, "toy") is None
    (tmp_path / ".learn").mkdir()
    for junk in (
        "{not json", "[]", '{"lessons": 3}', '{"lessons": {"toy": 7}}',
        '{"lessons": {"toy": {"status": "great"}}}',
        '{"lessons": {"toy": {"status": "passed", "exercises": {"x": "odd"}}}}',
    ):  # fmt: skip
        (tmp_path / ".learn" / "progress.json").write_text(junk)
        assert progress.last(tmp_path, "toy") is None
    progress.record(tmp_path, LessonResult("toy", "/x", [TestResult("a", "x")]))
    assert progress.last(tmp_path, "toy").status is Status.CRASHED
