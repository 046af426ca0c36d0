"""The build hooks' own logic, on small inputs (no build, no browser)."""

from __future__ import annotations

import nbformat
import pytest
from sitekit import ROOT, load_hook

from grader import course as course_mod

lessons = load_hook("lessons")
cli_docs = load_hook("cli_docs")


@pytest.fixture(scope="module")
def lesson1() -> course_mod.Lesson:
    return course_mod.load(ROOT).lesson("lesson1")


def notebook(*markdown: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(text) for text in markdown]
    nb.cells.insert(1, nbformat.v4.new_code_cell("print(1)"))
    return nb


def test_the_exercises_block_names_files_commands_and_sections(lesson1):
    text = lessons.exercises_markdown(lesson1, heading=True)
    assert text.startswith("## Exercises")
    assert "`exercises/lesson1/neuron.py`" in text
    assert "learn check lesson1" in text and "`./learn check lesson1`" in text
    for exercise in lesson1.exercises:
        assert f"`{exercise.name}`" in text
        assert f"(#{course_mod.slugify(exercise.section)})" in text
    assert not lessons.exercises_markdown(lesson1, heading=False).startswith("##")


@pytest.mark.parametrize(
    "cells, where, heading",
    [
        (["# Title", "## Exercises\n\nMy intro.", "## Credits and further reading"], 3, False),
        (["# Title", "## Something", "## Credits and further reading\n\n- a link"], 3, True),
        (["# Title", "## Something"], 3, True),
    ],
    ids=["after the page's own Exercises", "before Credits", "at the end"],
)
def test_the_exercises_block_goes_where_the_page_expects_it(lesson1, cells, where, heading):
    nb = notebook(*cells)
    before = len(nb.cells)
    out = lessons.with_exercises(nb, lesson1)
    assert len(nb.cells) == before, "the original notebook is left untouched"
    assert len(out.cells) == before + 1, "exactly one cell is added"
    added = out.cells[where]
    assert added.metadata[lessons.GENERATED] == "exercises"
    assert added.source.startswith("## Exercises") is heading


def test_search_text_keeps_sections_and_drops_noise():
    body = """
    <div class="jp-Cell"><div class="jp-RenderedMarkdown">
      <h2 id="one">One<a class="anchor-link" href="#one">¶</a></h2><p>Words here.</p>
    </div></div>
    <div class="jp-Cell celltag_raises-exception">
      <div class="jp-InputPrompt">In [3]:</div>
      <div class="zeroclipboard-container"><span class="notice">Copied!</span></div>
      <div class="highlight-ipynb"><pre><span class="n">boom</span>()</pre></div>
      <div class="clipboard-copy-txt">boom()</div>
      <div class="jp-OutputArea-output" data-mime-type="application/vnd.jupyter.stderr">
        <pre>Traceback (most recent call last) ValueError: no</pre></div>
      <div class="jp-RenderedImage"><img src="data:image/png;base64,AAAA"></div>
    </div>"""
    text = lessons.searchable(body)
    assert '<h2 id="one">One</h2>' in text, "headings are no longer nested in divs"
    assert "Words here." in text and "<pre>boom()</pre>" in text
    for noise in ("In [3]", "Copied!", "¶", "Traceback", "ValueError", "base64", "<div", "<span"):
        assert noise not in text
    assert text.count("boom()") == 1, "the copy-button text is not indexed twice"


def test_offline_drops_the_cdn_loaders():
    body = (
        '<!-- Load mathjax --><script src="https://cdnjs.example/mathjax.js"></script>'
        "<!-- End of mathjax configuration -->"
        '<script type="module">import("https://cdnjs.example/mermaid.mjs")</script>'
        "<!-- End of mermaid configuration -->"
        "<script>document.title = 'kept';</script><p>text</p>"
    )
    out = lessons.offline(body)
    assert "cdnjs" not in out and "mathjax" not in out.lower()
    assert out == "<script>document.title = 'kept';</script><p>text</p>"


def test_exit_codes_come_from_the_cli():
    from grader import cli

    block = cli_docs.exit_codes()
    assert block.startswith("```text\n0 ")
    for line in cli.EXIT_CODES.splitlines()[2:]:
        assert line.strip() in block


def test_the_reference_documents_every_command_learn_help_lists():
    import click

    from grader import cli

    ctx = click.Context(cli.cli, info_name="learn")
    names = cli.cli.list_commands(ctx)
    cli_docs.load_every_command(cli.cli)
    assert list(cli.cli.commands) == names
    assert all(command.name == name for name, command in cli.cli.commands.items())


def test_a_warm_kernel_runs_a_lesson_as_a_fresh_one_would(tmp_path):
    settings = {"kernel_name": "", "allow_errors": False, "extra_arguments": []}
    warm = lessons.WarmKernel(settings)
    km = warm.take()
    assert km is not None and km.is_alive()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import sys\nprint('torch' in sys.modules)"),
        nbformat.v4.new_code_cell("print('torch' in dir(), 'plt' in dir())"),
    ]
    job = lessons.Job(tmp_path / "l.py", nb, tmp_path / "l.ipynb", tmp_path / "site.ipynb")
    lessons._execute(job, {k: v for k, v in settings.items() if k != "extra_arguments"}, km)
    assert job.error is None
    outputs = [cell.outputs[0]["text"] for cell in job.result.cells]
    assert outputs == ["True\n", "False False\n"]  # imported, but no name bound
    assert [cell.execution_count for cell in job.result.cells] == [1, 2]
    assert not km.is_alive()  # used once, then shut down
