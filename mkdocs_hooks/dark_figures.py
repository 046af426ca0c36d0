"""Each matplotlib figure of a lesson, drawn a second time for a dark page.

Not an mkdocs hook: the kernel that executes a lesson runs `install()` before the first
cell (mkdocs_hooks/lessons.py starts it so). The lessons draw for a white page; for
Material's dark palette the same figure is drawn again as one would draw it for a dark
page: its background transparent, so that the page shows through, and every colour of
its axes, text, lines and shapes turned to its counterpart on a dark page: lightness
reversed, hue and saturation kept. Black text and axes become light, a pale fill a deep
one, and mid colours (matplotlib's blue, the lessons' orange) stay nearly as they are.
What shows data as colour is left exactly as drawn: images, and colour-mapped meshes,
contours and scatter plots.

The dark PNG travels beside the light one in the figure's output, under DARK_PNG; the
site shows the one that suits the reader's palette (mkdocs_hooks/pages.py), and the
downloaded notebook goes without it.
"""

from __future__ import annotations

import colorsys
import sys

DARK_PNG = "image/x-course-dark+png"
LIGHTEST, DARKEST = 0.92, 0.12  # what black and white become (HLS lightness)


def dark(colour):
    """The colour's counterpart on a dark page: lightness reversed, hue, saturation
    and alpha kept."""
    from matplotlib.colors import to_rgba

    red, green, blue, alpha = to_rgba(colour)
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = LIGHTEST - (LIGHTEST - DARKEST) * lightness
    return (*colorsys.hls_to_rgb(hue, lightness, saturation), alpha)


def _is_white(colour) -> bool:
    from matplotlib.colors import to_rgba

    return to_rgba(colour)[:3] == (1.0, 1.0, 1.0)


def darkened(figure) -> list:
    """Restyle `figure` for a dark page; the list of (setter, old value) undoes it."""
    from matplotlib.collections import Collection
    from matplotlib.image import _ImageBase
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    undo = []

    def swap(get, put, new=None) -> None:
        old = get()
        undo.append((put, old))
        put(new(old) if new else dark(old))

    backgrounds = {figure.patch, *(axes.patch for axes in figure.axes)}
    for artist in figure.findobj():
        if isinstance(artist, _ImageBase):
            continue  # an image is data
        if artist in backgrounds:
            swap(
                artist.get_facecolor,
                artist.set_facecolor,
                lambda c: (0, 0, 0, 0) if _is_white(c) else dark(c),
            )
        elif isinstance(artist, Text):
            swap(artist.get_color, artist.set_color)
            box = artist.get_bbox_patch()
            if box is not None:
                swap(box.get_facecolor, box.set_facecolor)
                swap(box.get_edgecolor, box.set_edgecolor)
        elif isinstance(artist, Line2D):
            swap(artist.get_color, artist.set_color)
            swap(artist.get_markerfacecolor, artist.set_markerfacecolor)
            swap(artist.get_markeredgecolor, artist.set_markeredgecolor)
        elif isinstance(artist, Patch):
            swap(artist.get_facecolor, artist.set_facecolor)
            swap(artist.get_edgecolor, artist.set_edgecolor)
        elif isinstance(artist, Collection):
            faces, edges = artist.get_facecolor(), artist.get_edgecolor()
            mapped = artist.get_array() is not None  # colours from data, through a map
            if not mapped:
                swap(artist.get_facecolor, artist.set_facecolor, lambda cs: [dark(c) for c in cs])
            if not (mapped and len(edges) == len(faces) and (edges == faces).all()):
                swap(artist.get_edgecolor, artist.set_edgecolor, lambda cs: [dark(c) for c in cs])
    return undo


def dark_png(figure):
    """The figure as the light PNG is made (the same size, the same format), darkened."""
    from IPython import get_ipython

    try:
        printer = get_ipython().display_formatter.formatters["image/png"].lookup(figure)
    except KeyError:
        return None
    undo = darkened(figure)
    try:
        data = printer(figure)
    finally:
        for put, old in reversed(undo):
            put(old)
    return data[0] if isinstance(data, tuple) else data  # (data, metadata) from retina


def install(shell) -> None:
    """A display formatter for DARK_PNG, after image/png's: the light figure is drawn
    first, so that every tick the dark one restyles exists already. It looks for
    figures itself: set_matplotlib_formats() unregisters Figure from every formatter."""
    from IPython.core.formatters import BaseFormatter, catch_format_error
    from traitlets import Unicode

    class DarkPNGFormatter(BaseFormatter):
        format_type = Unicode(DARK_PNG)

        @catch_format_error
        def __call__(self, obj):
            figure = sys.modules.get("matplotlib.figure")
            return dark_png(obj) if figure and isinstance(obj, figure.Figure) else None

    formatters = shell.display_formatter.formatters
    formatters[DARK_PNG] = DarkPNGFormatter(parent=shell.display_formatter)
