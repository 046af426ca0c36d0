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
maths = load_hook("maths")
dark_figures = load_hook("dark_figures")


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


def test_the_notebook_stylesheet_keeps_the_variables_something_reads():
    css = (
        ":root{--a:1;--b:var(--c);--c:2;--icon:url(data:image/svg+xml;utf8,x);--gone:3}"
        ".x{color:var(--b)}@media (min-width:1px){.y{--gone-too:1;width:var(--a)}}"
        ".z{margin:var(--page)}.z{margin:var(--page)}"
    )
    out = pages.without_unused_variables(css, elsewhere=".w{--page:0;padding:var(--page)}")
    assert ":root{--a:1;--b:var(--c);--c:2}" in out, "read directly, or through --b"
    assert "--icon" not in out and "--gone" not in out, "read by nothing"
    assert "@media (min-width:1px){.y{width:var(--a)}}" in out
    assert out.count(".z{") == 1, "an identical rule is kept once"


# -- figures for the dark palette -----------------------------------------------------------


def test_a_figure_drawn_for_both_palettes_becomes_two_links(tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "cache", tmp_path / "cache")
    twin = f'src="data:image/png;base64,{PNG}" data-dark-png="{PNG}"'
    html = code_cell().replace(f'src="data:image/png;base64,{PNG}"', twin)
    out = pages.figures_as_files(html, [["A curve"]], tmp_path / "figures", "lesson")
    assert out.count('class="nb-figure nb-figure--light"') == 1
    assert out.count('class="nb-figure nb-figure--dark"') == 1
    assert out.count('alt="A curve"') == 2 and "data-dark-png" not in out


def test_the_page_gets_each_figures_dark_twin_and_the_download_does_not():
    light, dark = "iVBORw0KGgo=", "iVBORw0KGgoD"
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plot()")
    data = {"image/png": light + "\n", dark_figures.DARK_PNG: dark}
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    page = f'<img alt="a" src="data:image/png;base64,{light}"/><img src="data:image/png;base64,x"/>'
    out = lessons.with_dark_figures(page, nb)
    assert out.count(f'data-dark-png="{dark}"') == 1, "only the figure that has one"
    download = lessons.standalone(nb, ROOT)
    assert dark_figures.DARK_PNG not in download.cells[-1].outputs[0].data


def test_dark_colours_reverse_lightness_and_keep_hue():
    light = dark_figures.dark("black")
    assert min(light[:3]) > 0.85 and light[3] == 1
    assert max(dark_figures.dark("white")[:3]) < 0.15
    red, green, blue, alpha = dark_figures.dark((1.0, 0.9, 0.8, 0.5))  # a pale orange
    assert red > green > blue and red < 0.5 and alpha == 0.5


def test_a_darkened_figure_keeps_its_data_and_is_restored_after():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (ax, other) = plt.subplots(1, 2)
    ax.plot([0, 1], [0, 1], color="black")
    ax.set_title("a title")
    image = other.imshow([[0, 1], [1, 0]], cmap="Greys")
    before = (ax.lines[0].get_color(), ax.title.get_color(), figure.get_facecolor())
    figure.canvas.draw()  # as the light figure is drawn first: every tick exists
    undo = dark_figures.darkened(figure)
    assert figure.get_facecolor()[3] == 0 and ax.patch.get_facecolor()[3] == 0, "see-through"
    assert min(matplotlib.colors.to_rgb(ax.lines[0].get_color())) > 0.85
    assert min(matplotlib.colors.to_rgb(ax.title.get_color())) > 0.85
    assert image.get_cmap().name == "Greys" and image.get_alpha() is None, "data as drawn"
    for put, old in reversed(undo):
        put(old)
    after = (ax.lines[0].get_color(), ax.title.get_color(), figure.get_facecolor())
    assert after == before
    plt.close(figure)


# -- maths typeset when building ------------------------------------------------------------


def test_maths_in_text_is_typeset_and_code_is_left_alone():
    html = (
        "<p>a $x &lt; 1$ and <code>$y$</code> and \\(z\\), $$\\frac{1}{2}$$</p>"
        "<pre>$ pip install</pre>"
    )
    out = maths.typeset_html(html, maths.DOLLARS, "page")
    assert out.count('class="katex"') == 3 and out.count("katex-display") == 1
    assert "<code>$y$</code>" in out and "<pre>$ pip install</pre>" in out
    assert "<mo>&lt;</mo>" in out, "the formula's own < reached KaTeX unescaped"
    assert maths.typeset_html("<p>5 $ and no more</p>", maths.DOLLARS, "page") == (
        "<p>5 $ and no more</p>"
    ), "a lone dollar is text"


def test_a_formula_katex_cannot_read_is_a_build_warning(caplog):
    out = maths.typeset_text("$\\frac{1}$", maths.DOLLARS, "lessons/x.py")
    assert "katex-error" in out
    assert "lessons/x.py" in caplog.text and "\\frac{1}" in caplog.text
