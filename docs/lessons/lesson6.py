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
# never seen; then I make a network memorise its training points on purpose, and try
# two cures. Every output and figure below was produced by the code above it when
# this page was built.
#
# Now and then I stop at a question marked "Predict", before the code that answers
# it. Try to answer it yourself first, then open it to compare with my answer.

# %%
import gc
import random
import sys
import time
import weakref
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
# Faster training, and safe only for an engine without reference cycles, such as the
# course's: see "Switching off the cycle collector" below before copying this line.
gc.disable()

# %% [markdown]
# ## A loss is one number
#
# The data first: 60 points on two interleaving half circles, the same two moons as
# in lesson 4, and another 100 drawn the same way that I put aside for the end. The
# labels are 0 and 1; for this lesson I turn them into -1 and +1, for a reason that
# will become clear in a moment.


# %%
def moons(n, seed, noise=0.1):
    X, labels = two_moons(n, noise=noise, seed=seed)
    return X, [1 if label == 1 else -1 for label in labels]


X, y = moons(60, seed=0)
X_test, y_test = moons(100, seed=1)  # held out: not used for training


# %% tags=["plot"]
# alt: The two-moons training set: 60 points, label -1 in blue on the upper moon and label +1 in
#   orange on the lower one
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

# %% tags=["plot"]
# alt: Two penalties for a point labelled +1 against its score s: the squared error (s - 1)², a
#   parabola, and the hinge max(0, 1 - s), which is zero from s = 1 on
scores = np.linspace(-2, 4, 200)
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(scores, (scores - 1) ** 2, label="squared error (s - 1)²")
ax.plot(scores, np.maximum(0, 1 - scores), label="hinge max(0, 1 - s)", linewidth=2.5)
ax.axvline(0, color="grey", linewidth=0.5)
ax.set(xlabel="score s for a point labelled +1", ylabel="penalty", ylim=(-0.3, 6))
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# Both are Values, so both can be differentiated.
#
# <details class="question"><summary>Predict: a point labelled +1 gets the score 2. What
# does it cost under the squared error, and what under the hinge loss?</summary>
#
# The squared error charges $(2 - 1)^2 = 1$ for an answer that is right and
# confident; the hinge loss charges $\max(0, 1 - 2) = 0$. It is the first of the three
# scores in the next cell.
#
# </details>

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
# ### Switching off the cycle collector
#
# Those steps ran with Python's cycle collector switched off, by `gc.disable()` in
# the first cell. Python frees most objects by counting references: the moment
# nothing refers to an object any more, it is gone. Only objects that refer to each
# other in a circle, a **reference cycle**, keep each other's count above zero, and
# for those Python runs a cycle collector now and then, which has to scan every live
# object, all the Values of the current graph included. My engine makes no cycles: a
# closure refers to the inputs of its operation, never to its own result, because the
# gradient comes in as an argument. Karpathy's micrograd writes the closure the other
# way, reading `out.grad` inside it, so every result refers to its closure and the
# closure back to the result. A small stand-in for each style shows the difference:


# %%
class Node:
    """Just enough of a Value to see who frees it."""

    def __init__(self, data, prev=()):
        self.data, self.grad, self._prev = data, 0.0, prev


def times(a, b, cyclic):
    out = Node(a.data * b.data, (a, b))
    if cyclic:  # micrograd's style: the closure reads out.grad, a cycle out -> closure -> out

        def backward():
            a.grad += b.data * out.grad
            b.grad += a.data * out.grad

    else:  # this course's style: the gradient arrives as an argument

        def backward(grad):
            a.grad += b.data * grad
            b.grad += a.data * grad

    out._backward = backward
    return out


for cyclic in (False, True):
    result = weakref.ref(times(Node(2.0), Node(3.0), cyclic))  # a reference that does not count
    print(f"cycle: {cyclic!s:5}  freed right away: {result() is None}", end="")
    gc.collect()
    print(f"   after gc.collect(): {result() is None}")

for collector in ("on", "off"):
    gc.enable() if collector == "on" else gc.disable()
    random.seed(0)
    start = time.perf_counter()
    train(MLP(2, [8, 8, 1]), X, y, epochs=5, lr=0.1, batch_size=10)
    print(
        f"5 epochs of training, cycle collector {collector:3}: {time.perf_counter() - start:.2f} s"
    )

# %% [markdown]
# Without the cycle, the result is freed as soon as nobody holds it. With it, the
# result survives until the cycle collector runs. So `gc.disable()` is safe for an
# engine like this course's, and it saves the time of the collector's scans, as the
# two timings show. With a micrograd-style
# engine, copying the line would keep every graph of every training step in memory
# until the machine runs out of it; keep the collector on there, or call
# `gc.collect()` yourself every few steps.
#
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
    """A fresh network from the same starting weights, trained; returns it and its curve."""
    random.seed(0)
    model = MLP(2, [8, 8, 1])
    return model, train(model, X, y, epochs=epochs, lr=lr, batch_size=batch_size)


_, full = run(batch_size=60, lr=0.1, epochs=8)
_, mini = run(batch_size=10, lr=0.1, epochs=8)

# %% tags=["plot"]
# alt: Mean hinge loss over 8 epochs: one full-batch step per epoch against six mini-batch steps
#   per epoch; the mini-batch curve falls much faster
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
# never taken. Real training almost always works this way, with batches of tens to thousands of
# examples, chosen so that one batch fills the GPU.
#
# ## Learning rate and epochs
#
# Two numbers control the run. The **learning rate** is the size of each step: too
# small and training crawls; too large and each step overshoots, so the loss jumps
# around or even climbs. The number of **epochs** is how many passes over the data
# I am willing to pay for. Three learning rates, 6 epochs each, same start.
#
# <details class="question"><summary>Predict: 0.3 will turn out to work well. What
# happens with 8, more than 25 times larger?</summary>
#
# I expected the loss to jump around a valley it keeps overshooting. It does
# something worse: the steps are so large that the network dies. Afterwards,
# every ReLU of the second hidden layer is off for every point, the network gives the
# same score to everything, and no gradient can bring it back. The cells below show
# each part of that.
#
# </details>

# %%
trained = {lr: run(batch_size=10, lr=lr, epochs=6) for lr in (0.005, 0.3, 8.0)}
for lr, (_, curve) in trained.items():
    print(f"lr = {lr:5}: loss in epoch 1 {curve[0]:8.3f}, in epoch 6 {curve[-1]:.3f}")

# %% tags=["plot"]
# alt: Mean hinge loss over 6 epochs, on a log scale, for learning rates 0.005, 0.3 and 8.0: the
#   curve for 8 starts far above the others and stays above 1
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for lr, (_, curve) in trained.items():
    ax.semilogy(range(1, 7), curve, "o-", markersize=3, label=f"lr = {lr}")
ax.set(xlabel="epoch", ylabel="mean hinge loss (log scale)")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# With 0.005 the loss barely moves in 6 epochs, and 0.3 brings it down quickly and
# steadily. With 8, the mean loss of the first epoch is huge, and afterwards it stays
# above 1, the loss of a network that scores every point 0. To see what happened I
# count, over the 60 training points, the ReLUs of the second hidden layer that are
# **alive**: positive for at least one point. A ReLU that is negative for every
# point outputs 0 for all of them, and its slope is 0 for all of them too.


# %%
def live_units(model, X):
    """How many ReLUs of the second hidden layer are positive for at least one point."""
    alive = set()
    for x in X:
        second = model.layers[1](model.layers[0](x))
        alive |= {i for i, v in enumerate(second) if v.data > 0}
    return len(alive)


dead_model = trained[8.0][0]
random.seed(0)
print("second hidden layer, live ReLUs before training:", live_units(MLP(2, [8, 8, 1]), X), "of 8")
print("after 6 epochs at lr = 8:                      ", live_units(dead_model, X), "of 8")
print("scores it gives the 60 points:", sorted({dead_model(x).data for x in X}))
print(f"accuracy: {accuracy(dead_model, X, y):.0%}")

# %% [markdown]
# That is a **dead network**. Steps of 8 times the gradient pushed the weights so
# far that every neuron of the second layer gets a negative input for every point.
# From then on each of those ReLUs outputs 0 and passes back a gradient of 0:
# nothing that comes before them can learn, and the output layer sees only zeros, so
# the score is its bias alone, the same for every point. With all scores at 0, every
# point lands on the "-1" side, right for exactly the half of the points labelled
# -1.
#
# <details class="question"><summary>Predict: if I keep training the dead network for 10
# more epochs, now at the good rate of 0.3, will it come back to life?</summary>
#
# No. A dead ReLU's weights get a gradient of exactly 0, so no step, of any size,
# moves them; only the output bias can still change, and one number for every point
# cannot separate the moons.
#
# </details>

# %%
train(dead_model, X, y, epochs=10, lr=0.3, batch_size=10)
print("live ReLUs in the second layer after 10 more epochs:", live_units(dead_model, X), "of 8")
print(f"accuracy: {accuracy(dead_model, X, y):.0%}")

# %% [markdown]
# The cures are a smaller learning rate, a leaky ReLU (lesson 4), whose small slope
# on the negative side keeps a little gradient flowing, and care with the
# initialisation. Nothing repairs a dead network afterwards but starting again.
#
# There is no formula for the right value: in practice I try a few a factor
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
def fast_scores(model, points):
    """The model's scores for many points at once, with its weights copied into NumPy."""
    h = np.asarray(points, dtype=float)
    for i, layer in enumerate(model.layers):
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        h = h @ W.T + b
        if i < len(model.layers) - 1:
            h = np.maximum(h, 0)
    return h[:, 0]


def predict_grid(model, xx, yy):
    """The model's scores on a grid."""
    return fast_scores(model, np.stack([xx.ravel(), yy.ravel()], axis=1)).reshape(xx.shape)


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

# %% tags=["plot"]
# alt: The mean batch loss of train() over 20 epochs: it falls fast at first, then slowly, with
#   small wiggles
fig, ax = plt.subplots(figsize=(5.5, 3.2))
ax.plot(range(1, len(losses) + 1), losses, "o-", markersize=3)
ax.set(xlabel="epoch", ylabel="mean batch loss", title="the loss curve of train()")
plt.show()

# %% [markdown]
# The curve falls fast at first and then more slowly, with small wiggles from the
# random batches: each epoch's number is the mean over batches taken along the way,
# not one careful measurement. The boundary, as it forms:

# %% tags=["plot"]
# alt: Four snapshots of the decision boundary on the training points, after epochs 1, 3, 8 and
#   20, each titled with the share of points it gets right
fig, axes = plt.subplots(2, 2, figsize=(7.5, 5), sharex=True, sharey=True)
for ax, (epoch, grid, acc) in zip(axes.flat, snapshots, strict=True):
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
# Close to each other: on these clean moons, what this small network learned from 60
# points carries over to new ones. It does not have to be so. A network with many
# weights, trained long on few and noisy examples, can fit the noise of its training
# points as well as the shape behind them, and then do worse on new data than a
# simpler fit would. That is **overfitting**, and I want to see it happen rather than
# take it on trust.
#
# The set-up to provoke it: only 20 training points, from moons with more noise
# (0.25 instead of 0.1), so that the two classes overlap a little; 400 held-out points
# drawn the same way; and a bigger network, two hidden layers of 16 (337 parameters).
# After every epoch I measure the hinge loss on all the training points and on all the
# held-out points, with the NumPy copy of the network (`fast_scores`), which is quick
# enough for 400 points. The loop is the one `train` runs, written out because I want
# to add a line to it in a moment.

# %%
X_few, y_few = moons(20, seed=3, noise=0.25)
X_new, y_new = moons(400, seed=4, noise=0.25)


def mean_hinge(model, X, y):
    return np.maximum(0, 1 - np.array(y) * fast_scores(model, X)).mean()


def fast_accuracy(model, X, y):
    return ((fast_scores(model, X) > 0) == (np.array(y) > 0)).mean()


def watch(hidden, epochs=120, decay=0.0, lr=0.1):
    """Train a fresh MLP on the 20 points; the training and held-out loss after each epoch."""
    random.seed(0)
    model = MLP(2, [*hidden, 1])
    rng = random.Random(0)
    curves = {"training": [], "held out": []}
    for _ in range(epochs):
        for batch in batches(len(X_few), 5, rng):
            loss = hinge_loss([model(X_few[i]) for i in batch], [y_few[i] for i in batch])
            model.zero_grad()
            loss.backward()
            sgd_step(model.parameters(), lr)
            for p in model.parameters():  # weight decay: zero unless asked for
                p.data -= lr * decay * p.data
        curves["training"].append(mean_hinge(model, X_few, y_few))
        curves["held out"].append(mean_hinge(model, X_new, y_new))
    return model, curves


def report(name, model, curves):
    best = int(np.argmin(curves["held out"]))
    print(f"{name}: {len(model.parameters())} parameters")
    print(f"  held-out loss lowest in epoch {best + 1}: {curves['held out'][best]:.3f}")
    print(f"  after the last epoch: training loss {curves['training'][-1]:.3f},",
          f"held-out loss {curves['held out'][-1]:.3f}")  # fmt: skip
    print(f"  accuracy: training {fast_accuracy(model, X_few, y_few):.0%},",
          f"held out {fast_accuracy(model, X_new, y_new):.0%}")  # fmt: skip


big, big_curves = watch([16, 16])

# %% [markdown]
# <details class="question"><summary>Predict: the plot below shows both losses epoch by
# epoch, and the training loss heads for 0. What does the held-out loss do along the
# way?</summary>
#
# It falls at first, while the network learns the rough shape that the training and
# held-out points share. Then it turns and climbs, while the training loss keeps
# falling: from there on, each step fits the 20 training points better at the
# expense of the points they stand for. The turn is where overfitting starts.
#
# </details>

# %% tags=["plot"]
# alt: Training and held-out hinge loss over 120 epochs for two hidden layers of 16 trained on 20
#   points: the training loss falls to 0, while the held-out loss falls at first and then climbs
fig, ax = plt.subplots(figsize=(5.5, 3.2))
for name, curve in big_curves.items():
    ax.plot(range(1, len(curve) + 1), curve, label=name)
ax.set(xlabel="epoch", ylabel="mean hinge loss", title="two hidden layers of 16, 20 points")
ax.legend(fontsize=9)
plt.show()

# %%
report("two hidden layers of 16", big, big_curves)

# %% tags=["plot"]
# alt: The decision boundary of the network trained on the 20 outlined points, over 400 faint
#   held-out points: a strip of the blue side reaches into the orange moon around a single blue
#   training point
fig, ax = plt.subplots(figsize=(5.5, 3.4))
grid = predict_grid(big, xx, yy)
ax.contourf(xx, yy, grid > 0, levels=[-0.5, 0.5, 1.5], colors=["#cfe0f1", "#fde0c5"])
ax.contour(xx, yy, grid, levels=[0], colors="black", linewidths=1)
scatter(ax, X_new, y_new, alpha=0.3)
scatter(ax, X_few, y_few, edgecolor="black", linewidth=0.8)
ax.set_title("trained on the 20 outlined points; faded: held out", fontsize=10)
plt.show()

# %% [markdown]
# The boundary shows what the network spent its last epochs on: a strip of blue
# reaching deep into the orange moon, there to take in a single blue training point,
# and the faded held-out points inside the strip are mostly orange. That point was
# noise, and the network learned it. Once the training loss reaches 0, every
# training point is on its side with a margin of at least 1, the hinge loss gives no
# more gradient, and training stops changing anything.
#
# Two cures are worth trying. The first is a **smaller network**: one hidden layer of
# 4 neurons has far fewer ways to bend. The second keeps the big network but adds
# **weight decay**: after every step, each parameter shrinks by a small fraction of
# itself, `p.data -= lr * decay * p.data`, the line already waiting in `watch`. That is
# the gradient step of an extra penalty, $\frac{\text{decay}}{2} \sum w^2$, added to
# the loss, so large weights, the ones that make sharp bends, have to earn their
# keep. (`torch.optim.SGD` has the same thing built in, as its `weight_decay`
# argument.)
#
# <details class="question"><summary>Predict: will either cure get the training loss to
# 0 as well?</summary>
#
# No. Each keeps its training loss above 0, with one of the 20 points left on the
# wrong side, and each ends with a lower held-out loss than the big network left
# alone.
#
# </details>

# %%
small, small_curves = watch([4])
report("one hidden layer of 4", small, small_curves)
decayed, decayed_curves = watch([16, 16], decay=0.01)
report("two layers of 16, weight decay 0.01", decayed, decayed_curves)

# %% tags=["plot"]
# alt: Held-out hinge loss over 120 epochs for three networks trained on the same 20 points: two
#   hidden layers of 16, which climbs after its early low; one hidden layer of 4; and two layers of
#   16 with weight decay, which both stay lower
fig, ax = plt.subplots(figsize=(5.5, 3.2))
runs = {
    "16, 16": big_curves,
    "4": small_curves,
    "16, 16 with weight decay": decayed_curves,
}
for name, curves in runs.items():
    ax.plot(range(1, len(curves["held out"]) + 1), curves["held out"], label=name)
ax.set(xlabel="epoch", ylabel="held-out hinge loss", title="the same 20 points, three networks")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# The held-out loss is the number to watch, and it is the one the cures improve. Two
# more are common: more data, and **early stopping**, keeping the weights from the
# epoch where the held-out loss was lowest. One rule holds for all of them: the
# held-out points must stay out of every decision, the choice of network size, decay
# and learning rate included, or they quietly become training data too. (In practice I
# split off two sets: a validation set for those choices, and a test set looked at
# once, at the very end.)
#
# ## What I have now
#
# A loss turns "how wrong is the network" into one Value; one backward pass gives the
# derivative of that loss with respect to every weight; and a step against those
# derivatives, repeated on small shuffled batches, finds weights that separate the two
# moons. Too large a step can kill every ReLU of a layer for good; too much freedom on
# too few points fits the noise, which only the held-out loss reveals and which a
# smaller network or weight decay holds in check. That is the whole of training, down
# to the last line of code: no PyTorch, just lesson 5's Values. PyTorch does exactly
# this, on tensors, on a GPU, and with cleverer steps (momentum, Adam) built on the
# same gradient.
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
