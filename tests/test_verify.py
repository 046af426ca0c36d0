"""`learn dev verify` must be able to fail: a survivor, a passing stub, a broken solution,
a rejected variant."""

from __future__ import annotations

from grader import course as course_mod
from grader.authoring import verify


def add_mutant(toy, name: str, source: str) -> None:
    folder = toy.root / "grader" / "mutants" / "toy" / "ops"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(source)


def add_variant(toy, name: str, source: str) -> None:
    folder = toy.root / "grader" / "variants" / "toy" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ops.py").write_text(source)


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
        "solutions pass (direct)",
        "solutions pass (remote)",
        "stubs are all 'not started' (direct)",
        "stubs are all 'not started' (remote)",
    }


def test_a_test_that_differs_between_transports_fails_verification(toy):
    """A test that would judge the learner's process from inside it (here: reading a
    module global of the learner's file directly) passes one way only: verify says so."""
    toy.write_stubs()
    tests = toy.root / "grader" / "tests" / "toy" / "test_ops.py"
    tests.write_text(
        tests.read_text()
        + "\n\n@pytest.mark.exercise('halve')\ndef test_same_process():\n"
        + "    import sys\n    ops.halve\n    assert 'toy.ops' in sys.modules\n"
    )
    report = run_verify(toy)
    failed = {check.what for check in report.checks if not check.ok}
    assert "solutions: the same results in every transport" in failed


def test_a_rejected_variant_fails_verification_and_names_the_tests(toy):
    toy.write_stubs()
    add_variant(toy, "by_half", '"""halve as x * 0.5."""\n\n\ndef halve(x):\n    return x * 0.5\n')
    # stands for a correct style that too strict a test would reject
    off = '"""double, one off."""\n\n\ndef double(x):\n    return 2 * x + 1\n'
    add_variant(toy, "rejected", off)
    report = run_verify(toy)
    assert all(check.ok for check in report.checks), report.checks
    outcomes = {v.variant.name: v for v in report.variants}
    assert outcomes["by_half"].accepted and not outcomes["rejected"].accepted
    assert report.acceptance("toy") == (1, 2)
    assert not report.ok
    detail = outcomes["rejected"].detail
    assert detail.startswith("direct and remote: 2 tests lose points"), detail
    assert "test_double_two" in detail and "test_double_negative" in detail
    assert "test_halve" not in detail


def test_a_mutant_that_names_its_only_test_must_cost_that_test_alone(toy):
    """A mistake that costs a second test too makes that test fail for another's reason."""
    toy.write_stubs()
    pin = "\n\nRejected only by: test_double_two\n"
    add_mutant(toy, "wrong_at_two", f'"""double(2) is 5.{pin}"""\n\n\ndef double(x):\n'
               "    return 5 if x == 2 else 2 * x\n")  # fmt: skip
    add_mutant(
        toy, "triples", f'"""double triples.{pin}"""\n\n\ndef double(x):\n    return 3 * x\n'
    )
    report = run_verify(toy)
    outcomes = {m.mutant.name: m for m in report.mutants}
    assert outcomes["wrong_at_two"].ok, outcomes["wrong_at_two"]
    assert outcomes["wrong_at_two"].by == "test_double_two, and no other test"
    triples = outcomes["triples"]
    assert triples.caught and not triples.ok and not report.ok
    assert triples.astray == (
        "it names test_double_two: also rejected by test_double_negative (direct); "
        "also rejected by test_double_negative (remote)"
    )
