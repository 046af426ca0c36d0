# %% [markdown]
# # Lesson 3: Autograd
#
# Lesson 1 ended with a promise: the weights of a network are found by measuring how
# wrong it is (a loss) and nudging every weight in the direction that makes the loss
# smaller. "The direction that makes it smaller" is a derivative, one per weight. A
# network with a million weights needs a million derivatives at every step, and I am
# not going to work those out with pencil and paper.
#
# PyTorch can. Its **autograd** records what my code computes and then works out the
# derivatives for me. Today I find out how to ask for them, check them against a
# derivative I can do by hand, use them to walk downhill, fit a line with them, and
# finally teach PyTorch the derivative of an operation of my own. Every output below
# was produced when this page was built.

# %%
import matplotlib.pyplot as plt
import torch
from matplotlib_inline.backend_inline import set_matplotlib_formats

from grader.figures import training_loop  # lesson 1's picture of the training loop

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
# ## Asking PyTorch for a gradient
#
# My test case is small enough to do by hand: $z = x \cdot x \cdot y$ at the point
# $x = 2$, $y = 3$. The value is $2 \cdot 2 \cdot 3 = 12$. For the derivatives, I
# treat the other variable as a constant:
#
# - $\dfrac{\partial z}{\partial x} = 2xy = 2 \cdot 2 \cdot 3 = 12$: how fast z grows
#   when only x moves;
# - $\dfrac{\partial z}{\partial y} = x^2 = 4$: how fast z grows when only y moves.
#
# Now the same with PyTorch. I mark the inputs I want derivatives for with
# `requires_grad=True`, compute z with ordinary code, call `z.backward()`, and read
# each input's `.grad`:

# %%
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(3.0, requires_grad=True)
z = x * x * y
z.backward()
print("z =", z.item())
print("dz/dx =", x.grad.item(), " dz/dy =", y.grad.item())

# %% [markdown]
# 12 and 4, as by hand. How did it know? While the multiplications ran, PyTorch
# recorded them. Every tensor that came out of an operation on a tensor requiring
# gradients remembers the operation that made it, in `grad_fn`, and that node points
# back to the nodes of its inputs. Together they form a **graph** of the computation,
# built as the code runs, a new one every time it runs:

# %%
print(z.grad_fn)
print(x.grad_fn, "(x was made by me, not by an operation: it is a leaf)")


def walk(node, depth=0):
    """Print the graph behind a result, from the result back to the inputs."""
    print("    " * depth + type(node).__name__)
    for child, _ in node.next_functions:
        if child is not None:
            walk(child, depth + 1)


walk(z.grad_fn)

# %% [markdown]
# `MulBackward0` is the multiplication by y at the end; below it, the first
# multiplication x * x, and the `AccumulateGrad` nodes are where the gradients are
# stored into the leaves x and y (x appears twice because it was used twice).
# `backward()` walks this graph from z back to the leaves. At each node it applies the
# derivative of that one small operation and multiplies it with what came from above:
# the **chain rule**, done mechanically. Lesson 5 builds exactly this machinery from
# scratch.
#
# I like to double-check a gradient with the oldest trick there is: nudge one input a
# little, see how much the output moves, and divide. With a nudge on both sides (a
# central difference) the estimate is very good:


# %%
def f(x, y):
    return x * x * y


h = 1e-4
print("dz/dx ≈", (f(2 + h, 3) - f(2 - h, 3)) / (2 * h))
print("dz/dy ≈", (f(2, 3 + h) - f(2, 3 - h)) / (2 * h))

# %% [markdown]
# That costs two evaluations of f per input, so a million weights would need two
# million forward passes for one step. Autograd gets every derivative from one forward
# pass and one backward pass, which is the whole reason deep learning is practical.
#
# ## What a gradient means
#
# The **gradient** is the vector of all the partial derivatives, $\nabla z = (12, 4)$
# at my point. It answers a question that sounds much more useful: if I may move the
# inputs a tiny step of fixed length, in which direction does z grow fastest, and how
# fast? The gradient points in exactly that direction, and its length is that rate.
# I can test the claim by trying many directions and comparing how much z grows:

# %%
point = torch.tensor([2.0, 3.0])
gradient = torch.tensor([12.0, 4.0])
step = 1e-3
angles = torch.linspace(0, 2 * torch.pi, 361)[:-1]
directions = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)  # unit vectors
moved = point + step * directions
growth = (f(moved[:, 0], moved[:, 1]) - f(*point)) / step
best = directions[growth.argmax()]
print("fastest growth along", best.tolist(), "at a rate of", round(growth.max().item(), 2))
print("the gradient's direction", (gradient / gradient.norm()).tolist(),
      "and its length", round(gradient.norm().item(), 2))  # fmt: skip

# %% [markdown]
# The best of 360 directions is the gradient's direction (to within the one-degree
# spacing), and the rate is the gradient's length, about 12.65. The opposite
# direction, $-\nabla z$, is therefore the direction of steepest *decrease*. That is
# all that gradient descent needs. A picture of the same function, with the gradient
# drawn as an arrow at a few points, shows the arrows always crossing the contour
# lines at right angles, pointing uphill:

# %% tags=["plot"]
# alt: Contour lines of z = x·x·y over x from -3 to 3 and y from 0.5 to 4, with the gradient drawn
#   as an arrow at a few points, each crossing the contour lines at a right angle
xs = torch.linspace(-3, 3, 121)
ys = torch.linspace(0.5, 4, 121)
grid_x, grid_y = torch.meshgrid(xs, ys, indexing="xy")

fig, ax = plt.subplots(figsize=(6.5, 4))
contours = ax.contour(grid_x, grid_y, f(grid_x, grid_y), levels=12, cmap="viridis")
ax.clabel(contours, fontsize=8)
for px, py in [(2.0, 3.0), (-1.5, 1.5), (1.0, 1.0), (-2.0, 3.2), (0.5, 2.5)]:
    a = torch.tensor(px, requires_grad=True)
    b = torch.tensor(py, requires_grad=True)
    f(a, b).backward()
    g = torch.stack([a.grad, b.grad])
    g = g / g.norm() * 0.6  # every arrow the same length: only the direction matters here
    ax.annotate("", xy=(px + g[0].item(), py + g[1].item()), xytext=(px, py),
                arrowprops={"arrowstyle": "->", "color": "#e8590c", "lw": 2})  # fmt: skip
    ax.plot(px, py, "o", color="#e8590c")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("z = x·x·y: contour lines and gradient directions", pad=12)
ax.set_aspect("equal")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Taking a step downhill
#
# To make a loss smaller, I move each weight a small step against its gradient:
#
# $$w \leftarrow w - \eta \, \frac{\partial L}{\partial w}$$
#
# where $\eta$ (eta), the **learning rate**, sets the size of the step. I tried it on
# the simplest loss I could think of, $L(w) = (w - 3)^2$, whose minimum is obviously
# at $w = 3$, starting from $w = -1$.
#
# My first attempt at the update failed in an instructive way:

# %%
w = torch.tensor(-1.0, requires_grad=True)
loss = (w - 3) ** 2
loss.backward()
try:
    w -= 0.1 * w.grad
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# Autograd records every operation on w, and that includes my update. Recording it
# makes no sense: the update is not part of the function I want derivatives of, and
# changing a leaf in place would corrupt the graph that was recorded. The fix is to
# switch recording off for the update with `torch.no_grad()`. It also has to be an
# in-place update (`w -= ...`): writing `w = w - ...` would make a new tensor and
# leave the one my model holds unchanged.

# %%
with torch.no_grad():
    w -= 0.1 * w.grad
print(w, w.is_leaf, w.grad_fn)

# %% [markdown]
# w moved from -1 to -0.2, towards 3, and it is still a leaf that requires gradients.
# Now a whole walk, with a few learning rates, recording where each one goes:


# %%
def descend(lr, start=-1.0, steps=12):
    w = torch.tensor(start, requires_grad=True)
    path = [w.item()]
    for _ in range(steps):
        loss = (w - 3) ** 2
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None  # the next section explains this line
        path.append(w.item())
    return path


for lr in (0.05, 0.3, 0.9, 1.05):
    print(f"lr={lr:<5} " + " ".join(f"{v:6.2f}" for v in descend(lr)[:9]))

# %% tags=["plot"]
# alt: Four panels of gradient descent on the loss (w - 3)² from w = -1: with learning rate 0.05 the
#   steps creep down one side, with 0.3 they reach the bottom quickly, with 0.9 they zigzag across
#   it and settle, with 1.05 they zigzag further out and climb
curve_w = torch.linspace(-2.5, 8.5, 200)
fig, axes = plt.subplots(2, 2, figsize=(8, 5.4), sharey=True)
for ax, lr in zip(axes.flat, (0.05, 0.3, 0.9, 1.05), strict=True):
    path = torch.tensor(descend(lr))
    ax.plot(curve_w, (curve_w - 3) ** 2, color="#adb5bd")
    ax.plot(path, (path - 3) ** 2, "o-", color="#e8590c", markersize=4, linewidth=1)
    ax.plot(path[0], (path[0] - 3) ** 2, "s", color="black", label="start")
    ax.set_title(f"learning rate {lr}")
    ax.set_ylim(-2, 45)
for ax in axes[1]:
    ax.set_xlabel("w")
for ax in axes[:, 0]:
    ax.set_ylabel("loss (w - 3)²")
axes[0, 0].legend(loc="upper right")
plt.tight_layout()
plt.show()

# %% [markdown]
# The four walks are the four behaviours I will keep meeting:
#
# - **too small** (0.05): every step is safe, but after twelve steps it is still far
#   from the bottom;
# - **about right** (0.3): it slides in quickly;
# - **large** (0.9): it jumps over the minimum and back, zigzagging, and gets there
#   only because each overshoot is a little smaller than the last;
# - **too large** (1.05): each jump overshoots by more than it started with, and the
#   walk climbs out of the valley. The loss grows without end.
#
# For this parabola the derivative is $2(w - 3)$, so one step multiplies the distance
# to the minimum by $1 - 2\eta$: anything above $\eta = 1$ diverges. Real losses give
# no such formula, which is why the learning rate is the first thing to tune.
#
# <details class="question"><summary>Predict: and with a learning rate of exactly 1.0,
# starting from w = -1?</summary>
#
# It never settles and never runs away. One step multiplies the distance to 3 by
# $1 - 2 \cdot 1 = -1$: the same distance, on the other side. From -1 (4 below the
# minimum) it jumps to 7 (4 above), then back to -1, forever.
#
# </details>

# %%
print(descend(1.0)[:6])
#
# ## Gradients accumulate, so zero them
#
# The line `w.grad = None` above matters more than it looks. `backward()` does not
# *store* the gradient in `.grad`; it *adds* to whatever is there.
#
# <details class="question"><summary>Predict: w = 1 and the loss (w - 3)², computed
# and backpropagated three times in a row, without touching w. What is
# <code>w.grad</code> after each <code>backward()</code>?</summary>
#
# -4, then -8, then -12. The derivative is $2(w - 3) = -4$ each time, and each call
# adds it to what `.grad` already holds.
#
# </details>

# %%
w = torch.tensor(1.0, requires_grad=True)
for attempt in range(3):
    loss = (w - 3) ** 2
    loss.backward()
    print(f"after backward #{attempt + 1}: w.grad = {w.grad.item()}")

# %% [markdown]
# The true derivative at w = 1 is $2(1 - 3) = -4$ every time, but `.grad` holds the
# running total. Why would anyone want that? Not for a weight used in several places:
# within one backward pass, autograd already adds up the contributions of every use.

# %%
w = torch.tensor(1.0, requires_grad=True)
(2 * w + 3 * w).backward()  # w used twice in one graph
print("one backward, w used twice:", w.grad.item())

# %% [markdown]
# One call, and `.grad` is 2 + 3 = 5. Adding up across calls is for something else:
# a batch too big to go through the network at once. I split it into pieces (often
# called micro-batches), run forward and backward on each, and let `.grad` collect the
# sum. With each piece's loss divided by the number of pieces, the sum is exactly the
# gradient of the whole batch's mean loss:

# %%
xs4 = torch.tensor([1.0, 2.0, 3.0, 4.0])
ys4 = torch.tensor([2.0, 3.0, 7.0, 9.0])
w = torch.tensor(1.0, requires_grad=True)
((w * xs4 - ys4) ** 2).mean().backward()
print("whole batch at once:  ", w.grad.item())

w.grad = None
for piece_x, piece_y in zip(xs4.split(2), ys4.split(2), strict=True):
    (((w * piece_x - piece_y) ** 2).mean() / 2).backward()  # adds to w.grad
print("two pieces, two calls:", w.grad.item())

# %% [markdown]
# Two losses, two `backward()` calls, and `.grad` holds the gradient of their sum, the
# same as one `backward()` on the sum: the same goes for a model trained on several
# losses at once. But between two steps of gradient descent, the old gradient belongs
# to the old weights.
# So after every update the gradient must be reset, either to None (`w.grad = None`)
# or to zeros (`w.grad.zero_()`); the optimisers of `torch.optim` call this
# `zero_grad()`.

# %%
w.grad = None
((w - 3) ** 2).backward()
print("after resetting, one backward gives", w.grad.item())

# %% [markdown]
# ## torch.no_grad() and detach()
#
# Recording the graph costs memory and time, and sometimes I do not want it: for the
# weight update above, or when I only evaluate a trained model. Inside a
# `torch.no_grad()` block nothing is recorded, and results do not require gradients.
# `detach()` is the per-tensor version: it returns the same numbers (sharing memory)
# cut off from the graph, so gradients do not flow back through it.

# %%
a = torch.tensor(2.0, requires_grad=True)
with torch.no_grad():
    b = a * 3
print("inside no_grad:", b.requires_grad, b.grad_fn)

c = a * 3
print("outside:", c.requires_grad, c.grad_fn)
print("detached:", c.detach().requires_grad, c.detach().grad_fn)

# %% [markdown]
# <details class="question"><summary>Predict: with a = 2, what does autograd give as
# the derivative of <code>a * a.detach()</code>?</summary>
#
# 2, not $2a = 4$. The detached factor is a constant to autograd, so it sees $a \cdot
# c$ with $c = 2$, whose derivative is $c = 2$. The value is still $a^2 = 4$.
#
# </details>

# %%
y = a * a.detach()
y.backward()
print("value", y.item(), " d(a * a.detach())/da =", a.grad.item(), " 2a =", 2 * a.item())

# %% [markdown]
# `detach()` is also the way out to the rest of Python: a tensor that requires
# gradients refuses `.numpy()`, and `t.detach().numpy()` is the usual fix (after
# `.cpu()` for a tensor on a GPU).
#
# ## Fitting a line by gradient descent
#
# Time to find parameters from data, with the loop of lesson 1; autograd now does
# the two boxes on the bottom row, which I had to estimate by nudging there:

# %% tags=["plot"]
# alt: The training loop diagram again, with the gradients and the update boxes highlighted: the two
#   steps autograd now does
training_loop({"gradients", "update"})
plt.show()

# %% [markdown]
# I made 40 noisy points along the line $y = 2x - 1$ and pretended not to know the
# line. The model is $\hat y = wx + b$, and
# the loss is the **mean squared error**, the average of the squared vertical
# distances between the points and the line:
#
# $$L(w, b) = \frac{1}{N} \sum_{i=1}^{N} (w x_i + b - y_i)^2.$$

# %%
points_x = torch.linspace(-2, 2, 40)
points_y = 2 * points_x - 1 + 0.4 * torch.randn(40)

w = torch.tensor(0.0, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
lr = 0.1
history = [(w.item(), b.item(), None)]
for step in range(60):
    loss = ((w * points_x + b - points_y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad = None
    b.grad = None
    history.append((w.item(), b.item(), loss.item()))
    if step % 10 == 0:
        print(f"step {step:2}: loss {loss.item():.4f}  w {w.item():.3f}  b {b.item():.3f}")
print(f"final:   w = {w.item():.3f}, b = {b.item():.3f}")

# %% [markdown]
# The loss falls and w and b settle near 2 and -1; not exactly, because the noise
# pulls the best line a little away from the one I used to make the points. The best
# line for these points also has a closed-form answer, and gradient descent agrees
# with it:

# %%
dx, dy = points_x - points_x.mean(), points_y - points_y.mean()
best_w = (dx * dy).sum() / (dx * dx).sum()
best_b = points_y.mean() - best_w * points_x.mean()
print(f"least squares: w = {best_w.item():.3f}, b = {best_b.item():.3f}")

# %% [markdown]
# The loss is a function of two numbers, so I can draw it as a landscape over the
# (w, b) plane and watch the walk go down it. On the right, the same walk as lines
# through the data:

# %% tags=["plot"]
# alt: Left: the mean squared error over w and b as a coloured surface, with the path of gradient
#   descent from its start to the least-squares point. Right: the data points with the fitted line
#   after 0, 2, 5, 10 and 60 steps
ws = torch.linspace(-0.5, 3.5, 161)
bs = torch.linspace(-2.5, 1.0, 141)
grid_w, grid_b = torch.meshgrid(ws, bs, indexing="xy")
surface = ((grid_w[..., None] * points_x + grid_b[..., None] - points_y) ** 2).mean(dim=-1)
path_w = [h[0] for h in history]
path_b = [h[1] for h in history]

fig, (left, right) = plt.subplots(1, 2, figsize=(8.1, 3.6))
filled = left.contourf(grid_w, grid_b, surface, levels=30, cmap="viridis")
fig.colorbar(filled, ax=left, label="mean squared error")
left.plot(path_w, path_b, "o-", color="#ff922b", markersize=3, linewidth=1.2)
left.plot(path_w[0], path_b[0], "s", color="white", markeredgecolor="black", label="start")
left.plot(best_w, best_b, "*", color="white", markersize=14, markeredgecolor="black",
          label="least squares")  # fmt: skip
left.set_xlabel("w")
left.set_ylabel("b")
left.set_title("gradient descent on the loss surface")
left.legend(loc="lower right")

right.scatter(points_x, points_y, s=14, color="#495057", label="data")
line_x = torch.tensor([-2.0, 2.0])
for step in (0, 2, 5, 10, 60):
    w_at, b_at, _ = history[step]
    right.plot(line_x, w_at * line_x + b_at, alpha=0.35 + 0.65 * step / 60,
               color="#e8590c", label=f"after {step} steps")  # fmt: skip
right.set_xlabel("x")
right.set_ylabel("y")
right.set_title("the line after some steps")
right.legend(fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# Here the bowl is nearly round (the x values are centred on 0, so w and b hardly
# interact), and the walk heads almost straight for the bottom. Its steps are long
# where the slope is steep and shrink as the ground flattens out: the step is the
# learning rate times the gradient, so gradient descent slows down by itself near a
# minimum. With x values far from 0 the bowl would be a long, tilted valley, and the
# walk would curve: gradient descent goes straight downhill from where it stands, which
# is not always straight towards the minimum, and a learning rate that suits the steep
# walls can be far too large or too small along the valley floor. One exercise packs
# this loop into `fit_line`, with the update and the reset in a reusable `sgd_step`.
#
# ## Writing your own autograd Function
#
# Autograd knows the derivative of every operation PyTorch ships. Sometimes I want an
# operation it does not know, or I want to compute a derivative in a cheaper or more
# stable way than autograd would. Then I write a `torch.autograd.Function` with two
# static methods:
#
# - `forward(ctx, ...)` computes the result from ordinary tensors (nothing is recorded
#   inside it) and keeps whatever backward will need with `ctx.save_for_backward`;
# - `backward(ctx, grad_output)` receives $\partial L / \partial \text{output}$, the
#   gradient of the final loss with respect to this operation's output, and returns
#   $\partial L / \partial \text{input}$ for each input, in order. By the chain rule
#   that is grad_output times the local derivative, written out by hand.
#
# My example is the exponential, whose derivative is itself: $\frac{d}{dx} e^x = e^x$.
# So forward can save its own result and backward reuses it without computing `exp`
# again.


# %%
class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result  # chain rule: dL/dx = dL/d(exp x) * exp(x)


x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
out = Exp.apply(x)  # a Function is used through .apply, never called directly
out.sum().backward()
print(out.grad_fn)
print("my gradient:  ", x.grad)
print("torch.exp's:  ", torch.exp(x.detach()))

# %% [markdown]
# A hand-written backward is easy to get wrong, so PyTorch provides
# `torch.autograd.gradcheck`. It compares my backward with central differences of my
# forward, for every input element, and it wants float64 inputs because in float32 the
# differences would be too imprecise to judge. To see that it really catches
# mistakes, I also wrote a broken version that forgets the chain rule and ignores
# grad_output:


# %%
class BrokenExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return result  # forgot to multiply by grad_output


x64 = torch.randn(4, dtype=torch.float64, requires_grad=True)
print("Exp passes gradcheck:      ", torch.autograd.gradcheck(Exp.apply, (x64,)))
print("BrokenExp passes gradcheck:",
      torch.autograd.gradcheck(BrokenExp.apply, (x64,), raise_exception=False))  # fmt: skip

# %% [markdown]
# The same recipe works for operations with several inputs: backward then returns one
# gradient per input of forward, and each gradient has exactly the shape of its input.
#
# ### Working a layer's backward by hand
#
# Before the exercise, I worked through the backward of a layer computing
# `x @ weight.T + bias` on the smallest example that shows everything: one input row
# with 3 numbers, a weight of shape (2, 3), 2 outputs. Written out, output $j$ is
#
# $$y_j = \sum_i W_{ji}\, x_i + b_j .$$
#
# To know what backward receives, I made the loss $L = \sum_j g_j y_j$ for numbers
# $g_j$ of my choice: then $\partial L / \partial y_j = g_j$, so `grad_output` is
# exactly g. The chain rule, one entry at a time:
#
# - $b_j$ only appears in $y_j$, with slope 1: $\partial L / \partial b_j = g_j$;
# - $W_{ji}$ only appears in $y_j$, multiplied by $x_i$: $\partial L / \partial W_{ji}
#   = g_j x_i$;
# - $x_i$ appears in every output, multiplied by $W_{ji}$ in $y_j$, and the uses add
#   up: $\partial L / \partial x_i = \sum_j g_j W_{ji}$.
#
# <details class="question"><summary>Predict: before the numbers, what shape must the
# gradient for <code>weight</code> have, and how many numbers does the gradient for
# <code>x</code> hold?</summary>
#
# The weight's gradient has the weight's shape, (2, 3): one number per weight, 6 in
# all. The gradient for x has x's shape, (1, 3): 3 numbers, one per input, each a sum
# over the 2 outputs.
#
# </details>
#
# Here are those three formulas computed with plain loops, next to what autograd finds
# for the same layer:

# %%
x1 = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)  # (1, 3): one row, in = 3
W = torch.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]], requires_grad=True)  # (2, 3)
bias = torch.tensor([0.5, -1.0], requires_grad=True)  # (2,)
g = torch.tensor([[1.0, -2.0]])  # the grad_output I chose, (1, 2)
(g * (x1 @ W.T + bias)).sum().backward()

by_hand_b = [g[0, j].item() for j in range(2)]
by_hand_W = [[g[0, j].item() * x1[0, i].item() for i in range(3)] for j in range(2)]
by_hand_x = [sum(g[0, j].item() * W[j, i].item() for j in range(2)) for i in range(3)]
print("bias:  ", by_hand_b, "autograd", bias.grad.tolist())
print("weight:", by_hand_W, "autograd", W.grad.tolist())
print("x:     ", by_hand_x, "autograd", x1.grad.tolist())

# %% [markdown]
# They agree. With a batch of N rows, each row makes its own outputs and its own terms
# of exactly this form, and since every row uses the same weights and biases, their
# contributions add up over the rows (autograd's "several uses" again). The exercise
# asks for the three gradients of a whole batch as tensor operations; the shape rule is
# my best check: x (N, in), weight (out, in), bias (out,), and grad_output (N, out).
#
# ## What I have now
#
# With `requires_grad=True`, PyTorch records a graph as my code runs, and one call to
# `backward()` fills `.grad` of every leaf with the derivative of the result. The
# gradient points uphill, so `w -= lr * w.grad` (under `torch.no_grad()`, then a reset
# of the gradient) walks downhill, and repeating that fits a line to data. When I need
# an operation of my own, a `torch.autograd.Function` with a hand-written backward
# plugs into the same machinery, and `gradcheck` tells me whether I got it right.
#
# The line had two parameters. The next lesson stacks whole layers of them with
# `torch.nn`, and I want to see whether the same loop, forward, loss, backward, step,
# still works when there are thousands.
#
# ## Exercises
#
# The exercises live in `exercises/lesson3/autograd.py`:
#
# - `gradients(f, *xs)`: the partial derivatives of f at a point, from autograd (see
#   "Asking PyTorch for a gradient"); `gradients(lambda x, y: x * x * y, 2.0, 3.0)`
#   must give `(12.0, 4.0)`.
# - `sgd_step(params, lr)`: one in-place step of gradient descent that autograd does
#   not record, followed by a reset of the gradients (see "Taking a step downhill").
# - `fit_line(xs, ys, lr, steps)`: the loop of "Fitting a line by gradient descent",
#   as a function that returns w and b.
# - `Sigmoid` and `Linear`: two `torch.autograd.Function`s with backward written by
#   hand (see "Writing your own autograd Function"), checked with `gradcheck` and on
#   every available device.
#

# %% [markdown]
# ## Credits and further reading
#
# The ideas here are the standard ones; the examples, words and code on this page are
# our own. For more depth:
#
# - The PyTorch documentation: [a gentle introduction to
#   torch.autograd](https://docs.pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html),
#   [autograd mechanics](https://docs.pytorch.org/docs/stable/notes/autograd.html) and
#   [extending torch.autograd](https://docs.pytorch.org/docs/stable/notes/extending.html)
#   (custom Functions, `ctx`, `gradcheck`).
# - 3Blue1Brown, [Neural networks](https://www.3blue1brown.com/topics/neural-networks):
#   the chapters on gradient descent and backpropagation draw what this page computes.
# - Andrej Karpathy, [micrograd](https://github.com/karpathy/micrograd) and the video
#   [The spelled-out intro to neural networks and
#   backpropagation](https://www.youtube.com/watch?v=VMj-3S1tku0): autograd built
#   from scratch in a page of Python; lesson 5 of this course does the same.
