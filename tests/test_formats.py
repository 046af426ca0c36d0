"""What `learn grade` writes, when a student's text is hostile: control characters in a
test's message, HTML and Markdown in a flagged line, a formula for a name. Every file
stays well-formed for the whole class, and nothing of it is run or rendered."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

from grader.examiner import formats
from grader.examiner.formats import Graded
from grader.results import LessonResult, Status, TestResult

FORBIDDEN = "\x00\x08\x0b\x1b\x7f\x9b\udcff\ufffe"  # in XML, or on a terminal
CONTROL = "\x00\x08\x0b\x1b[31m\x7f\x9b\udcff\ufffe"
HTML = "<img src=x onerror=alert(1)> [click](https://example.com) **bold** `code` a|b"


def hostile() -> list[Graded]:
    """A class in which one submission's name, messages and flags are hostile."""
    message = f"expected 1, got {CONTROL}\n<script>alert(1)</script>"
    evil = LessonResult(
        "toy",
        "=HYPERLINK(1)",
        [TestResult("tests/toy/test_ops.py::test_a", "double", 1.0, Status.FAILED, message)],
        error=f"-2+3 {CONTROL}",
        flags=[f"review: toy/ops.py:1 uses eval: {HTML}", f"@SUM(1) {CONTROL}\n# Heading"],
    )
    ok = LessonResult(
        "toy", "ann", [TestResult("tests/toy/test_ops.py::test_a", "double", 1.0, Status.PASSED)]
    )
    return [Graded(f"=HYPERLINK(1)\n{CONTROL}", [evil]), Graded("ann", [ok])]


def test_junit_stays_well_formed_for_the_class():
    root = ET.fromstring(formats.junit_xml(hostile()))  # ill-formed XML raises here
    names = [suite.get("name") for suite in root.iter("testsuite")]
    assert names == ["=HYPERLINK(1)\n[31m.toy", "ann.toy"]
    (failure,) = root.iter("failure")
    assert failure.text.startswith("expected 1, got [31m\n<script>")


def test_the_summary_shows_a_students_text_and_runs_none_of_it():
    text = formats.summary_markdown(hostile())
    flagged = text.split("## Flagged for review\n\n")[1].splitlines()
    assert len(flagged) == 2 and all(line.startswith("- ") for line in flagged)
    assert not re.search(r"(?<!\\)[<\[`*|]", text.split("## Flagged")[1])  # all escaped
    assert r"\<img src=x onerror=alert(1)\>" in flagged[0]
    assert r"\[click\](https://example.com) \*\*bold\*\* \`code\` a\|b" in flagged[0]
    assert flagged[1] == r"- =HYPERLINK(1) \[31m toy: \@SUM(1) \[31m # Heading"
    assert not set(FORBIDDEN) & set(text)


def test_the_csv_holds_no_formula_and_no_control_character():
    rows = list(csv.reader(io.StringIO(formats.grades_csv(hostile()))))
    evil = next(row for row in rows if row[1] == "toy" and row[0] != "ann")
    submission, *_, flags, error, _days_late, _deduction = evil
    assert submission == "'=HYPERLINK(1)\n[31m"
    assert error.startswith("'-2+3") and flags.startswith("review: toy/ops.py:1")
    assert formats.csv_cell("@SUM(1)") == "'@SUM(1)" and formats.csv_cell("+1") == "'+1"
    assert formats.csv_cell("\tx") == "'\tx" and formats.csv_cell("alice") == "alice"
    assert not set(FORBIDDEN) & set("".join(evil))


def test_gradescope_gets_strict_json_shown_as_text():
    data = formats.gradescope(hostile()[0])
    text = json.dumps(data)
    assert "\\udcff" not in text and "\\u0000" not in text and "\\u001b" not in text
    json.loads(text, strict=True)
    assert data["output_format"] == data["test_output_format"] == "text"
    assert data["tests"][0]["output"].startswith("a: failed\nexpected 1, got [31m")


def test_the_summary_lists_the_tests_own_errors_for_whoever_keeps_them():
    fault = TestResult(
        "tests/toy/test_ops.py::test_b", "double", 1.0, Status.TEST_ERROR,
        "IndexError: list index out of range\nthe test itself raised this, not your code",
    )  # fmt: skip
    graded = [
        Graded(name, [LessonResult("toy", name, [fault])]) for name in ("ann", "bo")
    ] + hostile()
    text = formats.summary_markdown(graded)
    section = text.split("## Errors in the tests\n\n")[1].split("\n\n")[1].splitlines()
    assert section == [
        "- tests/toy/test\\_ops.py::test\\_b in 2 submission(s): IndexError: list index out of "
        "range"
    ]
    assert "## Errors in the tests" not in formats.summary_markdown(hostile())
