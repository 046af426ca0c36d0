"""`learn dev verify` must be able to fail: a survivor, a passing stub, a broken solution."""

from __future__ import annotations

from grader import course as course_mod
from grader.authoring import verify


def add_mutant(toy, name: str, source: str) -> None:
    folder = toy.root / "grader" / "mutants" / "toy" / "ops"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(source)


def run_verify(toy) -> verify.Report:
    course = course_mod.load(toy.root)
    return verify.verify(course, list(course.lessons), jobs=2)


def test_a_sound_lesson_verifies_and_a_survivor_fails_it(toy):
    toy.write_stubs()
    add_mutant(toy, "adds_two", '"""double adds 2."""\n\n\ndef double(x):\n    return x + 2\n')
    add_mutant(
        toy, "same", '"""double as x + x: not a mistake."""\n\n\ndef double(x):\n    return x + x\n'
    )
    report = run_verify(toy)
    assert all(check.ok for check in report.checks), report.checks
    outcomes = {m.mutant.name: m.caught for m in report.mutants}
    assert outcomes == {"adds_two": True, "same": False}
    assert report.catch_rate("toy") == (1, 2)
    assert not report.ok


def test_stale_stubs_and_a_broken_solution_are_reported(toy):
    toy.write_ops("def double(x):\n    return 2 * x\n\ndef halve(x):\n    return x\n")  # passes one
    toy.write_ops(
        "def double(x):\n    return 3 * x\n\ndef halve(x):\n    return x / 2\n", "solutions"
    )
    report = run_verify(toy)
    failed = {check.what for check in report.checks if not check.ok}
    assert failed == {
        "exercises/ is generated from solutions/",
        "solutions pass",
        "stubs are all 'not started'",
    }
