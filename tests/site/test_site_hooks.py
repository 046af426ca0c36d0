"""The build hooks' own logic, on small inputs (no build, no browser)."""

from __future__ import annotations

import re

import nbformat
import pytest
from sitekit import ROOT, load_hook

from grader import course as course_mod

lessons = load_hook("lessons")
cli_docs = load_hook("cli_docs")
pages = load_hook("pages")


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
    # A page with an Exercises section of its own lists them: only the command is added.
    own = lessons.exercises_markdown(lesson1, heading=False)
    assert "learn check lesson1" in own and "|" not in own and not own.startswith("##")


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
    assert "Words here." in text
    for noise in ("In [3]", "Copied!", "¶", "Traceback", "ValueError", "base64", "<div", "<span"):
        assert noise not in text
    assert "boom" not in text, "code stays out of the search previews"


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


PNG = (  # a 4 x 2 PNG at 144 dpi (pHYs: 5669 dots per metre)
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAYAAAB/qH1jAAAACXBIWXMAABYlAAAWJQFJUiTwAAAAC0lEQVR4"
    "nGNgIAQAACIAAV64IdsAAAAASUVORK5CYII="
)


def code_cell(tags: str = "", images: int = 1) -> str:
    image = f'<img alt="x" height="1" src="data:image/png;base64,{PNG}" width="2"/>'
    return (
        f'<div class="jp-Cell jp-CodeCell jp-Notebook-cell{tags}" id="cell-id=a">'
        '<div class="jp-Cell-inputWrapper" tabindex="0"><div class="jp-InputArea">'
        '<div class="highlight-ipynb hl-python"><pre>ax.set_title("a curve")</pre></div>'
        '</div></div><div class="jp-Cell-outputWrapper"><div class="jp-RenderedImage">'
        f"{image * images}</div></div></div>"
    )


def test_figures_become_files_with_their_cells_alt_text(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "cache", tmp_path / "cache")
    html = code_cell(images=2) + code_cell() + code_cell()
    alts = [["Two curves", "Their difference"], [], ["Two curves"]]
    out = pages.figures_as_files(html, alts, tmp_path / "figures", "lesson")
    assert "base64" not in out
    files = list((tmp_path / "figures").iterdir())
    assert len(files) == 1 and files[0].read_bytes()[:4] == b"\x89PNG"  # one figure, once
    found = re.findall(r'alt="([^"]*)"', out)
    assert found[:2] == ["Two curves", "Their difference"]
    assert found[2] == "Figure: a curve", "a cell without alt: its axes' title"
    assert len(set(found)) == 4, f"every figure gets a text of its own: {found}"
    assert 'loading="lazy"' in out and f'href="figures/{files[0].name}"' in out
    # 2 CSS pixels for 4 pixels at 144 dpi: a point (1/72 in) is 1 CSS pixel.
    assert 'data-px-per-pt="1.000"' in out


def test_alt_texts_come_from_the_comments_a_cell_starts_with():
    code = (
        "# alt: Two curves that cross\n#   at zero\n# alt: Their difference\n"
        "# an ordinary comment\nplot()\n# alt: not at the top: code"
    )
    assert pages.alt_comments(code) == ["Two curves that cross at zero", "Their difference"]
    assert pages.alt_comments("plot()") == []


def test_plot_cells_are_folded_and_others_are_not():
    html = code_cell(" celltag_plot") + code_cell()
    out = pages.fold_plot_cells(html)
    assert out.count('<details class="plot-code">') == 1
    folded = out[out.index("<details") : out.index("</details>")]
    assert "<summary>Show the plotting code</summary>" in folded and "set_title" in folded
    assert "jp-RenderedImage" not in folded, "the figure stays visible"
    assert out.count("<div") == out.count("</div>"), "the cells' HTML stays balanced"
    assert 'tabindex="0"' not in out


def test_the_glossary_links_each_bold_term_to_its_section():
    docs = ROOT / "docs"
    rows = pages.glossary_markdown(docs, pages.lesson_pages(ROOT, docs))
    assert "(lessons/lesson1.py#" in rows, rows[:300]
    terms = [line.split("]")[0].lstrip("| [").lower() for line in rows.splitlines()[2:]]
    assert terms == sorted(terms) and len(terms) == len(set(terms))


def test_the_notebook_stylesheet_keeps_the_rules_the_pages_can_use():
    css = (
        "@charset 'UTF-8';.a .b{x:1}.a .gone{x:2}.gone,.b:not(.gone){x:3}p{x:4}"
        "@media (max-width:1px){.gone{x:5}.a{x:6}}@media print{.gone{x:7}}"
        "@font-face{font-family:f}"
    )
    out = pages.used_css(css, {"a", "b"})
    for kept in ("@charset 'UTF-8';", ".a .b{x:1}", ".gone,.b:not(.gone){x:3}", "p{x:4}"):
        assert kept in out
    assert "@media (max-width:1px){.a{x:6}}" in out and "@font-face{font-family:f}" in out
    assert "x:2" not in out and "x:5" not in out and "@media print" not in out
