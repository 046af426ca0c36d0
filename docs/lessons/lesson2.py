# %% [markdown]
# # Lesson 2: Tensors
#
# In lesson 1 every neuron was a Python loop over a list of floats. That was fine for
# three inputs, but a small photo is already 150,528 numbers, and a network touches
# each of them many times. So today I learn the one data structure PyTorch is built
# on, the **tensor**: a block of numbers with a shape, stored in one piece of memory,
# and operated on all at once instead of one number at a time.
#
# My plan for the day: make some tensors and find out what their axes mean; look at
# their shape, dtype and device; do arithmetic on them element by element; learn the
# rules that let tensors of different shapes meet (broadcasting); see why matrix
# multiplication is a different thing from multiplying element-wise; reshape, slice
# and reduce; meet `exp`, `log` and norms; pass data to and from NumPy; and finally
# send work to a GPU if the machine has one. Every output below was produced when this
# page was built.

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
# I start by handing `torch.tensor` nested lists, from no nesting at all to two
# levels, and asking each result how many axes (dimensions) it has and how long each
# axis is.

# %%
scalar = torch.tensor(3.5)
vector = torch.tensor([1.0, 2.0, 3.0])
matrix = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])

for name, t in [("scalar", scalar), ("vector", vector), ("matrix", matrix)]:
    print(f"{name:7} ndim={t.ndim}  shape={tuple(t.shape)}")

# %% [markdown]
# A scalar has no axes, a vector has one, a matrix two, and nothing stops me at two:
# "tensor" is simply the general word for an n-dimensional array. The shape is the
# list of axis lengths, outermost first. `matrix` has shape (2, 3): two rows, and each
# row holds three numbers. A number inside is reached with one index per axis:

# %%
print(matrix[1, 2])  # row 1, column 2 (counting from 0)
print(matrix[1, 2].item())  # .item() turns a one-number tensor into a Python float

# %% [markdown]
# ## What the axes mean
#
# The numbers do not know what they stand for; the meaning of each axis is a
# convention between me and my code. Images show this best.
#
# - A **grey image** is a 2-D tensor of shape (H, W): one brightness per pixel, H rows
#   of W pixels.
# - A **colour image** adds an axis for the **channels**, red, green and blue. PyTorch
#   puts it first: (3, H, W). Each channel on its own is a grey-looking image that
#   says how much of that colour every pixel has.
# - Networks look at many images at once, so a **batch** adds another axis in front:
#   (N, 3, H, W), N images stacked.
# - A **video** adds time, one frame after another: (N, T, 3, H, W).
#
# To see this I painted a batch of three tiny 16 × 16 pictures with code: a colour
# ramp, a yellow disc and blue stripes.

# %%
H = W = 16
rows = torch.linspace(0, 1, H).view(H, 1)  # 0 at the top, 1 at the bottom
cols = torch.linspace(0, 1, W).view(1, W)  # 0 on the left, 1 on the right

ramp = torch.stack([cols.expand(H, W), rows.expand(H, W), 1 - cols.expand(H, W)])
disc = ((rows - 0.5) ** 2 + (cols - 0.5) ** 2 < 0.12).float()
sun = torch.stack([disc, disc * 0.85, torch.full((H, W), 0.15)])
stripes = ((torch.arange(W) // 3) % 2).float().expand(H, W)
sea = torch.stack([0.1 * stripes, 0.3 + 0.3 * stripes, 0.5 + 0.5 * stripes])

images = torch.stack([ramp, sun, sea])  # batch axis first
print("batch:", tuple(images.shape), " one image:", tuple(images[1].shape))
print("one channel:", tuple(images[1, 0].shape), " one pixel:", images[1, :, 8, 8].tolist())


# %%
def show_batch(images):
    """One row per image of the batch: the picture, then its three channels."""
    n = images.shape[0]
    fig, axes = plt.subplots(n, 4, figsize=(8, 2.1 * n))
    channel_maps = ["Reds", "Greens", "Blues"]
    for i in range(n):
        # matplotlib wants channels last, (H, W, 3): permute reorders the axes
        axes[i, 0].imshow(images[i].permute(1, 2, 0).clamp(0, 1))
        axes[i, 0].set_ylabel(f"images[{i}]\n(batch index {i})")
        for c in range(3):
            axes[i, c + 1].imshow(images[i, c], cmap=channel_maps[c], vmin=0, vmax=1)
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
# Reading the figure: moving down a row changes the first index (which image), moving
# across the last three columns changes the second index (which channel), and inside
# every small square the last two indices pick the pixel. The yellow disc is bright
# in the red and green channels and nearly absent in the blue one, because yellow
# light is red plus green.
#
# A first grey version of a colour image is the average of its three channels. That
# treats the channels as equally bright, which is not how eyes work: we see green as
# much brighter than blue. The usual **luminance** formula weights them
# $0.299\,R + 0.587\,G + 0.114\,B$. Doing that for a whole batch at once, using the
# broadcasting of the next sections, is one of this lesson's exercises; here is the
# plain average, reduced over axis 1 (the channels):

# %%
grey = images.mean(dim=1, keepdim=True)
print(tuple(grey.shape))  # (N, 1, H, W): still a batch of images, with one channel

# %% [markdown]
# ## Shape, dtype and device
#
# Besides its shape, every tensor carries two more facts: its **dtype**, the kind of
# number stored in every cell, and its **device**, the memory it lives in.

# %%
t = torch.tensor([1.0, 2.0])
print(t.shape, t.dtype, t.device)
print(torch.tensor([1, 2]).dtype, torch.tensor([True, False]).dtype)
print(torch.tensor([1.0, 2.0], dtype=torch.float64).dtype)

# %% [markdown]
# Floats default to `float32`: 4 bytes each, about 7 significant digits, plenty for
# deep learning and twice as compact as Python's own 8-byte floats (`float64`).
# Integers default to `int64`. Training on GPUs often goes lower still, to `float16`
# or `bfloat16`, at 2 bytes a number. I can convert with `.to(dtype)`, and when two
# dtypes meet in one operation PyTorch picks one that can hold both:

# %%
small = torch.tensor([1, 2, 3])  # int64
print((small / 2).dtype, (small + 0.5).dtype, (small * 2).dtype)
print(t.to(torch.float16), t.to(torch.int32))

third = torch.tensor(1 / 3, dtype=torch.float64)
for dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
    print(f"{dtype!s:15} 1/3 ≈ {third.to(dtype).item():.17f}")

# %% [markdown]
# The last lines show what the dtypes cost in precision: `float16` keeps three correct
# digits of 1/3, `bfloat16` barely two (it trades precision for a float32-sized range),
# `float32` seven and `float64` sixteen.
#
# The device is where the numbers physically are: the CPU's memory, an NVIDIA GPU
# (`cuda`), or the GPU of an Apple-silicon Mac (`mps`). An operation runs on the
# device its inputs live on, and all of its inputs must live on the same one. The last
# section of this page moves work to a GPU.
#
# ## Element-wise operations
#
# Arithmetic between two tensors of the same shape happens cell by cell: the first
# number with the first, the second with the second. No loop in sight.

# %%
a = torch.tensor([1.0, 2.0, 3.0, 4.0])
b = torch.tensor([10.0, 20.0, 30.0, 40.0])
print(a + b)
print(a * b)
print(b / a)
print(a**2)
print(a > 2.5)  # comparisons give a tensor of booleans
print(torch.sqrt(a), torch.maximum(a, torch.tensor([2.0, 2.0, 2.0, 2.0])))

# %% [markdown]
# Functions like `torch.sqrt`, `torch.exp` or `torch.relu` are element-wise too: they
# apply to every cell. A neuron's weighted sum from lesson 1 now fits on one line,
# `(inputs * weights).sum() + bias`, and it runs in PyTorch's compiled code instead
# of a Python loop. The difference is easy to feel:

# %%
xs = torch.rand(1_000_000)
ws = torch.rand(1_000_000)

start = time.perf_counter()
total = 0.0
for x, w in zip(xs.tolist(), ws.tolist(), strict=True):
    total += x * w
loop_s = time.perf_counter() - start

start = time.perf_counter()
tensor_total = (xs * ws).sum().item()
tensor_s = time.perf_counter() - start

print(f"python loop: {total:.2f} in {loop_s * 1000:.0f} ms")
print(f"tensor ops:  {tensor_total:.2f} in {tensor_s * 1000:.1f} ms")

# %% [markdown]
# The answers agree, and the tensor version is many times faster (the exact timings
# depend on the machine that built this page). The loop pays for Python's work on
# every single number; the tensor operation pays it once.
#
# ## Broadcasting
#
# What if the shapes differ? Adding a single number to a tensor obviously means "add
# it to every cell". PyTorch generalises that idea to whole axes, and the
# generalisation has a name, **broadcasting**. I first met it by accident, when I
# added a row of three numbers to a 2 × 3 matrix and it just worked:

# %%
m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])  # shape (2, 3)
row = torch.tensor([100.0, 200.0, 300.0])  # shape (3,)
print(m + row)
print(m + 0.5)

# %% [markdown]
# The row was added to each row of the matrix, as if it had been copied twice. After
# some experiments I could state the rules:
#
# 1. Line the two shapes up **from the right**, last axis under last axis.
# 2. If one shape is shorter, pretend it has extra axes of length 1 on its left.
# 3. Now compare axis by axis: two lengths fit when they are **equal**, or when one of
#    them is **1**. A length-1 axis is stretched to the other length by repeating its
#    only slice. Any other pair is an error.
#
# For `m + row` that is (2, 3) against (3,), padded to (1, 3): the 3s agree and the 1
# stretches to 2. The clearest case is a column plus a row, where *both* operands get
# stretched, each along a different axis:

# %%
col = torch.tensor([[0.0], [10.0], [20.0]])  # shape (3, 1)
row4 = torch.tensor([[1.0, 2.0, 3.0, 4.0]])  # shape (1, 4)
print(col + row4)


# %%
def draw_tensor(ax, values, left, title, stretch_to):
    """A 2-D tensor as a grid of cells; the cells broadcasting adds are dashed and pale."""
    rows, cols = values.shape
    for i in range(stretch_to[0]):
        for j in range(stretch_to[1]):
            real = i < rows and j < cols
            value = values[min(i, rows - 1), min(j, cols - 1)].item()
            ax.add_patch(
                Rectangle(
                    (left + j, -i - 1), 1, 1,
                    facecolor="#ffa94d" if real else "#fff4e6",
                    edgecolor="black" if real else "#adb5bd",
                    linestyle="-" if real else "--",
                )
            )  # fmt: skip
            ax.text(left + j + 0.5, -i - 0.5, f"{value:g}", ha="center", va="center",
                    color="black" if real else "#868e96")  # fmt: skip
    ax.text(left + stretch_to[1] / 2, 0.35, title, ha="center", fontsize=10)


result = col + row4
fig, ax = plt.subplots(figsize=(10, 2.9))
draw_tensor(ax, col, 0, "col: (3, 1)\nstretched along axis 1", (3, 4))
ax.text(4.5, -1.5, "+", fontsize=22, ha="center", va="center")
draw_tensor(ax, row4, 5, "row4: (1, 4)\nstretched along axis 0", (3, 4))
ax.text(9.5, -1.5, "=", fontsize=22, ha="center", va="center")
draw_tensor(ax, result, 10, "col + row4: (3, 4)", (3, 4))
ax.set_xlim(-0.2, 14.2)
ax.set_ylim(-3.3, 1.2)
ax.set_aspect("equal")
ax.axis("off")
plt.show()

# %% [markdown]
# Solid cells hold real numbers; the dashed ones are the copies that broadcasting
# pretends to make. It never makes them: a stretched axis is read again and again
# from the same memory. `expand` shows this trick in the open. It returns a view
# whose stride (the step in memory from one index to the next) is 0 along the
# stretched axis:

# %%
stretched = col.expand(3, 4)
print(stretched)
print("strides of col:", col.stride(), " of the expanded view:", stretched.stride())
print("same memory:", stretched.data_ptr() == col.data_ptr())

# %% [markdown]
# With more axes the rules are the same. A (8, 1, 3) tensor and a (4, 1) tensor line
# up like this:
#
# ```text
#     a:  8  1  3
#     b:     4  1      (padded on the left: 1  4  1)
#   out:  8  4  3
# ```
#
# And when a pair of lengths is neither equal nor 1, PyTorch refuses and says which
# axis is the problem:

# %%
print((torch.zeros(8, 1, 3) + torch.zeros(4, 1)).shape)
try:
    torch.zeros(2, 3) + torch.zeros(4)
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# Broadcasting is what makes short code possible: subtracting each row's mean from a
# matrix is `m - m.mean(dim=1, keepdim=True)`, and scaling each colour channel of a
# whole batch of images is one multiplication by a (1, 3, 1, 1) tensor. It is also a
# classic source of silent bugs, because shapes that I did not mean to combine can
# still be compatible. One exercise asks me to compute the broadcast shape of two
# shapes by hand, following the rules above, which is the best way I know to make
# them stick.
#
# ## Matrix multiplication
#
# `a * b` on two matrices multiplies element by element. The **matrix product**
# `a @ b` is something else: entry (i, j) of the result is the dot product of row i of
# `a` with column j of `b`,
#
# $$(AB)_{ij} = \sum_k A_{ik} B_{kj}.$$
#
# So the shapes must fit: (n, k) @ (k, m) gives (n, m), and the shared k disappears.

# %%
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
B = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
print("element-wise A * B:\n", A * B)
print("matrix product A @ B:\n", A @ B)

# %% [markdown]
# With B a permutation matrix, `A @ B` swaps the columns of A, something element-wise
# multiplication could never do. Why does this product matter so much? Because a
# layer of neurons *is* one. In lesson 1 each neuron took the dot product of the
# inputs with its row of weights. Stack the rows into a weight matrix of shape (out,
# in) and a batch of inputs into a matrix of shape (N, in), and the whole layer for
# the whole batch is `inputs @ weights.T + biases`. Here I check one entry against the
# formula, with an explicit loop over k:

# %%
inputs = torch.randn(5, 3)  # a batch of 5 inputs with 3 features each
weights = torch.randn(4, 3)  # a layer of 4 neurons, one row of 3 weights each
outputs = inputs @ weights.T
i, j = 2, 1
by_hand = sum(inputs[i, k] * weights.T[k, j] for k in range(3))
print(tuple(outputs.shape), outputs[i, j].item(), by_hand.item())

# %% [markdown]
# `@` also works on stacks of matrices: every axis before the last two is a **batch
# dimension**, and batch dimensions broadcast by the rules of the previous section.
# A (10, 5, 3) stack times a single (3, 2) matrix multiplies each of the ten (5, 3)
# matrices by it:

# %%
stack = torch.randn(10, 5, 3)
print((stack @ torch.randn(3, 2)).shape)
print((torch.randn(7, 1, 5, 3) @ torch.randn(4, 3, 2)).shape)

try:
    torch.randn(5, 3) @ torch.randn(4, 2)
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# The exercise asks for a `matmul` of my own that handles those batch dimensions,
# built only from broadcasting, element-wise multiplication and `sum`. The idea I am
# keeping for it: if I could lay out every product $A_{ik} B_{kj}$ in one big tensor
# with separate axes for i, k and j, the matrix product would be a single sum over
# the k axis.
#
# ## Reshaping and views
#
# The same numbers can be seen through different shapes. `view` and `reshape`
# rearrange the axes without changing the order of the numbers in memory; one length
# may be given as -1 and is then worked out from the others.

# %%
flat = torch.arange(12)
grid = flat.view(3, 4)
print(grid)
print(flat.view(2, -1).shape, flat.reshape(2, 2, 3).shape)

# %% [markdown]
# A view shares memory with the tensor it came from. That is what makes it cheap, and
# it surprised me once: writing through the view changes the original too.

# %%
grid[0, 0] = 100
print(flat[:5])
print("same memory:", grid.data_ptr() == flat.data_ptr())

# %% [markdown]
# `unsqueeze` and `squeeze` add or remove axes of length 1 (exactly the axes that
# broadcasting stretches), `permute` reorders axes (I used it above to give matplotlib
# its channels-last images), and `.T` swaps the two axes of a matrix. A permuted or
# transposed tensor is still a view, but its numbers are no longer laid out row after
# row, so `view` refuses it; `reshape` copies when it has to.

# %%
v = torch.tensor([1.0, 2.0, 3.0])
print(v.unsqueeze(0).shape, v.unsqueeze(1).shape, v.unsqueeze(1).squeeze(1).shape)
print(images.permute(0, 2, 3, 1).shape)  # (N, C, H, W) -> (N, H, W, C)

transposed = grid.T
print("contiguous:", grid.is_contiguous(), transposed.is_contiguous())
try:
    transposed.view(12)
except RuntimeError as error:
    print("view refused:", str(error).split(".")[0])
print(transposed.reshape(12))

# %% [markdown]
# ## Slicing and indexing
#
# Indexing works like Python lists, one index or slice per axis, and a slice keeps
# the axis while a single index removes it. Slices are views too.

# %%
g = torch.arange(20).view(4, 5)
print(g)
print(g[1])  # row 1: shape (5,)
print(g[:, 1])  # column 1: shape (4,)
print(g[1:3, ::2])  # rows 1 and 2, every other column
print(g[-1, -2:])  # last row, last two columns
print(g[:, 1:2].shape, g[:, 1].shape)  # a slice keeps the axis, an index drops it

# %% [markdown]
# Two more kinds of indexing copy instead of viewing: a tensor of booleans picks the
# cells where it is True (a **mask**), and a tensor of integers picks those positions.

# %%
print(g[g % 3 == 0])  # every multiple of 3, as a flat tensor
print(g[torch.tensor([0, 2, 3])])  # rows 0, 2 and 3
g[g > 15] = -1  # masks can also be assigned to
print(g)

# %% [markdown]
# ## Reductions along a dimension
#
# A **reduction** combines many numbers into one: `sum`, `mean`, `max`, `min`,
# `prod`. Without arguments it reduces the whole tensor. With `dim=d` it reduces
# along axis d only, and that axis disappears from the shape. This took me a while:
# `dim=0` does *not* give one number per row. It runs down axis 0, so it gives one
# number per column.

# %%
scores = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])  # shape (2, 3)
print(scores.sum(), scores.sum(dim=0), scores.sum(dim=1))
print(scores.mean(dim=1), scores.mean(dim=1, keepdim=True).shape)

best = scores.max(dim=1)  # the largest value of each row, and where it was
print(best.values, best.indices)
print(scores.argmax(dim=1))  # the classic "which class wins" of lesson 1

# %% [markdown]
# `keepdim=True` keeps the reduced axis with length 1, and that is exactly what makes
# the result broadcast back against the original: `scores / scores.sum(dim=1,
# keepdim=True)` divides every row by its own total. Without keepdim, a shape (2,)
# would be lined up with the *last* axis, of length 3, and fail (or, with a square
# matrix, quietly divide by the wrong totals).

# %%
print(scores / scores.sum(dim=1, keepdim=True))
try:
    scores / scores.sum(dim=1)
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# ## exp, log and a stable softmax
#
# `torch.exp` and `torch.log` are element-wise, and they undo each other. `exp` turns
# any number into a positive one and turns sums into products; `log` turns products
# into sums, which is why probabilities are so often handled as logarithms: a product
# of many small probabilities underflows to 0, while the sum of their logs is a
# perfectly ordinary number.

# %%
x = torch.tensor([-2.0, 0.0, 1.0, 3.0])
print(torch.exp(x))
print(torch.log(torch.exp(x)))

probabilities = torch.full((200,), 0.01)
print("product:", probabilities.prod().item(), " sum of logs:", probabilities.log().sum().item())

# %% [markdown]
# The network of lesson 1 ended with one score per class. To read those scores as
# probabilities I need them positive and summing to 1. The **softmax** does that:
#
# $$\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}.$$
#
# The largest score gets the largest probability, and the order never changes. My
# first version came straight from the formula:


# %%
def softmax_naive(x):
    e = torch.exp(x)
    return e / e.sum()


print(softmax_naive(torch.tensor([13.0, 2.0, 21.0])))  # dog, cat, human from lesson 1
print(softmax_naive(torch.tensor([1.0, 2.0, 3.0])))
print(softmax_naive(torch.tensor([1000.0, 1000.0])))
print(softmax_naive(torch.tensor([-1000.0, -1000.0])))

# %% [markdown]
# The first two look right. The last two should obviously be [0.5, 0.5], since the
# two scores are equal, but they came out as nan, "not a number". The culprit is
# `exp`: $e^{1000}$ is far beyond the largest float32 (about $3.4 \times 10^{38}$, so
# anything above $e^{88.7}$ overflows) and becomes inf, and inf / inf is nan. In the
# other direction $e^{-1000}$ underflows to 0, and 0 / 0 is nan as well.

# %%
print(torch.exp(torch.tensor([88.0, 89.0, -1000.0])))
print(torch.finfo(torch.float32).max)

# %% [markdown]
# Scores of 1000 are not exotic: an untrained network can easily produce them. The
# way out is a property of the formula. If I subtract the same number $c$ from every
# score, each $e^{x_i - c}$ equals $e^{x_i} e^{-c}$, and the common factor $e^{-c}$
# cancels between the top and the bottom of the fraction. So the softmax does not
# change at all, but the numbers going into `exp` do:

# %%
shifted = torch.tensor([1.0, 2.0, 3.0]) + 500
print(softmax_naive(torch.tensor([1.0, 2.0, 3.0])))
print(softmax_naive(shifted - 500))

# %% [markdown]
# Choosing $c$ well makes every overflow impossible: with the right choice the
# largest exponent is exactly 0. Writing that stable softmax, for any `dim` of a
# tensor of any shape, is an exercise. One trap I want to remember for it: in a batch,
# every row needs its own shift, and that is where `keepdim=True` comes in again.
#
# ## Norms
#
# The **norm** of a vector is its length. The usual one, the L2 or Euclidean norm, is
# the square root of the sum of squares, Pythagoras in any number of dimensions; the
# L1 norm adds up absolute values. `torch.linalg.vector_norm` (or the shorter
# `Tensor.norm`) computes them, along any axis.

# %%
v = torch.tensor([3.0, 4.0])
print(v.norm(), torch.sqrt((v**2).sum()), torch.linalg.vector_norm(v, ord=1))

rows3 = torch.tensor([[3.0, 4.0, 0.0], [1.0, 1.0, 1.0]])
print(rows3.norm(dim=1), rows3.norm(dim=1, keepdim=True).shape)

# %% [markdown]
# Dividing a vector by its norm gives a **unit vector**: the same direction, length 1.
# That is called normalising, and it comes up whenever only the direction matters; the
# dot product of two unit vectors is the cosine of the angle between them, a common
# measure of how similar two embeddings are.

# %%
units = rows3 / rows3.norm(dim=1, keepdim=True)
print(units, units.norm(dim=1))
print("cosine similarity:", (units[0] * units[1]).sum().item())

# %% [markdown]
# And then I normalised a batch in which one vector happened to be all zeros:

# %%
batch = torch.tensor([[0.0, 0.0], [3.0, 4.0]])
print(batch / batch.norm(dim=1, keepdim=True))

# %% [markdown]
# Zero divided by zero again, and one nan is enough to spoil everything computed from
# it later. PyTorch's `F.normalize` guards against it with a tiny number `eps`: it
# divides by $\max(\lVert x \rVert, \varepsilon)$, so a zero vector stays zero and a
# vector shorter than eps is divided by eps instead of by its own length. My own
# `normalize` in the exercises has to behave exactly the same way.
#
# ## NumPy interop
#
# Most of Python's numerical world speaks NumPy. Going between the two is cheap:
# `torch.from_numpy` and `.numpy()` share the same memory instead of copying, so a
# change on one side shows on the other.

# %%
array = np.array([1.0, 2.0, 3.0])
from_np = torch.from_numpy(array)
print(from_np, from_np.dtype)  # NumPy's default float is float64
array[0] = 99.0
print(from_np)  # the tensor sees the change

back = from_np.numpy()
back[1] = -1.0
print(array)  # and so does the array

copied = torch.tensor(array)  # torch.tensor always copies
array[2] = 0.0
print(copied)

# %% [markdown]
# Two gotchas: NumPy arrays are float64 by default, so tensors built from them are
# too (and mixing them with float32 weights costs speed or raises errors in some
# layers); and `.numpy()` only works for tensors on the CPU that are not tracking
# gradients, which is where `.cpu()` and, in the next lesson, `.detach()` come in.
#
# ## Moving work to a GPU
#
# A GPU runs thousands of simple arithmetic operations in parallel, which is exactly
# what tensor operations are. Using one takes two steps: pick the device, and create
# or move the tensors there with `.to(device)` or `device=...`. The rest of the code
# does not change. I write the choice so that it also works on a machine without a
# GPU, such as the one that built this page:

# %%
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
print("using", device)

big = torch.randn(512, 512, device=device)
product = big @ big
print(product.device, product.shape)

# %% [markdown]
# Every operand of an operation has to be on the same device; a CPU tensor and a GPU
# tensor cannot be added. Results stay on the GPU until I ask for them back with
# `.cpu()` (or `.item()` for a single number), and that copy is slow enough that I
# should not do it inside a loop without reason.

# %%
on_cpu = torch.ones(3)
on_device = torch.ones(3, device=device)
if device.type == "cpu":
    print("no GPU here, so both tensors are on the CPU:", (on_cpu + on_device).device)
else:
    try:
        on_cpu + on_device
    except RuntimeError as error:
        print("RuntimeError:", str(error).splitlines()[0])
    print((on_cpu.to(device) + on_device).cpu())

# %% [markdown]
# This is also why the course's exercises must keep the input's device: a helper that
# creates a new tensor (like the luminance weights of the grey image) has to create it
# on the same device, and with the same dtype, as its input. The grader runs every
# tensor exercise on the CPU and, when the machine has one, on a GPU as well.
#
# ## What I have now
#
# A tensor is a block of numbers with a shape, a dtype and a device. Operations work on
# whole tensors, element by element; broadcasting stretches axes of length 1 so that
# different shapes can meet; `@` is the row-times-column product that a layer of
# neurons computes; views reshape without copying; reductions collapse one axis;
# `exp` overflows unless I shift its inputs first; norms measure length and need an
# eps near zero. With this, a whole layer of lesson 1 is `x @ W.T + b`, for a whole
# batch at once.
#
# What I still cannot do is *find* W and b. Lesson 1 promised that they come from
# nudging every weight in the direction that makes the loss smaller, which needs the
# derivative of the loss with respect to every weight. Working those out by hand for
# a network with thousands of weights is out of the question, so next I want to know
# how PyTorch computes them for me.
#
# ## Exercises
#
# The exercises live in `exercises/lesson2/tensor_ops.py`. Each function keeps the
# dtype and the device of its input:
#
# - `broadcast_shape(a, b)`: the shape two shapes broadcast to, worked out by the
#   rules (see "Broadcasting"), with a `ValueError` that names both shapes when they
#   do not fit.
# - `matmul(a, b)`: the matrix product with broadcast batch dimensions, built only
#   from broadcasting, element-wise multiplication and `sum` (see "Matrix
#   multiplication").
# - `softmax(x, dim=-1)`: a softmax that survives scores of ±1000 (see "exp, log and
#   a stable softmax").
# - `normalize(x, dim=-1, eps=1e-12)`: L2 normalisation like `F.normalize` (see
#   "Norms").
# - `to_grayscale(images)`: a batch of RGB images to luminance, (N, 3, H, W) to
#   (N, 1, H, W) (see "What the axes mean").
#
# A failing test names the call, what it expected and what came back.

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
#   the same rules, which PyTorch adopted, with good diagrams.
# - 3Blue1Brown, [Essence of linear algebra](https://www.3blue1brown.com/topics/linear-algebra):
#   why the matrix product is defined the way it is (matrices as transformations,
#   the product as doing one after the other).
# - Andrej Karpathy, [Neural Networks: Zero to Hero](https://karpathy.ai/zero-to-hero.html):
#   the makemore videos use broadcasting and `keepdim` constantly and show the bugs
#   you get when a shape lines up the wrong way.
