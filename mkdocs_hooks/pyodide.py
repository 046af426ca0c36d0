"""mkdocs hook: solve and check a lesson's exercises on its page, with nothing installed.

Pyodide (CPython compiled to WebAssembly) runs a lesson's own tests from grader/tests,
with the grader's plugin and result model, in a Web Worker (see grader/browser.py and
docs/assets/javascripts/learn/). Everything it needs is served by the site itself:

- `python mkdocs_hooks/pyodide.py` fetches Pyodide and CodeMirror from npm (the
  versions in package-lock.json) and the pure-Python wheels of pytest and hypothesis
  (and their dependencies) from PyPI into .cache/browser/. ./run-tests runs it before
  the offline site build; nothing is fetched while the site builds or is viewed.
- After the build this hook copies that cache into site/assets/learn/, with course.zip
  (the grader's core, its own lesson 5 that lessons 5 and 6 are graded with, the
  lesson tests, course.toml) and course.json (each lesson's stubs, generated
  from solutions/, its exercises, sections and hints).
- A lesson page whose tests can run there gets the editor; the others say why not
  (PyTorch has no WebAssembly build) and show the local command.

Without the cache the site builds as before, and every lesson page shows the local
command only.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the grader is importable from the root
    sys.path.insert(0, str(ROOT))

from grader import course as course_mod  # noqa: E402
from grader.authoring.stubs import planned  # noqa: E402
from grader.render import STYLE  # noqa: E402
from grader.results import URGENCY  # noqa: E402
from grader.runner import KILL_GRACE, RunOptions  # noqa: E402

log = logging.getLogger("mkdocs.hooks.pyodide")

CACHE = ROOT / ".cache" / "browser"
STAMP = CACHE / "vendored.json"
OUT = "assets/learn"  # in the built site
SCRIPT = "assets/javascripts/learn/learn.js"  # every page: the nav shows progress
STYLES = "assets/stylesheets/learn.css"
NPM_FILES = {  # what the page needs from each npm package
    "pyodide": [
        "pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
        "pyodide-lock.json",
    ],
    "codemirror": ["lib/codemirror.js", "lib/codemirror.css", "mode/python/python.js", "LICENSE"],
}  # fmt: skip
PYTHON_TAG = "3.12"  # the CPython of the Pyodide in package-lock.json
# The wheels the lesson tests need, at the versions installed beside the grader (so the
# browser and `learn check` run the same tests the same way); hypothesis's newer releases
# ship compiled wheels only, so the browser gets the newest pure-Python one up to it.
WHEELS = {"pytest": "==", "hypothesis": "<="}
TORCH = re.compile(r"^\s*(?:import|from)\s+torch\b", re.M)


# -- fetching, before any build ------------------------------------------------------------


def wanted() -> dict:
    """What the cache must hold: the npm lock file's digest and the wheels asked for."""
    lock = (ROOT / "package-lock.json").read_bytes()
    pins = [f"{name}{op}{importlib.metadata.version(name)}" for name, op in WHEELS.items()]
    return {"npm": hashlib.sha256(lock).hexdigest(), "wheels": pins, "python": PYTHON_TAG}


def vendored() -> bool:
    try:
        return json.loads(STAMP.read_text(encoding="utf-8")) == wanted()
    except (OSError, ValueError):
        return False


def vendor() -> None:
    """Fetch Pyodide, CodeMirror and the wheels into .cache/browser (once per lock)."""
    if vendored():
        return
    want = wanted()
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, CACHE / name)
    npm = ["npm", "ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"]
    subprocess.run(npm, cwd=CACHE, check=True, stdout=subprocess.DEVNULL)
    wheels = CACHE / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:"]
    pip += ["--platform", "any", "--implementation", "py", "--abi", "none"]
    pip += ["--python-version", PYTHON_TAG, "-d", str(wheels), *want["wheels"]]
    subprocess.run(pip, check=True)
    STAMP.write_text(json.dumps(want), encoding="utf-8")


# -- the pages ---------------------------------------------------------------------------


def runs_in_browser(course: course_mod.Course, lesson: course_mod.Lesson) -> bool:
    """A lesson whose tests import torch cannot run under Pyodide."""
    tests = course.tests_dir / lesson.id
    sources = [*tests.glob("*.py"), *(course.solutions_dir / lesson.id).glob("*.py")]
    return tests.is_dir() and not any(TORCH.search(p.read_text("utf-8")) for p in sources)


class _State:
    course: course_mod.Course | None = None
    ready = False


state = _State()


def on_config(config):
    state.course = course_mod.load(ROOT)
    state.ready = vendored()
    if not state.ready:
        log.info("no in-browser checking: run `python mkdocs_hooks/pyodide.py` first")
        return config
    config.extra_javascript.append(SCRIPT)
    config.extra_css.append(STYLES)
    return config


def _lesson_of(page) -> course_mod.Lesson | None:
    source = f"docs/{page.file.src_uri}"
    return next((les for les in state.course.lessons if les.page == source), None)


def panel(lesson: course_mod.Lesson, in_browser: bool) -> str:
    """The block a lesson page gets: the editor's place, or the local commands."""
    command = f"<code>learn check {lesson.id}</code>"
    if in_browser:
        return (
            f'<section class="learn-solve" data-lesson="{lesson.id}" '
            'aria-labelledby="solve-it-here">\n'
            '<h2 id="solve-it-here">Solve it here</h2>\n'
            '<p class="learn-where">What runs where: on this page your code and this '
            "lesson's own tests run in your browser, in Python compiled to WebAssembly, "
            f"and nothing leaves it; on your machine {command} runs the same tests.</p>\n"
            '<div class="learn-app"><p class="learn-status">The editor needs JavaScript: '
            f"without it, check your code with {command}.</p></div>\n</section>\n"
        )
    return (
        '<div class="admonition note learn-local">\n'
        '<p class="admonition-title">Check this lesson on your own machine</p>\n'
        "<p>What runs where: this lesson's tests need PyTorch, which has no WebAssembly "
        "build, so they run on your machine, not in your browser. In the course folder, "
        f"<code>./learn check {lesson.id}</code> (the first run installs the course), then "
        f"{command}.</p>\n</div>\n"
    )


_NEXT_H2 = re.compile(r"<h2\b")


def on_page_content(content, page, config, files):
    lesson = _lesson_of(page) if state.course else None
    if lesson is None:
        return content
    in_browser = state.ready and runs_in_browser(state.course, lesson)
    block = panel(lesson, in_browser)
    # After the exercises section, which the lessons hook generates with that heading.
    heading = re.search(r'<h2[^>]*id="[Ee]xercises"', content)
    after = _NEXT_H2.search(content, heading.end()) if heading else None
    at = after.start() if after else len(content)
    if heading and after:  # the notebook cell wrapping the next heading starts earlier
        cell = content.rfind('<div class="jp-Cell', heading.end(), at)
        at = cell if cell != -1 else at
    return content[:at] + block + content[at:]


# -- after the build: the files the page fetches --------------------------------------------


def manifest(course: course_mod.Course) -> dict:
    stubs = planned(course)
    lessons = {}
    for lesson in course.lessons:
        files = {
            path.relative_to(course.exercises_dir).as_posix(): text
            for path, text in stubs.items()
            if path.relative_to(course.exercises_dir).parts[0] == lesson.id
        }
        lessons[lesson.id] = {
            "title": lesson.title,
            "page": lesson.section_link("").split("#")[0],
            "browser": runs_in_browser(course, lesson),
            "files": files,
            "exercises": [
                {
                    "name": e.name,
                    "file": e.file,
                    "section": e.section,
                    "link": f"#{course_mod.slugify(e.section)}",
                    "hints": list(e.hints),
                }
                for e in lesson.exercises
            ],
        }
    wheels = sorted(p.name for p in (CACHE / "wheels").glob("*.whl"))
    return {
        "lessons": lessons,
        "wheels": wheels,
        "timeout": RunOptions().timeout,  # learn check's default, per test
        "grace": KILL_GRACE,  # past it, the page terminates the worker
        "urgency": [status.value for status in URGENCY],
        "labels": {status.value: label for status, (label, _) in STYLE.items()},
    }


def course_zip(course: course_mod.Course, target: Path) -> None:
    """What the worker unpacks as /course: the grader's core (not its subpackages, which
    need processes), its own lesson 5 that lessons 5 and 6 are graded with (grader/stand_in),
    every lesson's tests and the catalogue."""
    root = course.root
    grader = root / "grader"
    members = [root / course_mod.CATALOGUE, *sorted(grader.glob("*.py"))]
    members += sorted(p for p in course.tests_dir.rglob("*.py") if "__pycache__" not in p.parts)
    members += sorted((grader / "stand_in").glob("*.py"))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in members:
            archive.write(path, path.relative_to(root).as_posix())


def on_post_build(config):
    if not state.ready:
        return
    out = Path(config.site_dir) / OUT
    shutil.rmtree(out, ignore_errors=True)
    for package, names in NPM_FILES.items():
        for name in names:
            source = CACHE / "node_modules" / package / name
            (out / package / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / package / name)
    shutil.copytree(CACHE / "wheels", out / "wheels")
    course_zip(state.course, out / "course.zip")
    text = json.dumps(manifest(state.course), indent=1)
    (out / "course.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if shutil.which("npm") is None:
        print("npm not found: the site will be built without in-browser checking")
    else:
        vendor()
        print(f"in-browser checking: everything is in {CACHE.relative_to(ROOT)}")
