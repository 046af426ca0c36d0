# %% [markdown]
# # Lesson 6: How the weights are found: loss and SGD
#
# At the end of lesson 5 I had a network made of my own Values: every weight a number
# that knows how to receive a gradient. But its weights were random, and a random
# network answers at random. This lesson is about the part that turns random numbers
# into useful ones. It is the same recipe PyTorch ran for me in lessons 3 and 4, only
# now every piece of it is code I can read: a **loss** that says how wrong the network
# is, **gradient descent** that moves every weight a little in the direction that
# makes the loss smaller, and **stochastic** gradient descent, which does that on
# small random batches of the data instead of all of it at once.
#
# At the end I train the lesson 5 MLP from scratch on the two-moons data set and watch
# the loss fall and the decision boundary take shape, and I check it on points it has
# never seen. Every output and figure below was produced by the code above it when
# this page was built.

# %%
import gc
import random
import sys
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib_inline.backend_inline import set_matplotlib_formats

from grader.datasets import two_moons


def course_root() -> Path:
    """The course folder (the one holding course.toml), wherever this page runs from;
    outside the course, the current folder (a downloaded notebook carries the modules)."""
    here = Path.cwd().resolve()
    return next((p for p in (here, *here.parents) if (p / "course.toml").is_file()), here)


sys.path.insert(0, str(course_root() / "solutions"))  # the finished exercises
from lesson5.engine import Value  # noqa: E402
from lesson5.nn import MLP  # noqa: E402
from lesson6.training import batches, hinge_loss, mse, sgd_step, train  # noqa: E402

set_matplotlib_formats("retina")  # sharp figures on high-resolution screens
plt.rcParams.update(
    {
        "figure.dpi": 80,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": 11,
    }
)
random.seed(0)  # the same "random" weights and batches every time the page is built
# My Values make no reference cycles (a closure refers to its inputs, never to its
# output), so each graph is freed the moment its last reference goes. Python's cycle
# collector would find nothing to free, only re-scan every live graph now and then,
# which for this engine is about two thirds of a training step's time.
gc.disable()

# %% [markdown]
# ## A loss is one number
#
# The data first: 60 points on two interleaving half circles, the same two moons as
# in lesson 4, and another 100 drawn the same way that I put aside for the end. The
# labels are 0 and 1; for this lesson I turn them into -1 and +1, for a reason that
# will become clear in a moment.


# %%
def moons(n, seed):
    X, labels = two_moons(n, noise=0.1, seed=seed)
    return X, [1 if label == 1 else -1 for label in labels]


X, y = moons(60, seed=0)
X_test, y_test = moons(100, seed=1)  # held out: not used for training


def scatter(ax, X, y, **style):
    for label, colour in ((-1, "tab:blue"), (1, "tab:orange")):
        points = [x for x, t in zip(X, y, strict=True) if t == label]
        ax.scatter(
            *zip(*points, strict=True), s=16, color=colour, label=f"label {label:+d}", **style
        )


fig, ax = plt.subplots(figsize=(5.5, 3.4))
scatter(ax, X, y)
ax.legend(loc="upper right", fontsize=9)
ax.set_title("two moons: 60 training points")
plt.show()

# %% [markdown]
# The network is lesson 5's `MLP` with two inputs, two hidden layers of 8 ReLU neurons
# and one linear output, a **score**: positive means "I say +1", negative "I say -1".
# Before any training, its answers are what random weights give:


# %%
def accuracy(model, X, y):
    return sum((model(x).data > 0) == (t > 0) for x, t in zip(X, y, strict=True)) / len(X)


model = MLP(2, [8, 8, 1])
print(len(model.parameters()), "parameters; accuracy before training:", accuracy(model, X, y))

# %% [markdown]
# To improve the network I need to say, in one number, how bad it is right now: the
# **loss**. It has to be a single number because "better" must mean "smaller", and
# it has to be made of Values because I will ask it for gradients. The loss averages
# a penalty over the examples, so that it does not grow with the size of the data.
#
# The first penalty that comes to mind is the **squared error**, $(s - t)^2$: how far
# the score $s$ is from the target $t$. For regression, where the target is a
# quantity, that is the natural choice, and `mse` computes its mean. For a yes/no
# question it has a flaw: a score of 5 for a point labelled +1 is *more* right than a
# score of 1, yet the squared error punishes it with 16.
#
# The **hinge loss** only cares about the side and the margin. With labels $y = \pm 1$,
# the product $y \cdot s$ is positive exactly when the score has the right sign, so
# the penalty $\max(0, 1 - y \cdot s)$ is zero for a right answer given with a margin
# of at least 1, and grows linearly the further the answer is on the wrong side. That
# is why I wanted labels of -1 and +1. The two penalties, for a point labelled +1:

# %%
scores = np.linspace(-2, 4, 200)
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(scores, (scores - 1) ** 2, label="squared error (s - 1)²")
ax.plot(scores, np.maximum(0, 1 - scores), label="hinge max(0, 1 - s)", linewidth=2.5)
ax.axvline(0, color="grey", linewidth=0.5)
ax.set(xlabel="score s for a point labelled +1", ylabel="penalty", ylim=(-0.3, 6))
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# Both are Values, so both can be differentiated. On three scores, by hand and by the
# code:

# %%
s = [Value(2.0), Value(-0.5), Value(0.3)]
print("mse  ", mse(s, [1, 1, -1]).data, "= ((2-1)² + (-0.5-1)² + (0.3+1)²) / 3")
print("hinge", hinge_loss(s, [1, 1, -1]).data, "= (0 + 1.5 + 1.3) / 3")

# %% [markdown]
# The first score is right with a margin of 2 and costs nothing under the hinge loss,
# while the squared error still charges it 1. On the untrained network, over all 60
# points:

# %%
loss = hinge_loss([model(x) for x in X], y)
print("hinge loss of the untrained network:", round(loss.data, 4))

# %% [markdown]
# ## Gradient descent
#
# That loss is one Value at the end of a big graph, and every one of the 105 weights
# and biases is a leaf of that graph. One `backward()` gives the derivative of the
# loss with respect to each of them: how fast the loss grows when that weight grows.
# Lesson 3 showed that the gradient points uphill, so the recipe is to take a small
# step the other way, for every parameter at once:
#
# $$w \leftarrow w - \eta \, \frac{\partial L}{\partial w}$$
#
# where $\eta$, the **learning rate**, sets the size of the step. That is what
# `sgd_step` does. One step:

# %%
model.zero_grad()
loss.backward()
grads = [p.grad for p in model.parameters()]
print(f"{sum(g != 0 for g in grads)} of {len(grads)} gradients are non-zero;",
      f"the largest is {max(grads, key=abs):+.3f}")  # fmt: skip
sgd_step(model.parameters(), lr=0.1)
after = hinge_loss([model(x) for x in X], y)
print(f"loss before the step {loss.data:.4f}, after {after.data:.4f}")

# %% [markdown]
# Some gradients are zero: those of neurons whose ReLU was off for every point, which
# therefore had no influence on the loss at all. The step made the loss smaller, as
# promised. Repeating it is **gradient descent**: forward over all the data, loss,
# zero the old gradients, backward, step.

# %%
start = time.perf_counter()
for step in range(6):
    loss = hinge_loss([model(x) for x in X], y)
    model.zero_grad()
    loss.backward()
    sgd_step(model.parameters(), lr=0.1)
    print(f"step {step}: loss {loss.data:.4f}", end="\n" if step % 3 == 2 else "   ")
print(f"6 steps over the whole data set took {time.perf_counter() - start:.1f} s")

# %% [markdown]
# The loss goes down, but slowly, and each step costs a forward and a backward pass
# over all 60 points. With a million examples, a single step would take hours in my
# engine, and even PyTorch would spend most of its time computing a gradient far more
# precise than a small step needs.
#
# ## Stochastic gradient descent
#
# The way out is to estimate the gradient from a few examples instead of all of them.
# The average loss over a random **mini-batch** of, say, 10 points is a noisy estimate
# of the average over all 60, and its gradient is a noisy estimate of the full
# gradient, at a sixth of the price. So instead of one careful step per pass over the
# data, I take six rough ones. That is **stochastic gradient descent** (SGD).
#
# To make sure every point is used equally, I shuffle the indices once per **epoch**
# (one pass over the data) and cut them into batches; the last batch is simply smaller
# when the sizes do not divide. The shuffle comes from a random generator that I pass
# in, so that the same seed always gives the same batches:

# %%
rng = random.Random(0)
for epoch in range(2):
    print(f"epoch {epoch}:", list(batches(10, 4, rng)))

# %% [markdown]
# A new order each epoch, every index exactly once, and a last batch of 2. Does the
# noise hurt? I compare the two methods for the same amount of work, 8 epochs each:
# 8 full-batch steps against 48 mini-batch steps, from the same starting weights.
# `train`, the function of the exercise, runs the loop and returns the mean loss of
# each epoch.


# %%
def run(batch_size, lr, epochs):
    random.seed(0)  # the same starting weights for every run
    return train(MLP(2, [8, 8, 1]), X, y, epochs=epochs, lr=lr, batch_size=batch_size)


full = run(batch_size=60, lr=0.1, epochs=8)
mini = run(batch_size=10, lr=0.1, epochs=8)
fig, ax = plt.subplots(figsize=(5.5, 3.2))
epochs = range(1, 9)
ax.plot(epochs, full, "o-", markersize=3, label="full batch: 1 step per epoch")
ax.plot(epochs, mini, "o-", markersize=3, label="mini-batches of 10: 6 steps per epoch")
ax.set(xlabel="epoch", ylabel="mean hinge loss")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# For the same number of forward and backward passes, the mini-batch version gets
# much further. Its steps are individually worse estimates, but there are six times
# as many of them, and a step in roughly the right direction beats a perfect step
# never taken. The noise has a second, subtler benefit: it shakes the weights out of
# flat regions and narrow dips in the loss where exact gradient descent would settle.
# Real training almost always works this way, with batches of tens to thousands of
# examples, chosen so that one batch fills the GPU.
#
# ## Learning rate and epochs
#
# Two numbers control the run. The **learning rate** is the size of each step: too
# small and training crawls; too large and each step overshoots, so the loss jumps
# around or even climbs. The number of **epochs** is how many passes over the data
# I am willing to pay for. Three learning rates, 6 epochs each, same start (the loss
# axis is logarithmic, or one curve would flatten the others):

# %%
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for lr in (0.005, 0.3, 8.0):
    curve = run(batch_size=10, lr=lr, epochs=6)
    ax.semilogy(range(1, 7), curve, "o-", markersize=3, label=f"lr = {lr}")
ax.set(xlabel="epoch", ylabel="mean hinge loss")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# With 0.005 the loss barely moves in 6 epochs. With 8 the very first steps throw the
# weights so far that the loss shoots up to dozens of times its starting value, and
# even once it comes back down it stays above where the untrained network began: the
# steps jump right over every valley. In between, 0.3 brings the loss down quickly and
# steadily. There is no formula for the right value: in practice I try a few a factor
# of 3 to 10 apart, as here, and keep the one whose curve falls fastest without
# jumping. Lowering the rate as training goes on often helps too, since large steps are
# useful early and harmful near the end.
#
# ## Training the MLP
#
# Everything together is the `train` function of the exercise: for each epoch, for
# each shuffled mini-batch, forward, hinge loss, zero the gradients, backward, step;
# it returns the mean batch loss of every epoch. I train a fresh network for 20
# epochs in four stretches, and after each stretch I draw what it has learned: its
# **decision boundary**, the line where the score crosses zero.
#
# Drawing the boundary means evaluating the network on thousands of grid points, which
# would be slow with Values. So for the picture only, I copy the weights out into
# NumPy arrays and run the same computation as matrix products.


# %%
def predict_grid(model, xx, yy):
    """The model's scores on a grid, with its weights copied into NumPy."""
    h = np.stack([xx.ravel(), yy.ravel()], axis=1)
    for i, layer in enumerate(model.layers):
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        h = h @ W.T + b
        if i < len(model.layers) - 1:
            h = np.maximum(h, 0)
    return h[:, 0].reshape(xx.shape)


random.seed(1)
model = MLP(2, [8, 8, 1])
xx, yy = np.meshgrid(np.linspace(-1.6, 2.6, 150), np.linspace(-1.1, 1.6, 150))
losses, snapshots = [], []
start = time.perf_counter()
for stop, epochs in ((1, 1), (3, 2), (8, 5), (20, 12)):
    losses += train(model, X, y, epochs=epochs, lr=0.1, batch_size=10, seed=stop)
    snapshots.append((stop, predict_grid(model, xx, yy), accuracy(model, X, y)))
print(f"20 epochs of 6 mini-batches took {time.perf_counter() - start:.1f} s")
print(f"loss in epoch 1: {losses[0]:.3f}, in epoch 20: {losses[-1]:.3f}")

fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(range(1, len(losses) + 1), losses, "o-", markersize=3)
ax.set(xlabel="epoch", ylabel="mean batch loss", title="the loss curve of train()")
plt.show()

# %% [markdown]
# The curve falls fast at first and then more slowly, with small wiggles from the
# random batches: each epoch's number is the mean over batches taken along the way,
# not one careful measurement. The boundary, as it forms:

# %%
fig, axes = plt.subplots(1, 4, figsize=(13, 3.2), sharey=True)
for ax, (epoch, grid, acc) in zip(axes, snapshots, strict=True):
    ax.contourf(xx, yy, grid > 0, levels=[-0.5, 0.5, 1.5], colors=["#cfe0f1", "#fde0c5"])
    ax.contour(xx, yy, grid, levels=[0], colors="black", linewidths=1)
    scatter(ax, X, y, edgecolor="white", linewidth=0.3)
    ax.set_title(f"after epoch {epoch}: {acc:.0%} right", fontsize=10)
fig.tight_layout()
plt.show()

# %% [markdown]
# After a single epoch the network already separates most of the points, with a
# rough, kinked cut. The following epochs move and straighten that cut into the gap
# between the moons; each kink in it is a hidden ReLU unit switching on or off, the
# "bending a line piece by piece" of lesson 1. The few points still on the wrong side
# are the tips of the moons that reach into the other moon's hollow: following them
# would take more bends, and more training, than this little run paid for. Nobody told
# the network that the data were two half circles; all of this came out of gradient
# descent on the hinge loss.
#
# ## Overfitting and held-out data
#
# Accuracy on the training points is the wrong number to trust, because those are
# exactly the points the weights were tuned on. The real question is how the network
# does on points it has never seen, which is why I set 100 aside at the start:

# %%
print(f"accuracy on the 60 training points:  {accuracy(model, X, y):.0%}")
print(f"accuracy on the 100 held-out points: {accuracy(model, X_test, y_test):.0%}")

# %% [markdown]
# Close to each other, which means that what the network learned is the shape of the
# moons rather than the particular noise of these 60 points. It does not have to be
# so. A network with enough parameters, trained long enough on few examples, can bend
# its boundary around every single training point, noise included, and then do worse
# on new data than a simpler boundary would. That is **overfitting**, and it is easy to
# provoke: the same network, 12 training points, 80 epochs.

# %%
X_few, y_few = moons(12, seed=2)
random.seed(2)
eager = MLP(2, [8, 8, 1])
train(eager, X_few, y_few, epochs=80, lr=0.1, batch_size=4, seed=0)
print(f"12 training points:  {accuracy(eager, X_few, y_few):.0%} right")
print(f"100 held-out points: {accuracy(eager, X_test, y_test):.0%} right")

fig, ax = plt.subplots(figsize=(5.5, 3.2))
grid = predict_grid(eager, xx, yy)
ax.contourf(xx, yy, grid > 0, levels=[-0.5, 0.5, 1.5], colors=["#cfe0f1", "#fde0c5"])
ax.contour(xx, yy, grid, levels=[0], colors="black", linewidths=1)
scatter(ax, X_test, y_test, alpha=0.35)
scatter(ax, X_few, y_few, edgecolor="black", linewidth=0.8)
ax.set_title("trained on the 12 outlined points", fontsize=10)
plt.show()

# %% [markdown]
# Every training point is on the right side, yet the boundary wanders where there were
# no training points to pin it down, and the faded held-out points show what that
# costs. The cures are the ones I will meet again and again: more data, a smaller or
# more constrained model, stopping when the held-out loss stops improving, and above
# all always judging a model on data it did not train on. The held-out points must
# stay out of every decision, the choice of learning rate included, or they quietly
# become training data too.
#
# ## What I have now
#
# A loss turns "how wrong is the network" into one Value; one backward pass gives the
# derivative of that loss with respect to every weight; and a step against those
# derivatives, repeated on small shuffled batches, finds weights that separate the two
# moons. That is the whole of training, down to the last line of code: no PyTorch,
# just lesson 5's Values. PyTorch does exactly this, on tensors, on a GPU, and with
# cleverer steps (momentum, Adam) built on the same gradient.
#
# ## Exercises
#
# The exercises live in `exercises/lesson6/training.py`, which imports your `Value`
# and `MLP` from `exercises/lesson5/`:
#
# - `mse(preds, targets)` and `hinge_loss(scores, labels)`: the two losses of "A loss
#   is one number", as Values, with a `ValueError` for mismatched lengths and for
#   labels other than +1 and -1.
# - `batches(n, batch_size, rng)`: one epoch of shuffled mini-batches, see "Stochastic
#   gradient descent".
# - `sgd_step(params, lr)`: the update of "Gradient descent".
# - `train(model, X, y, epochs, lr, batch_size, seed)`: the loop of "Training the MLP",
#   returning the mean loss of each epoch. The grader trains a small MLP on its own
#   two-moons set and wants at least 90% of the points right.
#
# Run `learn check lesson6` from the course folder to grade them. The grader runs your
# training code with the course's own lesson 5, so a mistake in your engine only costs
# lesson 5 points.

# %% [markdown]
# ## Credits and further reading
#
# The words and code on this page are our own; the ideas are the standard ones.
#
# - Andrej Karpathy, [micrograd](https://github.com/karpathy/micrograd): its demo
#   notebook trains a small MLP on two moons with a hinge loss, the experiment this
#   lesson repeats.
# - Michael Nielsen, [Neural Networks and Deep Learning, chapter
#   1](http://neuralnetworksanddeeplearning.com/chap1.html): gradient descent and
#   stochastic gradient descent explained from scratch.
# - Léon Bottou, [Stochastic Gradient Descent
#   Tricks](https://leon.bottou.org/publications/pdf/tricks-2012.pdf): why SGD works so
#   well in practice, and how to choose its learning rate.
# - Goodfellow, Bengio and Courville, [Deep Learning](https://www.deeplearningbook.org/),
#   chapter 5 (capacity, overfitting and held-out data) and chapter 8 (optimisation).
