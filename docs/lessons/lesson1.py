# %% [markdown]
# # Lesson 1: What is a neural network?
#
# Everyone around me says "neural network" as if it were one obvious thing. Before I
# touch PyTorch I want to know what one actually *is*: what it computes, what its
# numbers mean, and how those numbers could ever be found. This page is my notebook
# for that first day. Every code cell below really ran when this page was built, and
# the outputs under them are what came back.
#
# The plan: start from an ordinary program, build a single neuron, stack neurons into
# layers, count how many numbers such a network holds, read its answer, and end with a
# first look at how it learns and at the library I will use for the rest of the course.

# %%
import itertools
import math
import random

import matplotlib.pyplot as plt
import torch  # only at the very end of the page
from matplotlib_inline.backend_inline import set_matplotlib_formats

from grader.figures import training_loop  # the course's own drawing of the loop

set_matplotlib_formats("retina")  # sharp figures on high-resolution screens
plt.rcParams.update({"figure.dpi": 80, "axes.grid": True, "grid.alpha": 0.3})

# %% [markdown]
# ## Rules, or numbers that are found
#
# A normal program is a list of rules that somebody wrote down. Here is one that
# decides whether a room is too hot:


# %%
def too_hot(celsius):
    return celsius > 25  # I picked 25 myself


print([too_hot(t) for t in (18, 24, 27, 31)])

# %% [markdown]
# The behaviour lives in the rule, and the 25 in it came from my head. Now suppose
# that, instead of writing the threshold, I only have a few examples where a person
# told me how the room felt, and I let the computer try every threshold and keep the
# one that disagrees with the person least often:

# %%
# What a friend said in rooms of these temperatures: too hot?
temperatures = [17, 19, 21, 22, 23, 24, 26, 28, 30]
answers = [False, False, False, True, False, True, True, True, True]


def mistakes(threshold):
    pairs = zip(temperatures, answers, strict=True)
    return sum((t > threshold) != said for t, said in pairs)


best = min(range(15, 35), key=mistakes)
print(f"best threshold: {best} °C, with {mistakes(best)} mistake(s)")

# %% [markdown]
# That is the whole idea of a **model** in one cell: the shape of the program is fixed
# (compare a number with a threshold), and the number that decides its behaviour is
# *found from examples* rather than written. Such numbers are called **parameters** or
# **weights**. Notice also that my friend was not entirely consistent (22 °C too hot,
# 23 °C fine): the best threshold still makes one mistake, and that is normal.
#
# Why not just write rules for everything? Try "is this photo a cat or a dog?". My
# first rules would be "pointy ears means cat" (many dogs have them), "whiskers"
# (dogs have those too), "small" (puppies). Worse, the computer does not even see ears:
# it sees a grid of numbers, one brightness per pixel. Here is a tiny 8 × 8 picture and
# what the program actually receives:

# %% tags=["plot"]
# alt: A small face drawn in an 8 by 8 grid: on the left as a picture, on the right as the grid of
#   numbers from 0 to 9 a program receives
face = [
    [0, 0, 2, 2, 2, 2, 0, 0],
    [0, 2, 4, 4, 4, 4, 2, 0],
    [2, 4, 9, 4, 4, 9, 4, 2],
    [2, 4, 4, 4, 4, 4, 4, 2],
    [2, 4, 9, 4, 4, 9, 4, 2],
    [2, 4, 4, 9, 9, 4, 4, 2],
    [0, 2, 4, 4, 4, 4, 2, 0],
    [0, 0, 2, 2, 2, 2, 0, 0],
]

fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.2))
left.imshow(face, cmap="magma")
left.set_title("what I see")
right.imshow(face, cmap="Greys", alpha=0.15)
for row, values in enumerate(face):
    for col, value in enumerate(values):
        right.text(col, row, value, ha="center", va="center", fontsize=10)
right.set_title("what the program gets")
for ax in (left, right):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
plt.tight_layout()
plt.show()

side = 224
print(f"a {side}×{side} colour photo is {side * side * 3:,} numbers")

# %% [markdown]
# Nobody can write a rule over 150,528 numbers that separates cats from dogs in every
# pose, light and breed. A neural network is a program with a fixed, very regular
# shape and a great many weights, and the weights are found from labelled photos. So
# the next question is: what is that shape?
#
# ## One neuron
#
# The building block is the (artificial) **neuron**. It takes a few numbers in,
# $x_1, \dots, x_n$, and holds one **weight** per input, $w_1, \dots, w_n$, plus one
# extra number, the **bias** $b$. It multiplies each input by its weight, adds
# everything up, adds the bias:
#
# $$z = w_1 x_1 + w_2 x_2 + \dots + w_n x_n + b$$
#
# and then passes $z$ through an **activation** function $f$, so its output is
# $f(z)$. A weight says how much an input matters and in which direction (a negative
# weight pushes the answer down); the bias shifts how easily the neuron fires at all.
#
# The oldest activation is the **step**: the neuron fires (outputs 1) when $z > 0$ and
# stays silent (outputs 0) otherwise. Exactly zero does not fire. To make it concrete I
# built a neuron that decides whether I go for a run: the inputs are how sunny it is
# (0 to 1), hours of sleep, and kilometres already run this week.


# %%
def fires(z):
    return 1.0 if z > 0 else 0.0


w_sun, w_sleep, w_km = 2.0, 0.5, -0.3  # sun and sleep help, tired legs don't
bias = -4.0  # without any reason to go, I stay home

for day, (sun, sleep, km) in {
    "Monday": (0.9, 8.0, 4.0),
    "Tuesday": (0.2, 5.5, 20.0),
    "Saturday": (1.0, 8.5, 5.0),
}.items():
    z = w_sun * sun + w_sleep * sleep + w_km * km + bias
    print(f"{day:9} z = {z:+.2f} -> run? {fires(z)}")

# %% [markdown]
# Three inputs, three weights, one bias: that is every number this neuron has. If I
# kept a diary of when I actually went running, I could search for the four numbers
# that reproduce my diary best, just like the threshold above. That search is what
# "training" will mean.
#
# ## Squashing with a sigmoid
#
# The step has a problem: it only answers yes or no. On Monday $z$ was $+0.60$, on a
# day with $z = +0.01$ it would say exactly the same "yes", and a tiny change of a
# weight can flip the answer from 0 to 1 with nothing in between. For finding weights
# step by step (lesson 6) I want an output that moves *a little* when a weight moves a
# little. The **sigmoid** does that: it squashes any $z$ into the range 0 to 1,
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# which I read as "how active" the neuron is: about 0 for very negative $z$, exactly
# 0.5 at $z = 0$, about 1 for very positive $z$. Before running it, a question to
# myself about the one point where the two activations disagree most:
#
# <details class="question"><summary>Predict: a day where z is exactly 0. What do the
# step <code>fires(0.0)</code> and the sigmoid <code>squash(0.0)</code> say?</summary>
#
# The step says 0.0: it fires only when $z > 0$, strictly, so a perfect tie stays home.
# The sigmoid says exactly 0.5, because $e^0 = 1$ and $1 / (1 + 1) = 0.5$: undecided.
# The first line printed below checks both.
#
# </details>


# %%
def squash(z):
    return 1 / (1 + math.exp(-z))  # the formula, straight from the page


print("z = 0: step", fires(0.0), " sigmoid", squash(0.0))
for z in (-4, -1, 0.7, 1, 4):
    print(f"sigmoid({z:+}) = {squash(z):.3f}")

# %% [markdown]
# While playing with it I fed it a very negative number and the formula blew up.
# $e^{1000}$ is far beyond the largest float (about $1.8 \times 10^{308}$), so Python
# refuses:

# %% tags=["raises-exception"]
squash(-1000)

# %% [markdown]
# The true answer is simply "almost exactly 0", so a sigmoid that crashes there is a
# bug. Making it safe for any $z$ is part of this lesson's exercise; a hint: for
# negative $z$ there is another way to write the same fraction, one whose exponent is
# never positive.
#
# ## ReLU: the activation everyone uses
#
# The third activation is the simplest of all. The **rectified linear unit** keeps
# positive numbers and replaces everything else with zero:
#
# $$\mathrm{ReLU}(z) = \max(0, z)$$
#
# It looks almost too simple to be useful, but it is what most modern networks use
# between their layers: it costs one comparison, and for positive $z$ its output keeps
# growing instead of flattening out the way the sigmoid does near 0 and 1. That
# flattening, called saturation, makes learning slow, and lesson 4 comes back to why.
# Here are the three activations side by side:

# %% tags=["plot"]
# alt: Three activations side by side for z from -6 to 6: step jumps from 0 to 1 at zero, sigmoid
#   rises smoothly from 0 through 0.5 at zero to 1, ReLU is 0 for negative z and then rises in a
#   straight line to 6
zs = [i / 20 for i in range(-120, 121)]
activations = {
    "step": [fires(z) for z in zs],
    "sigmoid": [squash(z) for z in zs],
    "ReLU": [max(0.0, z) for z in zs],
}

fig, axes = plt.subplots(1, 3, figsize=(8, 2.6), sharex=True)
for ax, (name, values) in zip(axes, activations.items(), strict=True):
    ax.plot(zs, values, color="#e8590c", linewidth=2.5)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_title(name)
    ax.set_xlabel("z")
axes[0].set_ylabel("activation(z)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Layers of neurons
#
# One neuron draws one line: it splits its inputs into "fires" and "doesn't fire"
# along a straight boundary. Some things cannot be split by one straight line. The
# classic example is XOR: output 1 when exactly one of two inputs is 1. No choice of
# $w_1, w_2, b$ makes a single step neuron get all four cases right.
#
# The fix is to use several neurons. Put a few of them side by side, all looking at
# the same inputs, and call that a **layer**. Feed the outputs of that layer as the
# inputs of another layer, and so on. When every neuron of a layer receives every
# output of the layer before it, the network is **fully connected**. The inputs
# themselves are called the **input layer** (they compute nothing, they are just the
# numbers coming in), the last layer is the **output layer**, and the layers in
# between are **hidden layers**, hidden because nobody looks at their outputs directly.
#
# For XOR, two hidden neurons are enough: one acts like OR, one like AND, and the
# output neuron fires for "OR but not AND". I chose these weights by hand:

# %%
print(" x1 x2 | OR AND | XOR")
for x1, x2 in [(0, 0), (0, 1), (1, 0), (1, 1)]:
    h_or = fires(1.0 * x1 + 1.0 * x2 - 0.5)  # hidden neuron 1
    h_and = fires(1.0 * x1 + 1.0 * x2 - 1.5)  # hidden neuron 2
    out = fires(1.0 * h_or - 1.0 * h_and - 0.5)  # output neuron
    print(f"  {x1}  {x2} |  {h_or:.0f}   {h_and:.0f} |  {out:.0f}")

# %% [markdown]
# That works. Looking at the code, I notice that the whole network is just one
# function: numbers in, numbers out, with nine numbers of its own (six weights and
# three biases) baked in. That is true of every neural network, however big. I like
# to write it as $\hat y = f(x; \theta)$: the output depends on the input $x$ and on
# the parameters $\theta$, the big collection of all weights and biases.
#
# Bigger networks are drawn as circles (neurons) and lines (weights). This is a
# network with 3 inputs, two hidden layers of 4 and an output layer of 2; the drawing
# is made by the code, so it can never disagree with the sizes:


# %% tags=["plot"]
# alt: A network drawn as circles in four columns of 3, 4, 4 and 2 neurons, every neuron joined by a
#   line to each one in the next column
def draw_network(sizes, ax):
    """Neurons as circles, one column per layer, all neighbours connected."""
    tallest = max(sizes)
    spots = []  # (x, y) of every neuron, layer by layer
    for col, n in enumerate(sizes):
        top = (tallest - n) / 2
        spots.append([(col, top + row) for row in range(n)])
    for here, there in itertools.pairwise(spots):
        for x0, y0 in here:
            for x1, y1 in there:
                ax.plot([x0, x1], [y0, y1], color="#adb5bd", lw=0.8, zorder=1)
    colours = ["#4dabf7"] + ["#ffa94d"] * (len(sizes) - 2) + ["#69db7c"]
    for column, colour in zip(spots, colours, strict=True):
        for x, y in column:
            ax.scatter(x, y, s=500, color=colour, edgecolor="black", zorder=2)
    names = ["input"] + ["hidden"] * (len(sizes) - 2) + ["output"]
    for col, name in enumerate(names):
        ax.text(col, -0.9, name, ha="center", fontsize=11)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-1.3, tallest)
    ax.axis("off")


fig, ax = plt.subplots(figsize=(6, 3.6))
draw_network([3, 4, 4, 2], ax)
plt.show()

# %% [markdown]
# ## Counting parameters
#
# Every line in that drawing is a weight, and every circle after the input layer has a
# bias. So between a layer of width $a$ and the next of width $b$ there are $a \times
# b$ weights and $b$ biases. For the drawing above:

# %%
layers = [
    ("input -> hidden 1", 3, 4),
    ("hidden 1 -> hidden 2", 4, 4),
    ("hidden 2 -> output", 4, 2),
]
total = 0
for name, a, b in layers:
    total += a * b + b
    print(f"{name:22} {a} × {b} weights + {b} biases = {a * b + b}")
print(f"{'total':22} {total} parameters")

# %% [markdown]
# Small. Before the big numbers, a check that the rule has stuck:
#
# <details class="question"><summary>Predict: how many parameters does a fully
# connected network with layers of 2, 3 and 1 neurons hold?</summary>
#
# 13: $2 \times 3$ weights and 3 biases into the hidden layer, then $3 \times 1$
# weights and 1 bias into the output, $9 + 4 = 13$. The cell below counts them.
#
# </details>

# %%
widths = [2, 3, 1]
print(sum(a * b + b for a, b in itertools.pairwise(widths)), "parameters")

# %% [markdown]
# Now the numbers that made rules hopeless come back. If my cat-or-dog network
# read a 224 × 224 colour photo directly into a fully connected hidden layer of 1,000
# neurons, that first layer alone would hold:

# %%
inputs, hidden = 224 * 224 * 3, 1_000
first_layer = inputs * hidden + hidden
print(f"{inputs:,} × {hidden:,} weights + {hidden:,} biases = {first_layer:,}")

# %% [markdown]
# About 150 million numbers for one layer, which is why nobody sets them by hand, and
# why image networks use cleverer layers than "fully connected" (lesson 4 tours them).
# For scale: large language models have billions of parameters; GPT-3 was reported at
# 175 billion.
#
# ## Reading the output
#
# What comes out of a classifier's output layer is one number per class, a
# **score**: the bigger, the more the network leans towards that class. Say my network
# knows three classes, dog, cat and human, and for one photo it outputs dog 13, cat 2,
# human 21. The answer is the class with the largest score. Finding the position of the
# largest value is called **argmax**:

# %%
classes = ["dog", "cat", "human"]
scores = [13.0, 2.0, 21.0]


def argmax(values):
    winner = 0
    for i in range(1, len(values)):
        if values[i] > values[winner]:  # strictly greater
            winner = i
    return winner


print(dict(zip(classes, scores, strict=True)), "->", classes[argmax(scores)])

# %% [markdown]
# <details class="question"><summary>Predict: for the scores dog 9, cat 21, human 21,
# which class does my <code>argmax</code> pick?</summary>
#
# Cat. The loop only moves to a new winner when a score is *strictly* greater, so
# human's 21 never replaces cat's 21: on a tie, the first one wins. PyTorch's
# `torch.argmax` promises the same (its documentation: the index of the first maximal
# value). Both are checked below.
#
# </details>

# %%
tied = [9.0, 21.0, 21.0]
print(classes[argmax(tied)], classes[torch.argmax(torch.tensor(tied)).item()])

# %% [markdown]
# When I *train* the network I need to tell it what the right answer was, in the same
# shape as its output: one number per class. For a photo of a human the **target** is
# `[0, 0, 1]`: nothing for dog, nothing for cat, everything for human. Putting the two
# next to each other already suggests how to measure how wrong the network was:

# %%
target = [0, 0, 1]  # this photo really is a human
for name, score, want in zip(classes, scores, target, strict=True):
    print(f"{name:6} score {score:5.1f}   target {want}")

# %% [markdown]
# The raw scores (13, 2, 21) are not on the same scale as the target (0 or 1). In
# lesson 2 I will turn scores into probabilities that add up to 1 (the softmax), and
# then comparing them with the target makes sense.
#
# ## Why a network can fit almost anything
#
# A bold claim I kept reading: a network with just one hidden layer, given enough
# neurons, can approximate any continuous function **on a bounded input range** as
# closely as you like. This is the **universal approximation theorem**. I am not going
# to prove it, but I wanted to *see* why it is believable, and why that range matters.
#
# Here is how I convinced myself. One hidden ReLU neuron with weight 1 and bias $-k$
# computes $\max(0, x - k)$: flat until $x = k$, then a straight ramp. Adding a few of
# those ramps, each scaled by an output weight, gives a line that changes its slope
# at every $k$. So with enough hidden neurons I can bend a line to follow any curve.
# Below I aim at $\sin(x)$ and compute the weights directly from the curve (no
# learning yet), first with 4 hidden neurons, then with 16:


# %% tags=["plot"]
# alt: Two panels comparing sin(x) from 0 to 2π with a network of ReLU neurons: with 4 hidden
#   neurons the network is a broken line through the peaks, with 16 it lies on the sine curve
def ramps_network(target, start, stop, hidden):
    """One hidden layer of ReLUs, joining points of `target` by lines."""
    knots = [start + (stop - start) * i / hidden for i in range(hidden + 1)]
    pieces = itertools.pairwise(knots)
    slopes = [(target(b) - target(a)) / (b - a) for a, b in pieces]
    # hidden neuron i is max(0, x - knots[i]); its weight bends the line there
    out_weights = [new - old for old, new in itertools.pairwise([0.0, *slopes])]
    out_bias = target(start)

    def network(x):
        ramps = [max(0.0, x - k) for k in knots[:hidden]]
        total = sum(w * r for w, r in zip(out_weights, ramps, strict=True))
        return out_bias + total

    return network


xs = [i * 2 * math.pi / 400 for i in range(401)]
fig, axes = plt.subplots(1, 2, figsize=(8, 2.8), sharey=True)
for ax, hidden in zip(axes, (4, 16), strict=True):
    net = ramps_network(math.sin, 0.0, 2 * math.pi, hidden)
    truth = [math.sin(x) for x in xs]
    ax.plot(xs, truth, color="grey", lw=5, alpha=0.35, label="sin(x)")
    ax.plot(xs, [net(x) for x in xs], color="#e8590c", lw=2, label="network")
    ax.set_title(f"{hidden} hidden ReLU neurons")
    ax.set_xlabel("x")
axes[0].legend(loc="lower left")
plt.tight_layout()
plt.show()

# %% [markdown]
# With 4 neurons it is a rough zigzag; with 16 I can barely tell them apart, between 0
# and $2\pi$. That is the range I built it for.
#
# <details class="question"><summary>Predict: the 16-neuron network matches sin(x) from
# 0 to 2π. What does it output at x = 4π, where sin is 0 again?</summary>
#
# Nothing like 0. Past the last bend every ramp is switched on, so the network is one
# straight line from there on, with the slope of its last piece, and it keeps going
# while sin turns back. The cell below prints it at a few points outside the range.
#
# </details>

# %%
net = ramps_network(math.sin, 0.0, 2 * math.pi, 16)
for x in (2 * math.pi, 3 * math.pi, 4 * math.pi, 10 * math.pi):
    print(f"x = {x / math.pi:4.0f}π: network {net(x):+7.3f}, sin {math.sin(x):+.3f}")

# %% [markdown]
# A ReLU network is made of straight pieces, finitely many, so outside the data it
# ends in straight lines: no finite network follows sin(x) over the whole real line,
# which is why the theorem only speaks of a bounded range. Inside it, it promises that
# *some* setting of the weights is good enough; it says nothing about how to find it,
# or how many neurons it takes. Finding it is the real work.
#
# ## How the weights will be found
#
# This is a preview of lessons 3 and 6, just enough to know where I am heading. The
# whole of training is one loop, and I will draw it again in later lessons:

# %% tags=["plot"]
# alt: The training loop as boxes and arrows: inputs x and parameters θ go into the model f(x; θ),
#   which gives predictions ŷ; with the targets y they give the loss L(ŷ, y) (forward); then the
#   gradients ∂L/∂θ and the update θ ← θ − η ∂L/∂θ lead back to the parameters (backward, then a
#   step)
training_loop()
plt.show()

# %% [markdown]
# Going forward (the top row), the inputs and the current parameters go through the
# model and come out as predictions, and the loss compares those with the targets.
# Going backward (the bottom row), the loss gives one gradient per parameter, and the
# update moves every parameter a little against its gradient. Then round again, with
# the next examples. In words:
#
# 1. **A loss.** Collapse "how wrong is the network on these examples" into one number,
#    for instance the average squared difference between outputs and targets. Zero
#    means perfect; bigger is worse.
# 2. **Gradient descent.** For every weight, ask: if I nudge this weight up a tiny
#    bit, does the loss go up or down, and how fast? That rate is the weight's
#    *gradient*. Move each weight a small step against its gradient, downhill, and
#    repeat. The size of the step is the **learning rate**.
# 3. **Stochastic gradient descent (SGD).** Computing the loss over all examples for
#    every step is expensive, so each step uses a small random handful of them, a
#    **mini-batch**. The steps get noisier, but each one is much cheaper.
#
# I tried it on the smallest model I could think of, $\hat y = w x$, with data that
# secretly follows $y = 3x$ plus noise. I measure each gradient the clumsy way, by
# nudging $w$ and watching the loss; lesson 3 will get it exactly, for free.

# %%
rng = random.Random(0)
points = [rng.uniform(-2, 2) for _ in range(40)]
data = [(x, 3 * x + rng.gauss(0, 0.5)) for x in points]  # y = 3x + noise


def loss(w, batch):
    return sum((w * x - y) ** 2 for x, y in batch) / len(batch)


w, learning_rate, nudge = 0.0, 0.1, 1e-4
for step_number in range(1, 31):
    batch = rng.sample(data, 8)  # a random mini-batch of 8 of the 40 examples
    gradient = (loss(w + nudge, batch) - loss(w - nudge, batch)) / (2 * nudge)
    w -= learning_rate * gradient
    if step_number in (1, 2, 3, 5, 10, 20, 30):
        print(f"step {step_number:2}: w = {w:.3f}, loss = {loss(w, data):.3f}")

# %% [markdown]
# From $w = 0$ it walks to about 3 in a handful of steps (the loss printed is over all
# 40 points), using only 8 random examples per step. A real network does exactly this,
# with millions of weights at once; the only hard part is getting all those gradients
# cheaply, which is what automatic differentiation is for.
#
# ## Why PyTorch, and setting it up
#
# Everything so far was plain Python, which is perfect for seeing every multiplication
# and hopeless for real sizes. For the rest of the course I use **PyTorch**, because:
#
# - its **tensors** are n-dimensional arrays of numbers (lesson 2) that run on the CPU
#   or, unchanged, on a GPU, where millions of multiply-adds happen in parallel;
# - it records the computation **as the code runs** (a dynamic graph), so ordinary
#   Python `if` statements and loops just work;
# - it computes every gradient for me: **automatic differentiation**, or autograd
#   (lesson 3);
# - `torch.nn` has layers, activations and losses ready to use (lesson 4);
# - its documentation is good, and nearly every recent paper ships PyTorch code.
#
# **Setting up.** In this course you never install it by hand: `./learn` creates a
# virtual environment and installs PyTorch on its first run. On your own projects,
# `pip install torch` is the usual way, with one thing to know: PyTorch comes in
# several builds. On Linux the default wheel includes NVIDIA's CUDA libraries (a large
# download); machines without an NVIDIA GPU can use the much smaller CPU-only build,
# and the install selector on pytorch.org prints the exact `pip` command for each
# combination of system, package manager and CUDA version. On a Mac with Apple
# silicon, the ordinary install already includes **MPS** (Metal Performance Shaders),
# Apple's way to run tensors on its GPU. This is how I ask what my machine has:

# %%
print("PyTorch", torch.__version__)
print("NVIDIA GPU (CUDA):", torch.cuda.is_available())
print("Apple GPU (MPS):", torch.backends.mps.is_available())

if torch.cuda.is_available():
    device = "cuda"
elif torch.backends.mps.is_available():
    device = "mps"
else:
    device = "cpu"
print("so I will compute on:", device)

# %% [markdown]
# The page was built on a machine without a GPU, so it says `cpu`; the code is the same
# everywhere. And as a first taste, here is Monday's running neuron again, this time as
# PyTorch tensors, with the sigmoid instead of the step. The `@` multiplies the inputs
# by the weights and sums them up in one go:

# %%
x = torch.tensor([0.9, 8.0, 4.0], device=device)  # sun, sleep, km
w = torch.tensor([2.0, 0.5, -0.3], device=device)
b = torch.tensor(-4.0, device=device)
print(torch.sigmoid(w @ x + b))

# %% [markdown]
# About 0.65: fairly keen on a run, but not sure. That little line, inputs times
# weights plus bias through an activation, is what lesson 2 will scale up to whole
# tables of numbers at once. Tensors are where I go next.
#
# ## Exercises
#
# Now I build it all myself, in plain Python with no `torch` and no `numpy`, so that
# every multiplication is mine: seven functions, from `step`, `sigmoid` and `relu` to
# one `neuron`, a whole `dense_layer`, `predict` for reading the output, and
# `count_parameters` for a fully connected network. Each function's docstring says
# exactly what it must do, including what to do with awkward inputs, and when a test
# fails, `learn` names the section above to reread.

# %% [markdown]
# ## Credits and further reading
#
# The ideas here are the standard ones; the examples, words and code on this page are
# our own. These helped me most:
#
# - 3Blue1Brown, [Neural networks](https://www.3blue1brown.com/topics/neural-networks):
#   a video series that shows what a network computes and how gradient descent moves
#   its weights, beautifully animated.
# - Michael Nielsen, [A visual proof that neural nets can compute any
#   function](http://neuralnetworksanddeeplearning.com/chap4.html): the "bend a line
#   with a few neurons" argument, done with interactive figures.
# - Andrej Karpathy, [micrograd](https://github.com/karpathy/micrograd): a tiny
#   autograd engine and neural network library; lesson 5 rebuilds it.
# - fast.ai, [Practical Deep Learning for Coders](https://course.fast.ai/): a
#   free course that starts from working models and works down to the details.
# - The [PyTorch documentation](https://docs.pytorch.org/docs/stable/index.html) and
#   its [install selector](https://pytorch.org/get-started/locally/) for CPU, CUDA
#   and Apple builds.
