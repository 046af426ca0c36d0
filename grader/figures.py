"""Figures that several lesson pages draw, so that each lesson shows the same picture.

Lesson 1 introduces the training loop with `training_loop()`; later lessons draw it
again with the steps they are about highlighted, e.g. `training_loop({"gradients"})`.
A downloaded lesson notebook carries this module with it (see mkdocs_hooks/lessons.py).
"""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

# The steps of the loop: name -> (centre x, centre y, label).
STEPS = {
    "inputs": (0.0, 1.0, "inputs $x$"),
    "parameters": (0.0, 0.0, "parameters $\\theta$"),
    "model": (2.3, 0.5, "model\n$f(x;\\,\\theta)$"),
    "predictions": (4.6, 0.5, "predictions\n$\\hat y$"),
    "targets": (6.9, 1.55, "targets $y$"),
    "loss": (6.9, 0.5, "loss\n$L(\\hat y, y)$"),
    "gradients": (4.6, -0.85, "gradients\n$\\partial L / \\partial \\theta$"),
    "update": (
        2.3,
        -0.85,
        "update\n$\\theta \\leftarrow \\theta - \\eta\\, \\partial L/\\partial \\theta$",
    ),
}
ARROWS = [
    ("inputs", "model"),
    ("parameters", "model"),
    ("model", "predictions"),
    ("predictions", "loss"),
    ("targets", "loss"),
    ("loss", "gradients"),
    ("gradients", "update"),
    ("update", "parameters"),
]
PLAIN, MARKED = "#e7f5ff", "#ffd8a8"  # box fills: light blue, and orange for `highlight`


def training_loop(highlight: Iterable[str] = (), title: str | None = None):
    """Draw the training loop (forward along the top, backward along the bottom) and
    return the figure; the steps named in `highlight` (keys of STEPS) are filled orange."""
    marked = set(highlight)
    unknown = marked - STEPS.keys()
    if unknown:
        raise ValueError(f"no step {sorted(unknown)} in the training loop; steps: {list(STEPS)}")
    fig, ax = plt.subplots(figsize=(8, 3.4))
    width, height = 1.7, 0.62
    half_w, half_h = width / 2 + 0.04, height / 2 + 0.04  # with the boxes' padding
    for name, (x, y, label) in STEPS.items():
        box = FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.04",
            facecolor=MARKED if name in marked else PLAIN,
            edgecolor="#343a40",
            linewidth=1.6 if name in marked else 1.0,
        )
        ax.add_patch(box)
        ax.text(x, y, label, ha="center", va="center", fontsize=10.5, color="black")
    for start, end in ARROWS:
        (x0, y0, _), (x1, y1, _) = STEPS[start], STEPS[end]
        # from edge to edge: scale the centre-to-centre line to where it leaves a box
        dx, dy = x1 - x0, y1 - y0
        t = min(w / abs(d) if d else float("inf") for w, d in ((half_w, dx), (half_h, dy)))
        arrow = FancyArrowPatch(
            (x0 + t * dx, y0 + t * dy), (x1 - t * dx, y1 - t * dy), arrowstyle="-|>",
            mutation_scale=14, color="#495057", shrinkA=2, shrinkB=2, linewidth=1.4,
        )  # fmt: skip
        ax.add_patch(arrow)
    ax.text(3.45, 1.05, "forward", ha="center", fontsize=10, style="italic", color="#495057")
    ax.text(3.45, -1.45, "backward, then a step", ha="center", fontsize=10, style="italic",
            color="#495057")  # fmt: skip
    ax.set_xlim(-1.0, 7.9)
    ax.set_ylim(-1.6, 2.0)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
