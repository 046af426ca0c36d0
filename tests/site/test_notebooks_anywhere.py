"""Each lesson's downloaded notebook runs on its own, outside the course.

The notebook offered for download on the built site is executed again in an empty
folder, by a kernel that can import torch, matplotlib and the rest of the environment
but none of the course's own code (grader/, solutions/, ...): what a reader has who
downloads only the .ipynb. Imports of course modules then fail unless the download
carries them, which is what mkdocs_hooks/lessons.py does.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from sitekit import ROOT, lesson_url, lessons, load_hook

KERNEL = "without-the-course"

# Started as the kernel: refuses every top-level module found in the course folder,
# except those of the Python environment itself (which may live inside it, as .venv).
LAUNCHER = """\
import importlib.abc
import sys
from pathlib import Path

COURSE, PYTHON = Path({course!r}), Path(sys.prefix).resolve()


class WithoutTheCourse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if path is not None:  # a submodule: its package was let through
            return None
        for finder in sys.meta_path[sys.meta_path.index(self) + 1 :]:
            spec = getattr(finder, "find_spec", lambda *a: None)(name, None, target)
            if spec is not None:
                break
        else:
            return None
        places = [spec.origin, *(spec.submodule_search_locations or [])]
        for place in filter(None, places):
            where = Path(place).resolve()
            if where.is_relative_to(COURSE) and not where.is_relative_to(PYTHON):
                raise ModuleNotFoundError(f"{{name}} is the course's, not here", name=name)
        return None


sys.meta_path.insert(0, WithoutTheCourse())
from ipykernel import kernelapp  # noqa: E402

kernelapp.launch_new_instance()
"""


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """A kernel spec folder holding the kernel without the course."""
    home = tmp_path_factory.mktemp("kernel")
    launcher = home / "launch.py"
    launcher.write_text(LAUNCHER.format(course=str(ROOT.resolve())), encoding="utf-8")
    spec = home / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, str(launcher), "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python without the course", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    return KernelSpecManager(kernel_dirs=[str(home / "kernels")], ensure_native_kernel=False)


def run_download(download: Path, kernels: KernelSpecManager, folder: Path):
    """The notebook executed in the kernel without the course, in `folder` (empty)."""
    nb = nbformat.read(download, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name"), f"{download.name} has no kernelspec"
    folder.mkdir()
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernels)
    client = NotebookClient(
        nb,
        km=km,
        timeout=600,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()  # a cell that raises (and is not tagged raises-exception) fails here
    return nb


@pytest.fixture(scope="module")
def runs(built_site, kernels, tmp_path_factory) -> dict[str, Future]:
    """Every lesson's download executed, one kernel per core at a time, as the build
    executes them: lesson by lesson, the tests below then wait for their own."""
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="download")
    folders = tmp_path_factory.mktemp("empty")
    futures = {
        lesson["id"]: pool.submit(
            run_download,
            built_site / lesson_url(lesson) / f"{Path(lesson['page']).stem}.ipynb",
            kernels,
            folders / lesson["id"],
        )
        for lesson in lessons()
    }
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson["id"])
def test_the_downloaded_notebook_runs_in_an_empty_folder(runs, lesson):
    nb = runs[lesson["id"]].result()
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), f"{lesson['id']}: a cell did not run"


def test_the_download_carries_the_course_modules_it_imports():
    """Found from the import statements, through the modules' own (relative) imports."""
    hook = load_hook("lessons")
    cells = [nbformat.v4.new_code_cell("import torch\nfrom lesson5 import nn")]
    nb = nbformat.v4.new_notebook(cells=cells)
    found = hook.course_modules(nb, ROOT)
    assert found.keys() == {"lesson5", "lesson5.nn", "lesson5.engine"}
    assert found["lesson5"] is None and "class Value" in found["lesson5.engine"]
    download = hook.standalone(nb, ROOT)
    assert download.metadata["kernelspec"]["name"] == "python3"
    assert download.cells[0].metadata["course-generated"] == "course-modules"
    assert download.cells[1].source == cells[0].source
