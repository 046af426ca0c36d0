"""Lessons solved and checked on their page, in Chromium, with nothing installed.

The page runs the lesson's own tests under Pyodide (mkdocs_hooks/pyodide.py); its
answer must be the JSON `learn check --format json` prints for the same files, but for
where the folder is and how long each test took. Every request stays on the local
server (the `tab` fixture aborts and records any other).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from sitekit import AXE, ROOT, SERIOUS, lesson_url, lessons

SOLUTIONS = ROOT / "solutions"
EDITOR = ".learn-editor .CodeMirror"  # CodeMirror 5 keeps the editor on its element


@pytest.fixture(scope="module")
def course_json(built_site: Path) -> dict:
    path = built_site / "assets" / "learn" / "course.json"
    if not path.is_file():
        reason = (
            "the site was built without in-browser checking: run python mkdocs_hooks/pyodide.py"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so these tests must run)")
        pytest.skip(reason)
    return json.loads(path.read_text(encoding="utf-8"))


def solution(lesson: str) -> dict[str, str]:
    return {
        f"{lesson}/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((SOLUTIONS / lesson).glob("*.py"))
    }


def comparable(result: list[dict]) -> list[dict]:
    """A check's JSON without what must differ: the folder and the durations."""
    return [
        {
            **{k: v for k, v in one.items() if k not in ("target", "tests")},
            "tests": [{k: v for k, v in t.items() if k != "duration"} for t in one["tests"]],
        }
        for one in result
    ]


def terminal(learn, tmp_path: Path, lesson: str, files: dict[str, str], *args: str) -> list:
    """`learn check LESSON --format json` on a folder holding `files`."""
    folder = tmp_path / f"graded-{len(list(tmp_path.iterdir()))}"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    done = learn("check", lesson, "--path", str(folder), "--format", "json", *args, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def in_page(tab, lesson: str, files: dict[str, str], **options) -> list:
    try:
        tab.page.wait_for_function("() => window.learn", timeout=15_000)
    except Exception:
        tab.assert_clean(f"{tab.page.url}: no window.learn")
        raise
    return tab.page.evaluate(
        "([lesson, files, options]) => window.learn.check(lesson, files, options)",
        [lesson, files, options],
    )


def timed_out(result: list) -> dict[str, str]:
    return {t["test"]: t["message"] for t in result[0]["tests"] if t["status"] == "timed out"}


def planted(source: str) -> str:
    """Lesson 1's solution with two endless loops, each met by one test only (sizes no
    property test draws): one in Python that the worker's watchdog stops, one inside a
    C function that only terminating the worker stops."""
    start = "    # BEGIN SOLUTION\n    if len(layer_sizes) < 2"
    assert start in source, "lesson 1's solution changed: update the plant"
    loops = (
        "    while list(layer_sizes) == [2, 0, 1]:\n        pass\n"
        "    if list(layer_sizes) == [784, 16, 16, 10]:\n        sum(itertools.count())\n"
    )
    return source.replace(start, loops + start)


def grades_like_learn_check(tab, learn, tmp_path, course_json: dict, lesson: str) -> None:
    """The stubs give "not started" and 0, the solutions full marks, both exactly as
    `learn check` grades them."""
    stubs = course_json["lessons"][lesson]["files"]
    for files in (stubs, solution(lesson)):
        got = in_page(tab, lesson, files)
        assert comparable(got) == comparable(terminal(learn, tmp_path, lesson, files))
        expected = ("not started", 0) if files is stubs else ("passed", got[0]["max_score"])
        assert (got[0]["status"], got[0]["score"]) == expected


@pytest.mark.parametrize("lesson", ["lesson5", "lesson6"])
def test_lessons_5_and_6_in_the_page(tab, course_json, learn, tmp_path, lesson):
    """Lesson 5's tests judge the Value by their own oracle, not torch, so they run here."""
    tab.open(f"lessons/{lesson}/")
    grades_like_learn_check(tab, learn, tmp_path, course_json, lesson)
    tab.assert_clean(lesson)


def test_lesson1_in_the_page_and_an_endless_loop(tab, course_json, learn, tmp_path):
    tab.open("lessons/lesson1/")
    grades_like_learn_check(tab, learn, tmp_path, course_json, "lesson1")
    files = solution("lesson1")
    files["lesson1/neuron.py"] = planted(files["lesson1/neuron.py"])
    limit, grace = 3, course_json["grace"]  # seconds: a loaded machine runs slowly
    got = in_page(tab, "lesson1", files, timeout=limit)
    base = "tests/lesson1/test_neuron.py::TestCountParameters::"
    assert timed_out(got) == {  # what `learn check --timeout 3` says of them
        f"{base}test_bad_sizes_are_an_error[sizes2]": (
            f"still running after {limit} s: is there an endless loop?"
        ),
        f"{base}test_known_networks[sizes2-13002]": (
            f"killed after {limit + grace:.0f} s without finishing"
        ),
    }
    assert got[0]["score"] == got[0]["max_score"] - 2
    again = in_page(tab, "lesson1", solution("lesson1"))  # the page is still usable
    assert again[0]["passed"]
    tab.assert_clean("lesson1")


def editor_text(page) -> str:
    return page.evaluate(f"() => document.querySelector('{EDITOR}').CodeMirror.getValue()")


def test_the_editor_checks_keeps_and_downloads_the_learners_code(tab, learn, tmp_path):
    page = tab.page
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    tab.open("lessons/lesson1/")
    panel = page.locator(".learn-solve")
    assert "in your browser" in panel.inner_text()  # what runs where, in one sentence
    code = panel.get_by_role("textbox", name="lesson1/neuron.py: your code")
    assert "raise NotImplementedError" in code.input_value()
    assert not [url for url in fetched if "codemirror" in url]  # the editor loads on use

    # A learner who tabs to the code gets the editor, the caret at the top, and types.
    panel.get_by_role("tab", name="lesson1/neuron.py").focus()
    page.keyboard.press("Tab")
    page.locator(f"{EDITOR}-focused").wait_for()
    page.keyboard.type("# mine")
    page.keyboard.press("Tab")  # Tab is the code's (it indents); Escape leaves, to Check
    assert page.locator(f"{EDITOR}-focused").count() == 1
    page.keyboard.type("\n")
    first, second = editor_text(page).split("\n")[:2]
    assert first.rstrip() == "# mine" and second.startswith('"""Lesson 1')
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement.textContent") == "Check"
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(f"() => axe.run('.learn-solve').then({SERIOUS})") == []

    panel.get_by_role("button", name="Check").click()
    step = panel.locator("tr", has=page.locator("th code", has_text="step"))
    step.wait_for(timeout=60_000)
    assert "not started" in step.inner_text()
    read = step.get_by_role("link", name="One neuron")
    assert page.locator(read.get_attribute("href")).count() == 1  # a section of this page
    step.get_by_role("button", name="Show a hint").click()
    assert step.locator(".learn-hints li").count() == 1  # one hint at a time

    mine = solution("lesson1")["lesson1/neuron.py"]
    page.evaluate(f"code => document.querySelector('{EDITOR}').CodeMirror.setValue(code)", mine)
    panel.get_by_role("button", name="Check").click()
    page.wait_for_function(
        "() => /every test passed/.test(document.querySelector('.learn-status').textContent)"
    )
    assert panel.locator("td.learn-state", has_text="passed").count() == 7

    page.reload(wait_until="networkidle")  # the code and the score stay in this browser
    assert code.input_value() == mine
    badges = page.locator(".md-nav .learn-progress")  # only lesson 1 was checked here
    assert set(badges.all_inner_texts()) == {"54/54"}

    with page.expect_download() as waiting:
        panel.get_by_role("button", name="Download my files").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(waiting.value.path()).read_bytes()))
    assert archive.read("exercises/lesson1/neuron.py").decode() == mine
    archive.extractall(tmp_path / "download")
    done = learn("check", "lesson1", "--path", str(tmp_path / "download" / "exercises"), cwd=ROOT)
    assert done.returncode == 0, done.stdout
    tab.assert_clean("lesson1 editor")


def test_each_lesson_page_says_where_it_is_checked(built_site, course_json):
    """The editor where the tests can run in a browser; elsewhere (PyTorch has no
    WebAssembly build) the commands to run them locally."""
    in_browser = {key for key, lesson in course_json["lessons"].items() if lesson["browser"]}
    assert {"lesson1", "lesson5", "lesson6"} <= in_browser
    for lesson in lessons():
        text = (built_site / lesson_url(lesson) / "index.html").read_text(encoding="utf-8")
        if lesson["id"] in in_browser:
            assert 'class="learn-solve"' in text, lesson["id"]
        else:
            assert 'class="learn-solve"' not in text, lesson["id"]
            assert "no WebAssembly build" in text and f"./learn check {lesson['id']}" in text
