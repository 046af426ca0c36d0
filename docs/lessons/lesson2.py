# %% [markdown]
# # Lesson 2: Tensors
#
# In lesson 1 every neuron was a Python loop over a list of floats: fine for three
# inputs, hopeless for a photo of 150,528 numbers. So today I learn the data structure
# PyTorch is built on, the **tensor**: an n-dimensional array of numbers, in one piece
# of memory, operated on all at once.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle
from matplotlib_inline.backend_inline import set_matplotlib_formats

set_matplotlib_formats("retina")  # sharp figures on high-resolution screens
plt.rcParams.update(
    {
        "figure.dpi": 80,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 11,
    }
)
torch.manual_seed(0)  # the same "random" numbers every time the page is built
print(torch.__version__)

# %% [markdown]
# ## A box of numbers with axes
#
# `torch.tensor` takes nested lists. The result knows how many axes it has (`ndim`)
# and their lengths, outermost first (`shape`). One index per axis reaches a number.

# %%
matrix = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # two rows of three
for t in [torch.tensor(3.5), torch.tensor([1.0, 2.0, 3.0]), matrix]:
    print(f"ndim={t.ndim}  shape={tuple(t.shape)}")
print(matrix[1, 2], matrix[1, 2].item())  # row 1, column 2 (from 0); .item() gives a float

# %% [markdown]
# ## What the axes mean
#
# What each axis stands for is a convention, not something the numbers know. A **grey
# image** is (H, W), H rows of W pixels; a **colour image** adds an axis for the red,
# green and blue **channels**, first in PyTorch: (3, H, W); a **batch** of images adds
# one in front, (N, 3, H, W); a **video** adds time, (N, T, 3, H, W). My batch of two
# 16 × 16 pictures, painted with code:

# %%
ys, xs = torch.meshgrid(torch.linspace(0, 1, 16), torch.linspace(0, 1, 16), indexing="ij")
ramp = torch.stack([xs, ys, 1 - xs])  # red grows to the right, green downwards
disc = ((xs - 0.5) ** 2 + (ys - 0.5) ** 2 < 0.12).float()
sun = torch.stack([disc, 0.85 * disc, torch.full_like(disc, 0.15)])  # a yellow disc
images = torch.stack([ramp, sun])  # the batch axis goes in front
print("batch:", tuple(images.shape), " one image:", tuple(images[1].shape))
print("one channel:", tuple(images[1, 0].shape), " one pixel:", images[1, :, 8, 8].tolist())


# %% tags=["plot"]
# alt: A batch of images, one per row: each picture, then its red, green and blue channels as
#   separate images, labelled with the tensor axes N, C, H and W
def show_batch(images):
    """One row per image of the batch: the picture, then its three channels."""
    fig, axes = plt.subplots(len(images), 4, figsize=(8, 2.1 * len(images) + 0.6))
    for i, image in enumerate(images):
        # matplotlib wants channels last, (H, W, 3): permute reorders the axes
        axes[i, 0].imshow(image.permute(1, 2, 0).clamp(0, 1))
        axes[i, 0].set_ylabel(f"images[{i}]")
        for c, cmap in enumerate(["Reds", "Greens", "Blues"]):
            axes[i, c + 1].imshow(image[c], cmap=cmap, vmin=0, vmax=1)
    for c, name in enumerate(["all 3 channels", "channel 0: red", "channel 1: green",
                              "channel 2: blue"]):  # fmt: skip
        axes[0, c].set_title(name, fontsize=10)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    axes[-1, 1].set_xlabel("W: axis 3 →")
    axes[-1, 1].set_ylabel("H: axis 2 ↓")
    fig.suptitle(
        f"a batch of shape {tuple(images.shape)} = (N, C, H, W)\n"
        "down the rows: axis 0 (N, which image) · across: axis 1 (C, which channel)"
    )
    plt.tight_layout()
    plt.show()


show_batch(images)

# %% [markdown]
# The yellow disc is high in the red and green channels, low in blue. Averaging over
# axis 1 gives a grey image; the exercise weights the channels by how bright eyes see
# them, the **luminance** $0.299\,R + 0.587\,G + 0.114\,B$.

# %%
grey = images.mean(dim=1, keepdim=True)
print(tuple(grey.shape))  # (N, 1, H, W): still a batch of images, with one channel

# %% [markdown]
# ## Shape, dtype and device
#
# Every tensor also has a **dtype**, the kind of number in every cell, and a
# **device**, the memory it lives in: the CPU's, an NVIDIA GPU's (`cuda`) or an
# Apple-silicon GPU's (`mps`). Floats default to `float32`, integers to `int64`;
# `.to(dtype)` converts. When two dtypes meet, PyTorch
# [promotes](https://docs.pytorch.org/docs/stable/tensor_attributes.html#type-promotion-doc)
# them.
#
# <details class="question"><summary>Predict: an int64 tensor plus a float32 tensor.
# Which dtype comes out?</summary>
#
# `float32`: a float beats an integer, and the float operand sets the size. So the
# result cannot hold every int64: $2^{24} + 1$ comes out as $2^{24}$.
#
# </details>

# %%
t = torch.tensor([1.0, 2.0])
print(t.dtype, t.device, torch.tensor([1, 2]).dtype, t.to(torch.float16))
total = torch.tensor([2**24 + 1]) + torch.tensor([0.0])  # int64 + float32
print(total.dtype, total)  # not exact

# %% [markdown]
# ## Element-wise operations
#
# Arithmetic between tensors of the same shape happens cell by cell, with no loop in
# my code, and so do functions like `torch.exp` and `torch.relu`.

# %%
a = torch.tensor([1.0, 2.0, 3.0, 4.0])
b = torch.tensor([10.0, 20.0, 30.0, 40.0])
print(a + b, a * b, a**2, a > 2.5)  # a comparison gives booleans

# %% [markdown]
# Lesson 1's weighted sum is now `(inputs * weights).sum()`. On a million inputs:

# %%
inputs, weights = torch.rand(1_000_000), torch.rand(1_000_000)
start = time.perf_counter()
loop_total = sum(x * w for x, w in zip(inputs.tolist(), weights.tolist(), strict=True))
middle = time.perf_counter()
tensor_total = (inputs * weights).sum().item()
end = time.perf_counter()
print(f"python loop: {loop_total:.0f} in {(middle - start) * 1000:.0f} ms")
print(f"tensor ops:  {tensor_total:.0f} in {(end - middle) * 1000:.1f} ms")

# %% [markdown]
# The same sum, many times faster: the loop pays Python's overhead for every number,
# the tensor operation once.
#
# ## Broadcasting
#
# Adding one number to a tensor adds it to every cell, and **broadcasting**
# generalises that to whole axes: a row of three numbers added to a 2 × 3 matrix is
# added to each row.

# %%
m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # shape (2, 3)
print(m + torch.tensor([100.0, 200.0, 300.0]))  # shape (3,)

# %% [markdown]
# The rules:
#
# 1. Line the two shapes up **from the right**, last axis under last axis.
# 2. If one shape is shorter, pretend it has extra axes of length 1 on its left.
# 3. Two lengths fit when they are **equal**, or when one of them is **1**, which is
#    stretched to the other by repeating its only slice. Any other pair is an error.
#
# Above, (3,) was padded to (1, 3) and its 1 stretched to 2.
#
# <details class="question"><summary>Predict: what shape does a (3, 1) tensor plus a
# (4,) tensor give?</summary>
#
# (3, 4). (4,) is padded to (1, 4); last axes 1 and 4, the 1 stretches to 4; first
# axes 3 and 1, the 1 stretches to 3. Each operand stretches along a different axis.
#
# </details>

# %%
col = torch.tensor([[0.0], [10.0], [20.0]])  # shape (3, 1)
row4 = torch.tensor([1.0, 2.0, 3.0, 4.0])  # shape (4,)
print(col + row4)

# %% tags=["plot"]
# alt: Broadcasting drawn as grids: the (3, 1) column 0, 10, 20 stretched along axis 1, plus the row
#   1, 2, 3, 4 of shape (4,), taken as (1, 4) and stretched along axis 0, gives the (3, 4) grid 1 to
#   4, 11 to 14, 21 to 24
PLAIN, MARKED, ROW0, ROW1 = "#e7f5ff", "#ffa94d", "#ffd8a8", "#a5d8ff"  # cell fills


def draw_tensor(ax, values, left, title, fills=None, stretch_to=None):
    """A 2-D tensor as a grid of cells, its left edge at x = left. `fills` maps
    (row, column) to a colour; the copies broadcasting pretends to make, up to the
    shape `stretch_to`, are dashed and grey."""
    rows, cols = values.shape
    full_rows, full_cols = stretch_to or (rows, cols)
    for i in range(full_rows):
        for j in range(full_cols):
            real = i < rows and j < cols
            value = values[min(i, rows - 1), min(j, cols - 1)].item()
            fill = (fills or {}).get((i, j), PLAIN) if real else "white"
            ax.add_patch(Rectangle((left + j, -i - 1), 1, 1, facecolor=fill,
                                   edgecolor="black" if real else "#868e96",
                                   linestyle="-" if real else "--"))  # fmt: skip
            ax.text(left + j + 0.5, -i - 0.5, f"{value:g}", ha="center", va="center",
                    color="black" if real else "#495057")  # fmt: skip
    ax.text(left + full_cols / 2, 0.3, title, ha="center", va="bottom", fontsize=10)


def show_row(parts, figsize):
    """Draw left to right: (tensor, title, options) tuples, and strings as signs."""
    _, ax = plt.subplots(figsize=figsize)
    left, depth = 0.0, 0
    for part in parts:
        if isinstance(part, str):
            ax.text(left + 0.6, -1.2, part, fontsize=18, ha="center", va="center")
            left += 1.2
            continue
        values, title, options = part
        draw_tensor(ax, values, left, title, **options)
        shape = options.get("stretch_to") or values.shape
        left, depth = left + shape[1] + 0.3, max(depth, shape[0])
    ax.set_xlim(-0.2, left)
    ax.set_ylim(-depth - 0.2, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    plt.show()


show_row(
    [
        (col, "col: (3, 1)\nstretched along axis 1", {"stretch_to": (3, 4)}),
        "+",
        (row4.view(1, 4), "row4: (4,) as (1, 4)\nstretched along axis 0", {"stretch_to": (3, 4)}),
        "=",
        (col + row4, "col + row4: (3, 4)", {}),
    ],
    figsize=(8, 2.6),
)

# %% [markdown]
# The dashed cells are the copies broadcasting acts as if it made. With more axes the
# rules are the same, and a pair of lengths that is neither equal nor 1 is refused:

# %%
print((torch.zeros(8, 1, 3) + torch.zeros(4, 1)).shape)
try:
    torch.zeros(2, 3) + torch.zeros(4)
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# Broadcasting makes short code, and silent bugs when two shapes I never meant to
# combine happen to fit.
#
# ## Matrix multiplication
#
# `a * b` multiplies element by element. The **matrix product** `a @ b` is something
# else: entry (i, j) is the dot product of row i of `a` with column j of `b`,
#
# $$(AB)_{ij} = \sum_k A_{ik} B_{kj}.$$
#
# So the shapes must fit: (n, k) @ (k, m) gives (n, m), and the shared k disappears.

# %% tags=["plot"]
# alt: A matrix product drawn as grids: row 1 of A, 4 5 6, and column 0 of B, 1 0 2, are
#   highlighted; their products summed give 16, entry (1, 0) of the (2, 2) result A @ B
A23 = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
B32 = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]])
row_1 = {(1, k): MARKED for k in range(3)}
column_0 = {(k, 0): MARKED for k in range(3)}
show_row(
    [
        (A23, "A: (2, 3)\nrow 1", {"fills": row_1}),
        "@",
        (B32, "B: (3, 2)\ncolumn 0", {"fills": column_0}),
        "=",
        (A23 @ B32, "A @ B: (2, 2)\nentry (1, 0)", {"fills": {(1, 0): MARKED}}),
    ],
    figsize=(8, 2.6),
)

# %% [markdown]
# Entry (1, 0) is $4 \cdot 1 + 5 \cdot 0 + 6 \cdot 2 = 16$. The two products differ:

# %%
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
B = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
print(A * B, A @ B, sep="\n")

# %% [markdown]
# `A @ B` swapped A's columns, which no element-wise product can do. A layer of neurons
# *is* a matrix product: inputs as (N, in), weights as the rows of (out, in), the layer
# is `inputs @ weights.T + biases`. Axes before the last two are **batch dimensions**,
# and they broadcast.

# %%
inputs = torch.randn(5, 3)  # a batch of 5 inputs with 3 features each
weights = torch.randn(4, 3)  # a layer of 4 neurons, one row of 3 weights each
print((inputs @ weights.T).shape, (torch.randn(7, 1, 5, 3) @ torch.randn(4, 3, 2)).shape)

# %% [markdown]
# My own `matmul`, in the exercise, uses only broadcasting, `*` and `sum`: every
# product $A_{ik} B_{kj}$ laid out in one tensor with an axis each for i, k and j, then
# one sum over the k axis.
#
# ## Reshaping and views
#
# `view` and `reshape` **regroup** the numbers: they keep their order, row after row,
# and only change where one row ends and the next starts; one length may be -1, for
# "whatever is left". A view shares memory with its original: writing through it
# changes both.

# %%
flat = torch.arange(12)
grid = flat.view(3, 4)
print(grid, flat.reshape(2, -1).shape)
grid[0, 0] = 100
print(flat[:3])  # one memory, two shapes

# %% [markdown]
# `permute` **rearranges** the axes instead: axis 1 becomes axis 0, say (`.T` for a
# matrix).
#
# <details class="question"><summary>Predict: <code>g = torch.arange(6).view(2,
# 3)</code>. Are <code>g.reshape(3, 2)</code> and <code>g.permute(1, 0)</code> the same
# tensor?</summary>
#
# No, though both are (3, 2). The reshape cuts 0 to 5, in order, into rows of two:
# [[0, 1], [2, 3], [4, 5]]. The permute turns g's columns into rows: [[0, 3], [1, 4],
# [2, 5]], the transpose. A reshape is not a transpose.
#
# </details>

# %%
g = torch.arange(6).view(2, 3)
print(g.reshape(3, 2).tolist(), g.permute(1, 0).tolist())


# %% tags=["plot"]
# alt: The (2, 3) grid 0 to 5 reshaped to (3, 2) keeps the order 0 1, 2 3, 4 5, while permute(1, 0)
#   swaps the axes to give the columns 0 1 2 and 3 4 5
def by_origin(t):
    """Each cell coloured by the row of g its number came from (0-2: row 0, 3-5: row 1)."""
    return {
        (i, j): ROW0 if t[i, j] < 3 else ROW1 for i in range(t.shape[0]) for j in range(t.shape[1])
    }


show_row(
    [
        (g, "g: (2, 3)", {"fills": by_origin(g)}),
        " ",
        (g.reshape(3, 2), "g.reshape(3, 2)\nregrouped", {"fills": by_origin(g.reshape(3, 2))}),
        " ",
        (g.permute(1, 0), "g.permute(1, 0)\naxes swapped", {"fills": by_origin(g.permute(1, 0))}),
    ],
    figsize=(7, 2.4),
)

# %% [markdown]
# Colour follows g's rows: the reshape mixes them, the permute keeps each whole, as a
# column. So my plotting code puts images channels last for matplotlib with
# `permute(1, 2, 0)`, never a reshape.
#
# `unsqueeze` and `squeeze` add or remove axes of length 1, the ones broadcasting
# stretches. A transposed tensor is still a view, but its numbers are no longer laid
# out row after row, so `view` cannot flatten it; `reshape` copies when it has to.

# %%
v = torch.tensor([1.0, 2.0, 3.0])
print(v.unsqueeze(0).shape, v.unsqueeze(1).shape, v.unsqueeze(1).squeeze(1).shape)
try:
    grid.T.view(12)
except RuntimeError as error:
    print("view refused:", str(error).split(".")[0])
print(grid.T.reshape(12))

# %% [markdown]
# ## Slicing and indexing
#
# One index or slice per axis, as with Python lists; a slice keeps the axis, a single
# index removes it. Slices are views too. Indexing with a tensor copies instead:
# booleans pick the cells where they are True (a **mask**), integers pick positions.

# %%
g = torch.arange(20).view(4, 5)
print(g)
print(g[1], g[:, 1], g[1:3, ::2])  # row 1; column 1; rows 1 and 2, every other column
print(g[:, 1:2].shape, g[:, 1].shape)  # a slice keeps the axis, an index drops it
print(g[g % 3 == 0], g[torch.tensor([0, 3])])  # the multiples of 3; rows 0 and 3

# %% [markdown]
# ## Reductions along a dimension
#
# A **reduction** combines many numbers into one: `sum`, `mean`, `max`, `min`,
# `prod`. Without arguments it reduces the whole tensor; with `dim=d` it reduces along
# axis d only, and that axis disappears from the shape.
#
# <details class="question"><summary>Predict: <code>scores</code> has shape (2, 3).
# What shape does <code>scores.sum(dim=0)</code> have?</summary>
#
# (3,), one number per column: `dim=0` is the axis that disappears, the sum runs down
# it, and the axis of length 3 is left. This took me a while; the figures show it.
#
# </details>

# %%
scores = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])  # shape (2, 3)
print(scores.sum(), scores.sum(dim=0), scores.sum(dim=1), scores.mean(dim=1))
best = scores.max(dim=1)  # the largest value of each row, and where it was
print(best.values, best.indices)  # the indices are lesson 1's "which class wins"

# %% tags=["plot"]
# alt: sum(dim=0) drawn as grids: in the (2, 3) scores 1 5 3 over 4 2 6 the middle column, 5 and
#   2, is highlighted, and so is its sum 7 in the (3,) result 5 7 9
# alt: sum(dim=1) drawn as grids: in the same scores the first row, 1 5 3, is highlighted, and so
#   is its sum 9 in the (2,) result 9 and 12
for dim, runs, used, result in [
    (0, "down", [(0, 1), (1, 1)], (0, 1)),
    (1, "along", [(0, 0), (0, 1), (0, 2)], (0, 0)),
]:
    sums = scores.sum(dim=dim, keepdim=True)  # (1, 3) or (2, 1), to draw as a grid
    title = f"scores: (2, 3)\nsum(dim={dim}) runs {runs}"
    show_row(
        [
            (scores, title, {"fills": dict.fromkeys(used, MARKED)}),
            "→",
            (sums, f"result: {tuple(scores.sum(dim=dim).shape)}", {"fills": {result: MARKED}}),
        ],
        figsize=(4.5, 2.3),
    )

# %% [markdown]
# `keepdim=True` keeps the reduced axis with length 1, so the result broadcasts back:
# below, each row is divided by its own total. Without it the (2,) totals line up with
# the *last* axis, of length 3, and fail (a square matrix would quietly divide by the
# wrong totals).

# %%
print(scores / scores.sum(dim=1, keepdim=True))
try:
    scores / scores.sum(dim=1)
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# ## exp, log and a stable softmax
#
# `torch.exp` and `torch.log` undo each other. `log` turns products into sums: 200
# probabilities of 0.01 multiply to 0 in float32, while their logs add up fine.

# %%
probabilities = torch.full((200,), 0.01)
print(torch.log(torch.exp(torch.tensor([-2.0, 0.0, 3.0]))))
print("product:", probabilities.prod().item(), " sum of logs:", probabilities.log().sum().item())

# %% [markdown]
# The **softmax** turns lesson 1's scores into probabilities, positive and summing to 1:
#
# $$\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}.$$
#
# My first version came straight from the formula:


# %%
def softmax_naive(x):
    e = torch.exp(x)
    return e / e.sum()


print(softmax_naive(torch.tensor([1.0, 2.0, 3.0])))
print(softmax_naive(torch.tensor([1000.0, 1000.0])))
print(softmax_naive(torch.tensor([-1000.0, -1000.0])))

# %% [markdown]
# The last two should be [0.5, 0.5] but came out as nan, "not a number". The largest
# float32 is about $3.4 \times 10^{38}$, so `exp` of anything above 88.7 overflows
# to inf, and inf / inf is nan; $e^{-1000}$ underflows to 0, and 0 / 0 is nan too:

# %%
print(torch.exp(torch.tensor([88.0, 89.0, -1000.0])), torch.finfo(torch.float32).max)

# %% [markdown]
# The way out: subtract the same number $c$ from every score. Each $e^{x_i - c}$ is
# $e^{x_i} e^{-c}$, and $e^{-c}$ cancels in the fraction: the softmax does not change,
# what goes into `exp` does. With $c$ the largest score, the largest exponent is 0:

# %%
x = torch.tensor([1.0, 2.0, 3.0])
big = x + 1000
print(softmax_naive(x), softmax_naive(x - x.max()))  # the same: the shift cancels
print(softmax_naive(big), softmax_naive(big - big.max()))  # nan, then the right answer

# %% [markdown]
# [1001, 1002, 1003] gets the probabilities of [1, 2, 3]. In the exercise's softmax
# along any `dim`, each row of a batch needs its own shift, with `keepdim=True`.
#
# ## Norms
#
# The **norm** of a vector is its length: the L2 norm is the square root of the sum of
# squares, the L1 norm the sum of absolute values. `torch.linalg.vector_norm` computes
# either along any axis (the older `torch.norm` is deprecated). A vector divided by its
# L2 norm is a **unit vector**: same direction, length 1. Then I normalised a batch
# with a zero vector in it:

# %%
norm = torch.linalg.vector_norm
v = torch.tensor([3.0, 4.0])
print(norm(v), norm(v, ord=1))  # sqrt(9 + 16) and 3 + 4
batch = torch.tensor([[3.0, 4.0, 0.0], [1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
print(batch / norm(batch, dim=1, keepdim=True))

# %% [markdown]
# Zero divided by zero again. PyTorch's `F.normalize` divides by
# $\max(\lVert x \rVert, \varepsilon)$ with a tiny `eps`: a zero vector stays zero, one
# shorter than eps is divided by eps. My `normalize` does the same.
#
# ## NumPy interop
#
# `torch.from_numpy` (and `.numpy()` the other way) shares memory: a change on one side
# shows on the other. `torch.tensor` copies:

# %%
array = np.array([1.0, 2.0, 3.0])
from_np, copied = torch.from_numpy(array), torch.tensor(array)
array[0] = 99.0
print(from_np, copied)  # NumPy's floats are float64, and so are both tensors

# %% [markdown]
# `.numpy()` only works for CPU tensors that do not track gradients, which is where
# `.cpu()` and, in the next lesson, `.detach()` come in.
#
# ## Moving work to a GPU
#
# Pick a device, create tensors there (`device=...`) or move them (`.to(device)`), and
# the rest of the code does not change. This also runs without a GPU:

# %%
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
big = torch.randn(512, 512, device=device)
print("using", device, (big @ big).device)

# %% [markdown]
# Tensors never move by themselves: a CPU tensor of shape (3,) plus a GPU tensor is an
# error until `.to()` moves one (the
# [documented](https://docs.pytorch.org/docs/stable/tensor_attributes.html#torch-device)
# exception: a CPU tensor with no axes, like `torch.tensor(2.0)`). So a helper that
# makes a tensor, like the luminance weights, makes it on its input's device, with its
# dtype: the grader runs every exercise on the CPU and, when there is one, on a GPU.
#
# ## What I have now
#
# A whole layer of lesson 1 is now `x @ W.T + b`, for a whole batch at once. Finding
# W and b needs the derivative of the loss for every weight: the next lesson.
#
# ## Exercises
#
# Five functions in `exercises/lesson2/tensor_ops.py`, each keeping its input's dtype
# and device; each docstring says what it must do.

# %% [markdown]
# ## Credits and further reading
#
# The ideas here are the standard ones; the examples, words and code on this page are
# our own. For more depth:
#
# - The PyTorch documentation: [tensors](https://docs.pytorch.org/docs/stable/tensors.html),
#   [broadcasting semantics](https://docs.pytorch.org/docs/stable/notes/broadcasting.html),
#   [tensor views](https://docs.pytorch.org/docs/stable/tensor_view.html) and
#   [CUDA semantics](https://docs.pytorch.org/docs/stable/notes/cuda.html).
# - NumPy's [broadcasting guide](https://numpy.org/doc/stable/user/basics.broadcasting.html):
#   the same rules, with good diagrams.
# - 3Blue1Brown, [Essence of linear algebra](https://www.3blue1brown.com/topics/linear-algebra):
#   why the matrix product is defined the way it is.
# - Andrej Karpathy, [Neural Networks: Zero to Hero](https://karpathy.ai/zero-to-hero.html):
#   the makemore videos use broadcasting and `keepdim` constantly, bugs included.
