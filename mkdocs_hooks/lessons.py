"""mkdocs hooks for the notebook pages: the lessons in docs/lessons/*.py.

mkdocs-jupyter turns each jupytext notebook into a page and executes it (with
`allow_errors: false`, so a cell that raises fails the build unless it carries the
`raises-exception` tag). These hooks add what the course needs on top:

- the notebooks that are not in mkdocs-jupyter's cache are executed before rendering
  starts, several at once (one kernel per CPU core), instead of one by one; under
  `mkdocs serve`, a kernel with torch and matplotlib imported waits for the next save;
- every lesson listed in course.toml gets an "Exercises" block generated from the
  catalogue: the stub files, one row per exercise with a link to the section to
  reread, and the exact `learn check lessonN` command. It is inserted as a markdown
  cell, so it reaches the page, its table of contents and the downloaded notebook;
- the notebook as executed during the build is saved next to the page
  (lessons/lessonN/lessonN.ipynb) and linked from the top of the page, with a
  kernelspec and the course modules it imports, so that it runs outside the course;
- the page works offline: the MathJax and mermaid loaders the notebook template
  points at a CDN are removed (maths is typeset by the KaTeX copy in
  docs/assets/vendor), and the build fails if any other remote script remains;
- each figure is also drawn for Material's dark palette, by the kernel that executes
  the lesson (mkdocs_hooks/dark_figures.py); the page gets both (data-dark-png on the
  figure's <img>, made into files by mkdocs_hooks/pages.py), the download only one;
- the ~600 kB of notebook CSS the template inlines in every page goes to one shared,
  cacheable stylesheet, with JupyterLab's dark variables for Material's dark palette;
- search indexes the lesson text by section, without prompts, copy buttons or
  tracebacks.

See docs/contributing.md for the conventions lesson authors follow.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import copy
import hashlib
import html
import json
import logging
import os
import re
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePath

import dark_figures  # beside this hook: run in each kernel, for the dark palette's figures
import jupytext
import nbformat
from jupyter_client.manager import KernelManager
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.utils import get_relative_url
from mkdocs_jupyter import convert
from mkdocs_jupyter import plugin as jupyter_plugin
from mkdocs_jupyter.config import settings as jupyter_settings
from nbconvert.preprocessors import ExecutePreprocessor

from grader import course as course_mod

log = logging.getLogger("mkdocs.hooks.lessons")

SHARED_CSS = "assets/stylesheets/notebook.css"
EXECUTED_DIR = "executed"  # inside mkdocs-jupyter's cache_dir
GENERATED = "course-generated"  # cell metadata key marking the cells these hooks add


@dataclass
class Job:
    """One notebook page of this build."""

    source: Path  # the lesson as written, e.g. docs/lessons/lesson1.py
    notebook: nbformat.NotebookNode  # the source plus the generated cells
    executed: Path  # where the notebook as executed is kept between builds
    download: Path  # where it goes in the built site
    cached: bool = False  # mkdocs-jupyter has the page: nothing to execute
    result: nbformat.NotebookNode | None = None  # the notebook as executed
    error: Exception | None = None  # what executing it raised


class State:
    def __init__(self) -> None:
        self.lessons: dict[str, course_mod.Lesson] = {}  # docs-relative page -> lesson
        self.jobs: dict[str, Job] = {}  # absolute source path -> job
        self.styles: dict[str, None] = {}  # ordered set of the inlined notebook styles
        self.cache_dir = Path(".cache/mkdocs-jupyter")
        self.root = Path()  # the course folder, holding course.toml
        self.jupyter: jupyter_plugin.Plugin | None = None
        self.dirty = False  # `mkdocs serve --dirty` renders only the pages that changed
        self.serving = False  # `mkdocs serve`: rebuilds follow, keep a kernel warm
        self.warm: WarmKernel | None = None


state = State()


# -- the catalogue's exercises, as a markdown cell ----------------------------------------


def exercises_markdown(lesson: course_mod.Lesson, heading: bool) -> str:
    """The exercises of `lesson` in markdown: files, table, the command to check them.

    Without `heading` the page has an "Exercises" section of its own that lists them
    already: then only the command to check them is added.
    """
    files = list(dict.fromkeys(f"exercises/{lesson.id}/{e.file}" for e in lesson.exercises))
    where = " and ".join(f"`{f}`" for f in files)
    several = len(files) > 1
    lines = []
    if heading:
        lines += [
            "## Exercises",
            "",
            f"Your code goes in {where}. Each stub raises `NotImplementedError` until you "
            "write it; the last column says which part of this page to reread.",
            "",
            "| Exercise | File | Read again |" if several else "| Exercise | Read again |",
            "| --- | --- | --- |" if several else "| --- | --- |",
        ]
        for exercise in lesson.exercises:
            anchor = course_mod.slugify(exercise.section)
            file = f" `exercises/{lesson.id}/{exercise.file}` |" if several else ""
            lines.append(f"| `{exercise.name}` |{file} [{exercise.section}](#{anchor}) |")
        lines.append("")
    lines += [
        "Check your work from the course folder:",
        "",
        "```bash",
        f"learn check {lesson.id}",
        "```",
        "",
        f"On a fresh clone, type `./learn check {lesson.id}` instead: its first run installs "
        "the course into `.venv`. Exit code 0 means every test passed.",
    ]
    return "\n".join(lines)


def _heading_line(cell: nbformat.NotebookNode, pattern: str) -> bool:
    if cell.cell_type != "markdown":
        return False
    return any(re.match(pattern, line.strip(), re.I) for line in cell.source.splitlines())


def with_exercises(nb: nbformat.NotebookNode, lesson: course_mod.Lesson) -> nbformat.NotebookNode:
    """A copy of `nb` with the generated exercises cell.

    It goes right after the page's own "## Exercises" cell when there is one (so the
    author's introduction comes first), else as a new section before "## Credits..."
    or at the end.
    """
    nb = copy.deepcopy(nb)
    cells = nb.cells
    own = next((i for i, c in enumerate(cells) if _heading_line(c, r"^##\s+exercises\s*$")), None)
    if own is not None:
        at, heading = own + 1, False
    else:
        credits = (i for i, c in enumerate(cells) if _heading_line(c, r"^##\s+credits"))
        at, heading = next(credits, len(cells)), True
    cell = nbformat.v4.new_markdown_cell(exercises_markdown(lesson, heading))
    cell.metadata[GENERATED] = "exercises"
    cells.insert(at, cell)
    return nb


# -- executing once, in parallel, keeping the executed notebook -----------------------------
#
# mkdocs renders pages one after the other, and mkdocs-jupyter executes each notebook
# while rendering it: six kernels started one by one. Instead, just before rendering
# starts (on_nav), every notebook that is not in mkdocs-jupyter's cache is executed,
# several at once, by the very preprocessor mkdocs-jupyter uses, with its settings.
# When mkdocs-jupyter then renders the page, its ExecutePreprocessor hands back that
# result (or raises that error) instead of running the notebook a second time, so the
# page, the failure message and the cache are the same as without this hook.

_original_preprocess = ExecutePreprocessor.preprocess
_original_nb2html = convert.nb2html
_original_nb2md = convert.nb2md
_rendering: contextvars.ContextVar[Job | None] = contextvars.ContextVar("job", default=None)


def _preprocess(self, nb, resources=None, km=None):
    job = _rendering.get()
    if job is not None and job.error is not None:
        raise job.error
    if job is not None and job.result is not None:
        nb = job.result
    else:
        self.extra_arguments = [*self.extra_arguments, f"--IPKernelApp.exec_lines={_INSTALL}"]
        nb, resources = _original_preprocess(self, nb, resources, km)
    if job is not None:
        job.result = nb
    return nb, resources


def _execute(job: Job, settings: dict, km: KernelManager | None = None) -> None:
    """Run one notebook ahead of rendering (in a worker thread), in a kernel of its own:
    a new one, or `km`, started ahead by WarmKernel."""
    processor = ExecutePreprocessor(**settings)
    try:
        job.result, _ = _original_preprocess(processor, copy.deepcopy(job.notebook), {}, km)
    except Exception as exc:  # kept, and raised when mkdocs-jupyter renders the page
        job.error = exc
    finally:
        if km is not None:
            km.shutdown_kernel(now=True)


DARK_FIGURES = Path(dark_figures.__file__).resolve()
# Run by the kernel before the first cell, binding no name the lesson could see.
_INSTALL = f"__import__('runpy').run_path({str(DARK_FIGURES)!r})['install'](get_ipython())"


def _settings() -> dict:
    plugin = state.jupyter
    assert plugin is not None
    return {
        "kernel_name": plugin.config["kernel_name"],
        "allow_errors": plugin.config["allow_errors"],
        "store_widget_state": True,
        # Quiet the kernel's warning that its local TCP sockets are not encrypted.
        "extra_arguments": [
            "--IPKernelApp.log_level=ERROR",
            f"--IPKernelApp.exec_lines={_INSTALL}",
        ],
    }


def execute_ahead(jobs: list[Job]) -> None:
    if not jobs or state.jupyter is None:
        return
    settings = _settings()
    warm = state.warm.take() if state.warm else None
    state.warm = None
    wanted = os.environ.get("NOTEBOOK_JOBS", "")  # how many kernels at once; default: cores
    workers = max(1, min(len(jobs), int(wanted) if wanted.isdigit() else os.cpu_count() or 1))
    log.info("Executing %d notebook(s), %d at a time", len(jobs), workers)
    kernels = [warm] + [None] * (len(jobs) - 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notebook") as pool:
        list(pool.map(lambda job, km: _execute(job, settings, km), jobs, kernels))


# -- while serving: a kernel kept warm for the next save --------------------------------------
#
# Under `mkdocs serve` each save executes the lesson again, and a new kernel spends its
# first seconds starting and importing torch and matplotlib. So after each build a kernel
# is started and those modules imported, silently (no name bound, no cell counted, so
# the lesson still runs as in a fresh kernel), and the next build's first notebook runs
# in it. `mkdocs build` never starts one.

WARM_IMPORTS = ("torch", "matplotlib.pyplot", "numpy")  # the lessons' slow imports


class WarmKernel:
    def __init__(self, settings: dict) -> None:
        self.km: KernelManager | None = None
        self.ready = threading.Event()
        threading.Thread(target=self._start, args=(settings,), daemon=True).start()

    def _start(self, settings: dict) -> None:
        try:
            km = KernelManager(kernel_name=settings["kernel_name"] or "python3")
            km.start_kernel(extra_arguments=settings["extra_arguments"])
            client = km.blocking_client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=60)
                code = "; ".join(f"__import__({name!r})" for name in WARM_IMPORTS)
                client.execute_interactive(code, silent=True, timeout=120)
            finally:
                client.stop_channels()
            self.km = km
        except Exception as exc:  # the next build starts a kernel of its own, as usual
            log.debug("no warm kernel: %s", exc)
        finally:
            self.ready.set()

    def take(self) -> KernelManager | None:
        """The kernel, once it is ready; None if it could not be started."""
        self.ready.wait()
        km, self.km = self.km, None
        return km

    def close(self) -> None:
        km = self.take()
        if km is not None:
            km.shutdown_kernel(now=True)


def _with_job_source(original):
    """Wrap one of mkdocs-jupyter's converters so it reads the job's notebook."""

    def wrapper(nb_path, *args, **kwargs):
        job = state.jobs.get(str(Path(nb_path).resolve()))
        if job is None:
            return original(nb_path, *args, **kwargs)
        with tempfile.TemporaryDirectory(prefix="lesson-") as tmp:
            # An .ipynb makes mkdocs-jupyter append a stray style block: hand it
            # jupytext's percent format, which is what it reads for our sources anyway.
            path = Path(tmp) / f"{job.source.stem}.py"
            jupytext.write(job.notebook, path, fmt="py:percent")
            if original is not _original_nb2html:
                return original(str(path), *args, **kwargs)
            token = _rendering.set(job)
            try:
                body = original(str(path), *args, **kwargs)
            finally:
                _rendering.reset(token)
        _keep_executed(job, job.result if job.result is not None else job.notebook)
        return body

    wrapper.__wrapped__ = original
    return wrapper


def _keep_executed(job: Job, nb: nbformat.NotebookNode) -> None:
    nb = copy.deepcopy(nb)
    if len(nb.cells) == len(job.notebook.cells):  # jupytext drops our metadata: restore it
        for ours, run in zip(job.notebook.cells, nb.cells, strict=True):
            if GENERATED in ours.metadata:
                run.metadata[GENERATED] = ours.metadata[GENERATED]
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "code" or "raises-exception" not in tags:
            continue
        if not any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            log.warning(
                "%s: code cell %d is tagged raises-exception but raised nothing; "
                "remove the tag or make it fail as the text says",
                job.source,
                index + 1,
            )
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, job.executed)


def _install() -> None:
    if getattr(ExecutePreprocessor.preprocess, "_course_hook", False):
        return
    _preprocess._course_hook = True
    ExecutePreprocessor.preprocess = _preprocess
    convert.nb2html = _with_job_source(_original_nb2html)
    convert.nb2md = _with_job_source(_original_nb2md)


# -- mkdocs events ----------------------------------------------------------------------------


def on_startup(command, dirty):
    state.dirty = dirty
    state.serving = command == "serve"


def on_shutdown():
    if state.warm is not None:
        state.warm.close()


def on_config(config):
    _install()
    root = Path(config.config_file_path).resolve().parent
    docs = Path(config.docs_dir).resolve()
    course = course_mod.load(root)
    state.root = root
    state.lessons = {}
    for lesson in course.lessons:
        page = (root / lesson.page).resolve()
        try:
            state.lessons[page.relative_to(docs).as_posix()] = lesson
        except ValueError:
            log.warning("course.toml: %s's page %s is not under %s", lesson.id, page, docs)
    state.jupyter = config.plugins.get("mkdocs-jupyter")
    if state.jupyter is not None:
        state.cache_dir = Path(state.jupyter.config["cache_dir"])
    return config


def on_pre_build(config):
    state.jobs = {}
    state.styles = {}


def _will_execute(source: Path) -> bool:
    plugin = state.jupyter
    assert plugin is not None
    ignored = any(PurePath(source).match(p) for p in plugin.config["execute_ignore"])
    return plugin.config["execute"] and not ignored


def _cache_key(source: Path) -> tuple[str, Path | None]:
    """mkdocs-jupyter's own cache key for this page, and its cache file when enabled."""
    plugin = state.jupyter
    assert plugin is not None
    key = jupyter_plugin._compute_cache_key(str(source), plugin.config, _will_execute(source))
    cache = jupyter_plugin._get_cache_path(plugin.config["cache_dir"], key)
    return key, cache if plugin.config["cache"] else None


@event_priority(-100)  # after mkdocs-jupyter has made its NotebookFiles
def on_files(files, config):
    if state.jupyter is None:
        return files
    for file in files:
        if isinstance(file, jupyter_plugin.NotebookFile):
            job = _job(file)
            state.jobs[str(job.source)] = job
    return files


def _job(file) -> Job:
    source = Path(file.abs_src_path).resolve()
    nb = jupytext.read(source)
    lesson = state.lessons.get(file.src_uri)
    if lesson is not None:
        nb = with_exercises(nb, lesson)
    key, cached_page = _cache_key(source)
    # The generated cells and the kernel's figure code make the notebook too.
    added = hashlib.sha256(
        json.dumps([c.source for c in nb.cells if GENERATED in c.metadata]).encode()
        + DARK_FIGURES.read_bytes()
    ).hexdigest()[:16]
    executed = state.cache_dir / EXECUTED_DIR / f"{key}-{added}.ipynb"
    if cached_page is not None and cached_page.exists() and not executed.exists():
        # The page is cached but not its executed notebook, or the generated cells
        # changed (course.toml was edited): render and execute again.
        cached_page.unlink()
    download = Path(file.abs_dest_path).parent / source.with_suffix(".ipynb").name
    job = Job(source, nb, executed, download)
    job.cached = cached_page is not None and cached_page.exists()
    return job


def on_nav(nav, config, files):
    # The last event before mkdocs reads and renders the pages.
    pending = [job for job in state.jobs.values() if not job.cached and _will_execute(job.source)]
    if state.dirty:  # `mkdocs serve --dirty` only renders the pages that changed
        pending = [job for job in pending if _modified(files, job.source)]
    execute_ahead(pending)
    return nav


def _modified(files, source: Path) -> bool:
    for file in files:
        if file.abs_src_path and Path(file.abs_src_path).resolve() == source:
            return file.is_modified()
    return True


_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_REMOTE = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//|import\(\s*["'](?:https?:)?//""")
_MERMAID_END = "<!-- End of mermaid configuration -->"


def offline(body: str) -> str:
    """Drop the CDN loaders of the notebook template: MathJax 2 and mermaid."""
    body = _MATHJAX.sub("", body)
    body = _SCRIPT.sub(lambda m: "" if "cdnjs" in m[0] or "mermaid" in m[0] else m[0], body)
    return body.replace(_MERMAID_END, "")


_PNG_SRC = re.compile(r'<img\b[^>]*?\bsrc="data:image/png;base64,([^"]+)"')


def _compact(base64: str) -> str:
    return "".join(base64.split())


def with_dark_figures(content: str, nb: nbformat.NotebookNode | None) -> str:
    """Each figure's <img> with its dark twin from the executed notebook, if it has one."""
    twins = {
        _compact(out.data["image/png"]): _compact(out.data[dark_figures.DARK_PNG])
        for cell in (nb.cells if nb else [])
        for out in cell.get("outputs", [])
        if dark_figures.DARK_PNG in out.get("data", {}) and "image/png" in out.data
    }

    def attach(img: re.Match) -> str:
        twin = twins.get(_compact(img[1]))
        return f'{img[0]} data-dark-png="{twin}"' if twin else img[0]

    return _PNG_SRC.sub(attach, content)


def on_page_content(content, page, config, files):
    job = state.jobs.get(str(Path(page.file.abs_src_path).resolve()))
    if job is None:
        return content
    nb = job.result
    if nb is None and job.executed.exists():  # rendered from mkdocs-jupyter's cache
        nb = nbformat.read(job.executed, as_version=4)
    content = with_dark_figures(offline(content), nb)
    for match in _STYLE.finditer(content):
        state.styles.setdefault(match[1].strip())
    content = _STYLE.sub("", content)
    for script in _SCRIPT.findall(content):
        if _REMOTE.search(script):
            log.warning("%s: a script still loads from the network: %.120s", job.source, script)
    css = get_relative_url(SHARED_CSS, page.url)
    name = job.source.name
    downloads = (
        '<p class="lesson-downloads">'
        f'<a href="{job.download.name}" download title="This page as a Jupyter notebook, '
        'with every output as executed to build it">'
        f"<code>{job.download.name}</code> executed notebook</a>"
        f'<a href="{name}" download title="The lesson source: a jupytext percent script">'
        f"<code>{name}</code> source</a></p>"
    )
    return f'<link rel="stylesheet" href="{css}">\n{downloads}\n{content}'


# -- search: index the lesson text, section by section ---------------------------------------

_NOISE_CLASSES = {
    "jp-InputPrompt",
    "jp-OutputPrompt",
    "zeroclipboard-container",
    "clipboard-copy-txt",
    "celltoolbar",
    "anchor-link",
    "lesson-downloads",
    "jp-RenderedImage",
    "highlight-ipynb",  # code cells: a search preview shows the prose around them
    "jp-OutputArea",
    "lesson-card",
}
_NOISE_TAGS = {"script", "style", "svg", "link"}
# Dropped, content kept: the cells' nesting, and the highlighter's thousands of spans
# (the search indexer parses whatever is left, on every build).
_UNWRAPPED = {"div", "span"}
_DATA_URI = re.compile(r'src="data:[^"]*"')
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Searchable(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.depth = 0
        self.skip_below: int | None = None

    def _noise(self, tag: str, attrs: dict[str, str | None]) -> bool:
        classes = set((attrs.get("class") or "").split())
        stderr = attrs.get("data-mime-type") == "application/vnd.jupyter.stderr"
        return tag in _NOISE_TAGS or bool(classes & _NOISE_CLASSES) or stderr

    def handle_starttag(self, tag, attrs):
        void = tag in _VOID
        if not void:
            self.depth += 1
        if self.skip_below is not None:
            return
        if self._noise(tag, dict(attrs)):
            if not void:
                self.skip_below = self.depth
            return
        if tag not in _UNWRAPPED:
            self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if self.skip_below is None and not self._noise(tag, dict(attrs)) and tag not in _UNWRAPPED:
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        depth, self.depth = self.depth, self.depth - 1
        if self.skip_below is not None:
            if depth == self.skip_below:
                self.skip_below = None
            return
        if tag not in _UNWRAPPED:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.skip_below is None:
            self.out.append(html.escape(data, quote=False))


def searchable(body: str) -> str:
    """The page as the search index should see it.

    Notebook cells nest every heading a few divs deep, which makes Material's indexer
    file everything after a heading's cell under the page's first section; without
    the divs each section keeps its own text. Code cells and their outputs, prompts,
    copy buttons and the lesson card are left out: a search preview shows prose.
    """
    parser = _Searchable()
    parser.feed(_DATA_URI.sub('src=""', body))  # figures are left out: skip their bytes
    parser.close()
    return "".join(parser.out)


@event_priority(100)  # before the search plugin reads page.content
def _search_sees_text(context, page, config, nav):
    if str(Path(page.file.abs_src_path or "").resolve()) in state.jobs:
        page.course_content = page.content
        page.content = searchable(page.content)
    return context


@event_priority(-100)  # after it: the page itself is rendered from the real content
def _page_gets_html(context, page, config, nav):
    original = getattr(page, "course_content", None)
    if original is not None:
        page.content = original
        del page.course_content
    return context


on_page_context = CombinedEvent(_search_sees_text, _page_gets_html)


# -- the downloaded notebook runs anywhere -------------------------------------------------------
#
# A lesson may import the course's own code: grader.datasets, or the finished exercises
# of solutions/ (lessons put that folder on sys.path). A reader who downloads the
# notebook has none of it, so the download gets one more code cell, first, that carries
# the source of every such module it imports (and of theirs, in turn) and serves them
# to `import`. Its kernelspec says which kernel to start.

LOCAL_ROOTS = ("", "solutions")  # where, under the course folder, lessons import from
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

_HEADER = """\
# Added to the downloaded notebook by the course site: the course modules this notebook
# imports, so that it runs outside the course folder. Nothing to read here.
"""
_LOADER = '''\
import importlib.abc
import importlib.util
import sys


class CourseModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports the modules in `sources` from their text; a package is an empty one."""

    def __init__(self, sources, packages):
        self.sources, self.packages = sources, packages

    def find_spec(self, name, path=None, target=None):
        if name in self.sources or name in self.packages:
            return importlib.util.spec_from_loader(name, self, is_package=name in self.packages)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        source = self.sources.get(module.__name__, "")
        exec(compile(source, f"<course module {module.__name__}>", "exec"), module.__dict__)


sys.meta_path.insert(0, CourseModules(COURSE_SOURCES, COURSE_PACKAGES))
'''


def _local_file(root: Path, module: str) -> tuple[Path, bool] | None:
    """The course file of `module` and whether it is a package, or None if not local."""
    for base in LOCAL_ROOTS:
        path = root.joinpath(base, *module.split("."))
        if (path / "__init__.py").is_file():
            return path / "__init__.py", True
        if path.with_suffix(".py").is_file():
            return path.with_suffix(".py"), False
    return None


def _imports(source: str, package: str) -> set[str]:
    """The modules `source` imports, absolute, with `from m import n` giving m and m.n."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def course_modules(nb: nbformat.NotebookNode, root: Path) -> dict[str, str | None]:
    """Every course module the notebook's code imports, directly or not: its source,
    or None for a package (served empty: no lesson needs what an __init__.py holds)."""
    wanted = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            with contextlib.suppress(SyntaxError):  # IPython magic: no course import
                wanted |= _imports(cell.source, "")
    found: dict[str, str | None] = {}
    while wanted:
        name = wanted.pop()
        local = None if name in found else _local_file(root, name)
        if local is None:
            continue
        path, package = local
        found[name] = None if package else path.read_text(encoding="utf-8")
        parent = name if package else name.rpartition(".")[0]
        wanted |= {parent.rsplit(".", i)[0] for i in range(parent.count(".") + 1)} - {""}
        wanted |= _imports(found[name] or "", parent)
    return found


def standalone(nb: nbformat.NotebookNode, root: Path) -> nbformat.NotebookNode:
    """A copy of the executed `nb` that runs in an empty folder: modules and kernelspec."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:  # the dark twins of the figures are the site's
        for out in cell.get("outputs", []):
            out.get("data", {}).pop(dark_figures.DARK_PNG, None)
    nb.metadata.setdefault("kernelspec", dict(KERNELSPEC))
    nb.metadata.setdefault("language_info", {"name": "python"})
    found = course_modules(nb, root)
    if found:
        sources = {name: text for name, text in sorted(found.items()) if text is not None}
        packages = sorted(name for name, text in found.items() if text is None)
        cell = nbformat.v4.new_code_cell(
            f"{_HEADER}COURSE_SOURCES = {sources!r}\nCOURSE_PACKAGES = {packages!r}\n{_LOADER}"
        )
        cell.metadata[GENERATED] = "course-modules"
        first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(first, cell)
    return nb


# -- after the build ---------------------------------------------------------------------------


def notebook_css() -> str:
    """The notebook styles of every page, once, plus JupyterLab's dark variables."""
    templates = Path(jupyter_settings.templates_dir) / "mkdocs_html" / "assets"
    dark = (templates / "theme-dark.css").read_text(encoding="utf-8")
    dark = dark.replace(".jupyter-wrapper{", '[data-md-color-scheme="slate"] .jupyter-wrapper{')
    return "\n".join([*state.styles, "/* Material's dark palette */", dark]) + "\n"


def on_post_build(config):
    site = Path(config.site_dir)
    kept = set()
    for job in state.jobs.values():
        if job.executed.exists():
            job.download.parent.mkdir(parents=True, exist_ok=True)
            nb = standalone(nbformat.read(job.executed, as_version=4), state.root)
            nbformat.write(nb, job.download)
            kept.add(job.executed.resolve())
        else:
            log.warning("%s: no executed notebook to offer for download", job.source)
    if state.jobs:
        target = site / SHARED_CSS
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(notebook_css(), encoding="utf-8")
    if state.serving and state.warm is None and state.jupyter is not None:
        state.warm = WarmKernel(_settings())
    stale = state.cache_dir / EXECUTED_DIR
    if stale.is_dir() and not state.dirty:
        for path in stale.glob("*.ipynb"):
            if path.resolve() not in kept:
                path.unlink()
