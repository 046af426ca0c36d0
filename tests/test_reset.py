"""`learn reset`: a fresh stub back in place, after confirming, with a backup kept."""

from __future__ import annotations

from click.testing import CliRunner

from grader.authoring import stubs
from grader.cli import cli
from grader.loop import reset

MINE = "def double(x):\n    return 2 * x\n\ndef halve(x):\n    return x / 2\n"


def backups(course) -> list:
    folder = course.root / ".learn" / "backups"
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


def test_reset_with_yes_restores_the_stub_and_keeps_a_backup(course, toy):
    ops = toy.write_ops(MINE)
    stub = stubs.planned(course)[ops]
    result = CliRunner().invoke(cli, ["reset", "toy", "ops.py", "--yes"])
    assert result.exit_code == 0, result.output
    assert ops.read_text() == stub
    (backup,) = backups(course)
    assert backup.read_text() == MINE
    assert backup.relative_to(course.root / ".learn" / "backups").parts[1:] == (
        "exercises",
        "toy",
        "ops.py",
    )
    assert str(backup.parent.parent.parent.relative_to(course.root)) in result.output


def test_reset_asks_first_and_no_changes_nothing(course, toy):
    ops = toy.write_ops(MINE)
    result = CliRunner().invoke(cli, ["reset", "toy"], input="n\n")
    assert result.exit_code == 0 and "Nothing changed" in result.output
    assert "exercises/toy/ops.py" in result.output
    assert ops.read_text() == MINE and not backups(course)
    result = CliRunner().invoke(cli, ["reset", "toy"], input="y\n")
    assert result.exit_code == 0 and ops.read_text() != MINE and len(backups(course)) == 1


def test_with_nobody_to_ask_reset_changes_nothing_and_says_pass_yes(course, toy):
    ops = toy.write_ops(MINE)
    result = CliRunner().invoke(cli, ["reset", "toy"], input="")
    assert result.exit_code == 2 and "pass --yes" in result.output
    assert ops.read_text() == MINE and not backups(course)


def test_nothing_to_reset_when_the_files_are_the_stubs(course):
    result = CliRunner().invoke(cli, ["reset", "toy", "--yes"])
    assert result.exit_code == 0 and "Nothing to reset" in result.output
    assert not backups(course)


def test_a_missing_file_is_recreated_without_a_backup(course):
    ops = course.exercises_dir / "toy" / "ops.py"
    ops.unlink()
    result = CliRunner().invoke(cli, ["reset", "toy", "ops", "-y"])
    assert result.exit_code == 0 and "missing now" in result.output
    assert ops.is_file() and not backups(course)


def test_two_resets_in_the_same_second_keep_both_backups(course, toy):
    lesson = course.lesson("toy")
    toy.write_ops(MINE)
    first = reset.apply(course, reset.plan(course, lesson), now=1_000_000.0)
    toy.write_ops(MINE.replace("2 * x", "x + x"))
    second = reset.apply(course, reset.plan(course, lesson), now=1_000_000.0)
    assert first != second and first.name in second.name
    assert len(backups(course)) == 2


def test_an_unknown_file_names_the_ones_there_are(course):
    result = CliRunner().invoke(cli, ["reset", "toy", "nope.py", "--yes"])
    assert "has no exercise file 'nope.py' (it has: __init__.py, ops.py)" in str(result.exception)
