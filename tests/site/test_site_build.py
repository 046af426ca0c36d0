"""The build executes every lesson, keeps what it ran, and fails on unintended errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from sitekit import ROOT, lesson_url, lessons


def executed(built_site: Path, lesson: dict) -> dict:
    path = built_site / lesson_url(lesson) / f"{Path(lesson['page']).stem}.ipynb"
    assert path.is_file(), f"{lesson['id']}: no executed notebook at {path.name}"
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_site_builds_without_any_network(site_build):
    if not site_build.offline:
        pytest.skip(
            "cannot make a network namespace here (unshare and ip, as root or in a "
            "user namespace): the site was built with the network available"
        )
    assert (site_build.path / "index.html").is_file()


def test_the_config_executes_notebooks_and_fails_on_errors():
    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may use !!python/name tags; their values do not matter here.
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    plugins = {}
    for entry in config["plugins"]:
        plugins.update(entry if isinstance(entry, dict) else {entry: {}})
    jupyter = plugins["mkdocs-jupyter"]
    assert config.get("strict") is True
    assert jupyter.get("execute") is True
    assert jupyter.get("allow_errors") is False
    assert not jupyter.get("execute_ignore"), "every lesson must be executed"


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson["id"])
def test_the_downloadable_notebook_is_the_executed_lesson(built_site, lesson):
    nb = executed(built_site, lesson)
    # The cell that carries course modules into the download was not run by the build.
    lesson_code = (c for c in nb["cells"] if "course-generated" not in c.get("metadata", {}))
    code = [cell for cell in lesson_code if cell["cell_type"] == "code"]
    assert code, f"{lesson['id']} has no code cell"
    not_run = [i for i, cell in enumerate(code, 1) if cell.get("execution_count") is None]
    assert not not_run, f"{lesson['id']}: code cells {not_run} were not executed"
    outputs = [out for cell in code for out in cell.get("outputs", [])]
    assert outputs, f"{lesson['id']}: no code cell printed or drew anything"
    figures = [out for out in outputs if "image/png" in out.get("data", {})]
    assert figures, f"{lesson['id']}: no figure (each lesson draws at least one)"
    generated = [
        c for c in nb["cells"] if c.get("metadata", {}).get("course-generated") == "exercises"
    ]
    assert generated, f"{lesson['id']}: the exercises block is missing from the notebook"
    assert f"learn check {lesson['id']}" in "".join(generated[0]["source"])


# -- the raises-exception convention, on a one-page site of its own -------------------------

CONFIG = """
site_name: raises-exception
strict: true
theme: {{name: material, font: false}}
plugins:
  - mkdocs-jupyter:
      execute: true
      allow_errors: false
      cache: false
hooks:
  - {hook}
nav:
  - page.py
"""


def start_build(folder: Path, cell: str) -> subprocess.Popen:
    """`mkdocs build --strict` of a one-page site whose page is `cell`, started."""
    (folder / "docs").mkdir()
    (folder / "course.toml").write_text('lessons = []\n[course]\ntitle = "t"\n')
    hook = ROOT / "mkdocs_hooks" / "lessons.py"
    (folder / "mkdocs.yml").write_text(CONFIG.format(hook=hook))
    notebook = "# %% [markdown]\n# # A page\n\n" + textwrap.dedent(cell)
    (folder / "docs" / "page.py").write_text(notebook)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", "out"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen(
        command, cwd=folder, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


PAGES = {
    "raises": '# %%\nraise ValueError("not meant to happen")\n',
    "tagged and raises": """
        # %% tags=["raises-exception"]
        raise ValueError("on purpose")

        # %%
        print("after")
    """,
    "tagged and raises nothing": '# %% tags=["raises-exception"]\nprint("fine")\n',
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, tuple[int, str, Path]]:
    """Each of PAGES built as a site of its own, the three at once: exit code, log, folder."""
    folders = {name: tmp_path_factory.mktemp("one-page") for name in PAGES}
    started = {name: start_build(folders[name], cell) for name, cell in PAGES.items()}
    done = {name: process.communicate()[0] for name, process in started.items()}
    return {name: (started[name].returncode, done[name], folders[name]) for name in PAGES}


def test_a_cell_that_raises_fails_the_build(builds):
    code, log, _ = builds["raises"]
    assert code != 0
    assert "not meant to happen" in log


def test_a_cell_tagged_raises_exception_may_raise(builds):
    code, log, folder = builds["tagged and raises"]
    assert code == 0, log
    page = (folder / "out" / "page" / "index.html").read_text(encoding="utf-8")
    assert "on purpose" in page, "the traceback is shown on the page"
    assert "after" in page, "execution went on after the intended error"


def test_a_cell_tagged_raises_exception_must_raise(builds):
    code, log, _ = builds["tagged and raises nothing"]
    assert code != 0
    assert "tagged raises-exception but raised nothing" in log
