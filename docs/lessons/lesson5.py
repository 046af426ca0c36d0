# %% [markdown]
# # Lesson 5: micrograd: autograd from scratch
#
# In lesson 3 I called `backward()` and PyTorch filled in `.grad` for me. It felt a
# little like magic, and I do not like depending on magic I could not rebuild. So
# today I rebuild it: an automatic-differentiation engine for single numbers, in
# plain Python, small enough to read in one sitting. Andrej Karpathy showed with his
# [micrograd](https://github.com/karpathy/micrograd) that the whole idea fits in
# about a hundred lines, and this lesson follows the same path in my own words and
# code.
#
# The plan: a number that remembers how it was computed; the derivative of each
# small operation and the chain rule that links them; a backward pass that visits
# the graph in the right order; why gradients must be added up rather than
# overwritten; and finally neurons, layers and a whole network made of these numbers.
# Lesson 6 then trains that network. Every output and figure below was produced by
# the code above it when this page was built.
#
# Now and then I stop at a question marked "Predict", before the code that answers
# it. Try to answer it yourself first, then open it to compare with my answer.

# %%
import math
import random
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from matplotlib.patches import FancyBboxPatch
from matplotlib_inline.backend_inline import set_matplotlib_formats


def course_root() -> Path:
    """The course folder (the one holding course.toml), wherever this page runs from;
    outside the course, the current folder (a downloaded notebook carries the modules)."""
    here = Path.cwd().resolve()
    return next((p for p in (here, *here.parents) if (p / "course.toml").is_file()), here)


sys.path.insert(0, str(course_root() / "solutions"))  # the finished exercises
from lesson5 import engine, nn  # noqa: E402

set_matplotlib_formats("retina")  # sharp figures on high-resolution screens
plt.rcParams.update({"figure.dpi": 80, "font.size": 11})
torch.set_num_threads(1)
random.seed(0)  # the same random weights every time the page is built

# %% [markdown]
# ## A Value that remembers
#
# A Python float forgets everything: after `c = a * b`, the number `c` has no idea
# that it came from `a` and `b`. To compute derivatives later I need every result to
# keep a note of its inputs and of the operation that combined them. So I wrap the
# number in a small object. Here is my first sketch, with just `+` and `*`:


# %%
class Value:
    """A sketch: a number, the Values it was computed from, and how."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self._prev = _children
        self._op = _op

    def __add__(self, other):
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        return Value(self.data * other.data, (self, other), "*")

    def __repr__(self):
        return f"Value({self.data})"


a, b, c = Value(2.0), Value(-3.0), Value(10.0)
d = a * b + c
print(d, "came from", d._op, "of", d._prev)
print("and its first input came from", d._prev[0]._op, "of", d._prev[0]._prev)

# %% [markdown]
# The result still prints as a number, but it now drags its history along: `d` knows
# it is a sum, the sum knows one of its terms is a product, and the product knows its
# two factors. Those links form a **graph** of the computation, exactly like the
# `grad_fn` chain I walked in lesson 3, only built by my own class.
#
# I will want to look at these graphs a lot, so I wrote a small drawing function with
# matplotlib: every Value is a box with its data (and later its gradient), every
# operation a circle, and the arrows follow the computation from left to right. The
# function only reads `_prev` and `_op`, so it works for the sketch above and for the
# full engine later on.


# %% tags=["plot"]
# alt: The graph of d = a * b + c, forward only: a = 2 and b = -3 go into a * node that gives -6,
#   which goes with c = 10 into a + node that gives d = 4
def draw(root, names=None, title=None):
    """Draw the graph that ends at `root`: a box per Value, a circle per operation."""
    names = names or {}
    # Columns: the output on the right, each node left of every node that uses it.
    steps, frontier = {root: 0}, [root]  # the longest path from the output to each node
    while frontier:
        node = frontier.pop()
        for child in node._prev:
            if steps.get(child, -1) < steps[node] + 1:
                steps[child] = steps[node] + 1
                frontier.append(child)
    last = max(steps.values())
    # Rows: the leaves one below the other in the order they are used, every computed
    # node level with the middle of its inputs.
    row = {}

    def place(node):  # recursive, which is fine for the small graphs drawn here
        if node not in row:
            for child in node._prev:
                place(child)
            inputs = [row[child] for child in node._prev]
            leaves = sum(not n._prev for n in row)
            row[node] = sum(inputs) / len(inputs) if inputs else leaves

    place(root)
    pos = {node: (3.0 * (last - steps[node]), -1.4 * row[node]) for node in steps}
    leaves = sum(not n._prev for n in row)
    _, ax = plt.subplots(figsize=(2.6 * (last + 1), 1.2 * leaves + 0.6))
    for node, (x, y) in pos.items():
        text = f"{names[node]}  " if node in names else ""
        text += f"data {node.data:.4g}"
        if hasattr(node, "grad"):
            text += f"\ngrad {node.grad:.4g}"
        colour = "#e3ecfa" if node._prev else "#fde7d9"  # computed, or typed in
        ax.add_patch(FancyBboxPatch((x - 0.95, y - 0.42), 1.9, 0.84, boxstyle="round,pad=0.04",
                                    facecolor=colour, edgecolor="#555555"))  # fmt: skip
        ax.text(x, y, text, ha="center", va="center", fontsize=9, family="monospace")
        if node._prev:
            op = x - 1.55  # the operation's circle, just left of its result
            ax.add_patch(plt.Circle((op, y), 0.28, facecolor="white", edgecolor="#555555"))
            ax.text(op, y, node._op, ha="center", va="center", fontsize=9)
            ax.annotate("", (x - 0.97, y), (op + 0.28, y), arrowprops={"arrowstyle": "->"})
            for child in node._prev:
                cx, cy = pos[child]
                ax.annotate("", (op - 0.27, y), (cx + 0.97, cy),
                            arrowprops={"arrowstyle": "->", "color": "#777777"})  # fmt: skip
    ys = [y for _, y in pos.values()]
    ax.set(xlim=(-1.2, 3.0 * last + 1.2), ylim=(min(ys) - 0.8, max(ys) + 0.8), aspect="equal")
    ax.axis("off")
    if title:
        ax.set_title(title)


draw(d, {a: "a", b: "b", c: "c", d: "d"}, "d = a * b + c, forward only")
plt.show()

# %% [markdown]
# Orange boxes are **leaves**, numbers I typed in; blue boxes were computed. The
# question for the rest of the lesson: how much does `d` change when I nudge `a`, or
# `b`, or `c`?
#
# ## Local derivatives and the chain rule
#
# Before any theory, the honest way to measure it: nudge one input by a tiny `h` and
# see how far the output moves. This is the central-difference check from lesson 3.
#
# <details class="question"><summary>Predict: with a = 2, b = -3 and c = 10, how fast
# does d = a · b + c move when I nudge <code>a</code>, and in which direction?</summary>
#
# At rate -3, which is b: nudging `a` up by h changes a · b by b · h = -3h, and c
# does not depend on `a` at all. So d moves 3 times as fast as `a`, downwards.
#
# </details>


# %%
def d_of(a, b, c):
    return a * b + c


h = 1e-6
for name, nudge in [("a", (h, 0, 0)), ("b", (0, h, 0)), ("c", (0, 0, h))]:
    up = d_of(*(v + n for v, n in zip((2.0, -3.0, 10.0), nudge, strict=True)))
    down = d_of(*(v - n for v, n in zip((2.0, -3.0, 10.0), nudge, strict=True)))
    print(f"dd/d{name} ≈ {(up - down) / (2 * h):.6f}")

# %% [markdown]
# So `d` moves 3 times as fast as `a`, but in the opposite direction, 2 times as fast
# as `b`, and exactly as fast as `c`. Now the same numbers by reasoning, one
# operation at a time. Every operation only needs to know its own **local
# derivatives**, how its output moves with each of its inputs:
#
# - for $o = x + y$: $\partial o/\partial x = 1$ and $\partial o/\partial y = 1$;
# - for $o = x \cdot y$: $\partial o/\partial x = y$ and $\partial o/\partial y = x$.
#
# The **chain rule** links them: if `d` moves at rate $\partial d/\partial e$ with the
# product $e = a \cdot b$, and $e$ moves at rate $\partial e/\partial a = b$ with `a`,
# then `d` moves at the product of the two rates,
# $\partial d/\partial a = \partial d/\partial e \cdot \partial e/\partial a = 1 \cdot b = -3$.
# Going backwards from the output, each node multiplies the rate it received by its
# local derivatives and passes the results on to its inputs. That is all there is to
# backpropagation.
#
# In code, each operation gets a small function that does exactly its own part of
# this, created right where the operation runs, so that it can see the operation's
# inputs: a **closure**. I store it on the result as `_backward`. It receives the
# gradient that has arrived at the result and adds each input's share to that input's
# `grad`. Here is the sketch again, now with gradients:


# %%
class Value:
    """The sketch with gradients: every operation leaves a closure for its local derivatives."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda grad: None  # a leaf has no inputs to pass anything to
        self._prev = _children
        self._op = _op

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), "+")

        def _backward(grad):  # d(out)/d(self) = d(out)/d(other) = 1
            self.grad += grad
            other.grad += grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), "*")

        def _backward(grad):  # d(out)/d(self) = other, d(out)/d(other) = self
            self.grad += other.data * grad
            other.grad += self.data * grad

        out._backward = _backward
        return out


a, b, c = Value(2.0), Value(-3.0), Value(10.0)
e = a * b
d = e + c
d.grad = 1.0  # d changes at rate 1 with itself
d._backward(d.grad)  # the sum hands its gradient to e and c
e._backward(e.grad)  # the product hands its share to a and b
print(f"a.grad = {a.grad}, b.grad = {b.grad}, c.grad = {c.grad}")

# %% [markdown]
# -3, 2 and 1, the same as the nudging experiment, without any nudging: one pass
# backwards gives the derivative with respect to every input at once. The drawing now
# shows the gradient under each value:

# %% tags=["plot"]
# alt: The same graph of d = a * b + c after the backward pass: each box now shows its gradient
#   beside its value
draw(d, {a: "a", b: "b", c: "c", e: "e", d: "d"}, "after the backward pass")
plt.show()

# %% [markdown]
# Notice that the closures never look at the whole graph. The sum does not know that
# `e` is a product; the product does not know where its gradient came from. Each one
# knows its own derivative and nothing else, and that is what makes it possible to
# add new operations one at a time: subtraction, division, powers, `relu`, `tanh`,
# `exp` all follow the same pattern, and the exercise asks for all of them. For
# `tanh` the local derivative is $1 - \tanh^2(x)$, which I can check against the
# nudging method on a whole curve:

# %% tags=["plot"]
# alt: tanh(x) for x from -4 to 4, its local derivative 1 - tanh(x)², and the estimate from
#   nudging x, which lies on top of the derivative
xs = [i / 20 for i in range(-80, 81)]
local = [1 - math.tanh(x) ** 2 for x in xs]
nudged = [(math.tanh(x + 1e-5) - math.tanh(x - 1e-5)) / 2e-5 for x in xs]
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(xs, [math.tanh(x) for x in xs], label="tanh(x)")
ax.plot(xs, local, label="1 - tanh(x)² (local derivative)", linewidth=3, alpha=0.5)
ax.plot(xs, nudged, "--", label="nudging estimate", color="black", linewidth=1)
ax.axhline(0, color="grey", linewidth=0.5)
ax.legend(loc="lower right", fontsize=9)
ax.set_xlabel("x")
plt.show()

# %% [markdown]
# ## One neuron, backwards by hand
#
# Before I let code walk the graph, I want to do it once by hand on something that
# looks like a network: lesson 1's neuron with two inputs and a bias, and as its
# activation the tanh of lesson 4, $o = \tanh(w_0 x_0 + w_1 x_1 + b)$. Karpathy's
# lecture on [micrograd](https://github.com/karpathy/micrograd) does this exercise by
# hand before automating it, and so do I, with my own numbers. The forward pass first,
# one operation per line, so that every intermediate result has a name:

# %%
x0, x1 = 1.0, -2.0  # the inputs
w0, w1, b = 0.5, 0.25, 0.5  # the neuron's weights and bias
p0 = w0 * x0
p1 = w1 * x1
s = p0 + p1
n = s + b  # the weighted sum
o = math.tanh(n)  # the neuron's output
print(f"p0 = {p0}, p1 = {p1}, s = {s}, n = {n}, o = tanh(n) = {o:.6f}")

# %% [markdown]
# Now backwards, from `o` to the leaves. Each line takes the gradient that has
# arrived at a node and multiplies it by one local derivative: $1 - \tanh^2$ for the
# tanh, 1 for each input of a sum, and for a product, the other factor.
#
# <details class="question"><summary>Predict: which of the two weights gets the larger
# gradient, and with which sign?</summary>
#
# $w_1$, with a negative sign. A weight's gradient is the input it multiplies times
# the gradient that reached its product, and both products receive the same one,
# $1 - o^2$, through the sums. $x_1 = -2$ and $x_0 = 1$, so $w_1$'s gradient is twice
# the size of $w_0$'s and of the opposite sign.
#
# </details>

# %%
grad_o = 1.0  # o changes at rate 1 with itself
grad_n = grad_o * (1 - o**2)  # o = tanh(n)
grad_s = grad_n * 1.0  # n = s + b: a sum hands its gradient on unchanged
grad_b = grad_n * 1.0
grad_p0 = grad_s * 1.0  # s = p0 + p1
grad_p1 = grad_s * 1.0
grad_w0, grad_x0 = grad_p0 * x0, grad_p0 * w0  # p0 = w0 * x0: each gets the other factor
grad_w1, grad_x1 = grad_p1 * x1, grad_p1 * w1  # p1 = w1 * x1
by_hand = [grad_w0, grad_w1, grad_b, grad_x0, grad_x1]
print("by hand: ", " ".join(f"{g:+.6f}" for g in by_hand), "(w0, w1, b, x0, x1)")

leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (w0, w1, b, x0, x1)]
tw0, tw1, tb, tx0, tx1 = leaves
torch.tanh(tw0 * tx0 + tw1 * tx1 + tb).backward()
print("PyTorch: ", " ".join(f"{t.grad.item():+.6f}" for t in leaves))

# %% [markdown]
# The same five numbers. Two things made the hand calculation work, and both are
# mechanical. Every line had the same form, arriving gradient times local
# derivative, which is exactly what the closures of my sketch do. And the lines had to
# come in the right order: `grad_s` needs `grad_n`, which needs `grad_o`. That order
# is the one thing still missing from my engine.
#
# ## Backward over a topological order
#
# In the sketch I called the two closures by hand, and I called them in the right
# order: first `d`'s, then `e`'s. The order matters. A node may pass its gradient on
# only once it has received *all* of it, from every node that uses it. If `e` ran
# before `d`, it would pass on a gradient of 0.
#
# An order in which every node comes after all the nodes it was computed from is
# called a **topological order**. Walking such an order backwards, from the output to
# the leaves, guarantees that every node has collected its full gradient by the time
# its turn comes. A depth-first search produces one: visit a node's inputs first, and
# only then write the node down. Written the natural way, recursively:


# %%
def topological_order(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for child in node._prev:
                visit(child)
            order.append(node)  # after everything it depends on

    visit(root)
    return order


def backward(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        node._backward(node.grad)


x, y = Value(2.0), Value(3.0)
z = x * x * y  # lesson 3's example: dz/dx = 2xy = 12, dz/dy = x² = 4
backward(z)
print("mine:   ", x.grad, y.grad)
xt = torch.tensor(2.0, requires_grad=True)
yt = torch.tensor(3.0, requires_grad=True)
(xt * xt * yt).backward()
print("PyTorch:", xt.grad.item(), yt.grad.item())

# %% [markdown]
# PyTorch agrees. But the recursive search has a weakness: every level of the graph
# costs one level of Python's call stack, and Python allows only about a thousand.
# Real graphs can be much deeper than that; a loop that updates one number ten
# thousand times makes a chain ten thousand nodes long:

# %%
v = Value(1.0)
for _ in range(10_000):
    v = v + Value(1.0)
try:
    backward(v)
except RecursionError as error:
    print("RecursionError:", error)

# %% [markdown]
# So the exercise asks for a `backward()` without recursion: the depth-first search
# with a stack of my own, a plain Python list, where the call stack used to be. The
# one subtlety is that a node must be written down only after all its inputs have
# been, so each node goes on the stack twice: once to say "look at my inputs", and
# again, pushed before them, to say "my inputs are done, write me down". The tests
# run it on a chain of 100 000 nodes.
#
# ## Why gradients accumulate
#
# Every closure above *adds* to `grad` with `+=`. It would be easy to write `=`
# instead, and on `d = a * b + c` nothing would look wrong. It goes wrong as soon as
# a value is used more than once. Take `b = a + a`: `b` grows twice as fast as `a`, so
# the gradient must be 2.
#
# <details class="question"><summary>Predict: a version whose sum <em>assigns</em> the
# gradient, <code>self.grad = grad</code> and <code>other.grad = grad</code>, runs
# backward on <code>a + a</code>. What does <code>a.grad</code> end up as?</summary>
#
# 1. Both assignments land on the same object, `a`: the second overwrites the first
# instead of adding to it, and one of the two paths is lost.
#
# </details>


# %%
class Forgetful(Value):
    """A Value whose sum assigns the gradient instead of adding to it."""

    def __add__(self, other):
        out = Forgetful(self.data + other.data, (self, other), "+")

        def _backward(grad):
            self.grad = grad  # the mistake
            other.grad = grad

        out._backward = _backward
        return out


a = Forgetful(3.0)
backward(a + a)
print("with = :", a.grad)
a = Value(3.0)
backward(a + a)
print("with +=:", a.grad)

# %% [markdown]
# With `=`, the second contribution overwrites the first and `a` gets 1 instead of 2.
# In a network this happens everywhere: each input feeds every neuron of the first
# layer, and every hidden value feeds every neuron of the next, so each one must
# collect the sum of all the paths through it. This is the multivariable chain rule:
# when a value influences the output along several paths, the derivatives along the
# paths add up.
#
# The flip side is the one PyTorch showed me in lesson 3: since `backward()` adds, a
# second `backward()` adds to whatever the first one left behind. Before each new
# gradient the old ones must be set back to zero, which is what `zero_grad()` will do.
#
# From here on I use the full engine, the finished exercise, which has every
# operation, numbers on either side of an operator (`2 * v`, `1 - v`), and the
# non-recursive `backward()`. It passes the same deep chain that broke my sketch, and
# a small expression with a bit of everything matches PyTorch:

# %%
v = engine.Value(1.0)
for _ in range(10_000):
    v = v + 1
v.backward()
print("10 000 additions: data", v.data, "grad of the last node", v.grad)

p, q = engine.Value(0.5), engine.Value(-1.5)
r = (p * q + 2).tanh() * p.exp() - q**2 / (1 - p)
r.backward()
pt = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
qt = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
rt = torch.tanh(pt * qt + 2) * torch.exp(pt) - qt**2 / (1 - pt)
rt.backward()
print(f"mine:    r = {r.data:.12f}  dr/dp = {p.grad:.12f}  dr/dq = {q.grad:.12f}")
print(
    f"PyTorch: r = {rt.item():.12f}  dr/dp = {pt.grad.item():.12f}  dr/dq = {qt.grad.item():.12f}"
)

# %% [markdown]
# <details class="question"><summary>Predict: with the full engine, <code>a =
# Value(3.0)</code> and <code>b = a * a</code>. I call <code>b.backward()</code> once
# and print <code>a.grad</code>, then call it a second time, without zeroing anything,
# and print it again. What are the two numbers?</summary>
#
# 6, then 12. The derivative of $a^2$ is $2a = 6$ (the product sends 3 down each of
# its two paths, and they add up). The second `backward()` adds another 6 on top,
# just as two `backward()` calls did in PyTorch in lesson 3.
#
# </details>

# %%
a = engine.Value(3.0)
b = a * a
b.backward()
print("after one backward():", a.grad)
b.backward()
print("after two:           ", a.grad)
a.grad = 0.0  # what zero_grad() does for every parameter
print("after zeroing:       ", a.grad)

# %% [markdown]
# ## Neurons, layers and an MLP
#
# With an engine that differentiates anything made of these operations, a neural
# network is just more of the same. Lesson 1's neuron is a weighted sum of its inputs
# plus a bias, through an activation; built from Values, every weight and the bias are
# leaves of the graph, and after `backward()` each of them holds the derivative of the
# output with respect to itself. A `Neuron` keeps one weight per input, drawn at random
# between -1 and 1, and a bias that starts at 0:

# %%
neuron = nn.Neuron(2)
w0, w1, bias = neuron.parameters()
w0.data, w1.data, bias.data = 0.8, -0.4, 0.1  # round numbers, to follow by hand
x0, x1 = engine.Value(1.5), engine.Value(0.5)
out = neuron([x0, x1])  # relu(0.8 * 1.5 - 0.4 * 0.5 + 0.1)
out.backward()

# %% tags=["plot"]
# alt: The graph of one neuron, relu(w0 * x0 + w1 * x1 + b): boxes for the weights, the inputs,
#   the bias and the output, with their values and gradients
labels = {w0: "w0", w1: "w1", bias: "b", x0: "x0", x1: "x1", out: "out"}
draw(out, labels, "one neuron: relu(w0 * x0 + w1 * x1 + b)")
plt.show()

# %% [markdown]
# The drawing reads like lesson 1 with the arrows reversed: each weight's gradient is
# the input it multiplies (here the ReLU is active and passes the gradient through
# unchanged), the bias gets 1, and each input gets its weight. Had the weighted sum
# been negative, the ReLU would have passed back 0 and nothing before it would learn
# from this example.
#
# A `Layer` is a list of neurons that all see the same inputs and return one output
# each. An `MLP` chains layers, the outputs of one being the inputs of the next; every
# layer uses ReLU except the last, which stays linear so that the network can output
# any number, negative ones included. Its `parameters()` are all the weights and
# biases, layer after layer, which is lesson 1's count again.
#
# <details class="question"><summary>Predict: how many parameters has <code>MLP(2, [3,
# 1])</code>, two inputs, a hidden layer of 3 and one output?</summary>
#
# 13: each of the 3 hidden neurons has 2 weights and a bias (9), and the output
# neuron has 3 weights and a bias (4).
#
# </details>

# %%
model = nn.MLP(2, [3, 1])
print(model)
print("parameters:", len(model.parameters()), "(2*3 + 3 in the first layer, 3*1 + 1 in the second)")
score = model([0.5, -1.0])
print("output:", score)

# %% [markdown]
# The output is a single Value, and one `backward()` from it fills the gradient of all
# 13 parameters. How big is the graph behind a more realistic network, say two hidden
# layers of 16, the size I will train in lesson 6? I count the nodes of one forward
# pass:

# %%
big = nn.MLP(2, [16, 16, 1])
score = big([0.5, -1.0])
nodes, stack = set(), [score]
while stack:
    node = stack.pop()
    if node not in nodes:
        nodes.add(node)
        stack.extend(node._prev)
score.backward()
print(len(big.parameters()), "parameters,", len(nodes), "Values in the graph of one sample")
print("every parameter has a gradient:", all(isinstance(p.grad, float) for p in big.parameters()))

# %% [markdown]
# About a thousand Python objects for one sample, most with a closure of their own. This
# is why PyTorch works on tensors: one node there multiplies a whole matrix, where my
# engine needs a node per multiplication. The idea is identical; only the granularity
# differs. Finally, `zero_grad()` sets every parameter's gradient back to 0 before the
# next backward pass:

# %%
big.zero_grad()
print("largest gradient after zero_grad():", max(abs(p.grad) for p in big.parameters()))

# %% [markdown]
# ## What I have now
#
# A `Value` that remembers its inputs and its operation, a closure per operation that
# knows only its local derivatives, and a `backward()` that walks a topological order
# from the output back and lets the chain rule do the rest, adding up the
# contributions of every path. On top of it, neurons, layers and an MLP whose every
# weight gets its gradient from one backward pass. That is the engine of lesson 3,
# rebuilt, one number at a time.
#
# What is still missing is the point of it all: using those gradients to make the
# network better at something. Lesson 6 defines what "better" means with a loss, and
# walks the weights downhill.
#
# ## Exercises
#
# The exercises live in two files, and the sections above explain each part:
#
# - `exercises/lesson5/engine.py`: the whole `Value`, with `+ - * /`, unary `-`, `**`
#   with a number exponent, `relu()`, `tanh()` and `exp()`, numbers allowed on either
#   side of every operator, and a `backward()` without recursion that works on a chain
#   of 100 000 nodes. Its docstrings say what to do with awkward inputs, such as
#   `tanh(1000)` and the derivative of `relu` at exactly 0.
# - `exercises/lesson5/nn.py`: `Module` (with `parameters()` and `zero_grad()`),
#   `Neuron`, `Layer` and `MLP`. The grader runs this file with the course's own
#   `Value`, so that a mistake in your engine only costs engine points.
#
# Run `learn check lesson5` from the course folder to grade them. The engine is
# compared with PyTorch on many random expressions, so a wrong derivative shows up with
# the expression, the expected gradient and yours.

# %% [markdown]
# ## Credits and further reading
#
# The design of this lesson's engine follows Andrej Karpathy's; the words and code here
# are our own.
#
# - Andrej Karpathy, [micrograd](https://github.com/karpathy/micrograd): the original
#   tiny autograd engine and neural-network library, and his video [The spelled-out
#   intro to neural networks and backpropagation: building
#   micrograd](https://www.youtube.com/watch?v=VMj-3S1tku0), which builds it live.
# - Christopher Olah, [Calculus on Computational Graphs:
#   Backpropagation](https://colah.github.io/posts/2015-08-Backprop/): why walking the
#   graph backwards gives every derivative at the price of one pass.
# - The PyTorch documentation, [Autograd
#   mechanics](https://docs.pytorch.org/docs/stable/notes/autograd.html): how the real
#   engine records its graph and accumulates gradients.
# - Wikipedia, [Topological sorting](https://en.wikipedia.org/wiki/Topological_sorting):
#   the depth-first algorithm and Kahn's algorithm, its queue-based alternative.
