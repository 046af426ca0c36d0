# %% [markdown]
# # Lesson 4: Neural networks with torch.nn
#
# Lesson 3 ended with a line fitted by gradient descent: two numbers, w and b, each
# with a `.grad`, and a loop of forward, loss, backward, step. A real network has
# thousands of such numbers, arranged in layers, and I do not want to create and
# update each one by hand. PyTorch's `torch.nn` package is made for exactly that: it
# keeps the parameters of whole layers together, and `torch.optim` updates all of
# them in one line.
#
# Today's plan: find out what an `nn.Module` is and what `nn.Linear` computes; stack
# layers with a ReLU between them and convince myself why the ReLU has to be there;
# look at the functional side of the package (activations, losses, pooling, batch
# norm, dropout); write a training loop and run it for real on a data set that a
# straight line cannot separate; move the work to a GPU when there is one; train an
# MLP and a small convolutional network on real handwritten digits, with the tools
# PyTorch has for feeding data, measuring on held-out data and saving a model; and end
# with a quick tour of the other famous architectures and what each is good at.
# Every output and figure below was produced by the code above it when this page
# was built.
#
# Now and then I stop at a question marked "Predict", before the code that answers
# it. Try to answer it yourself first, then open it to compare with my answer.

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from matplotlib_inline.backend_inline import set_matplotlib_formats
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

from grader.datasets import two_moons

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
torch.set_num_threads(1)  # every tensor on this page is tiny: one thread is quickest
print(torch.__version__)

# %% [markdown]
# ## nn.Module and nn.Linear
#
# The layer I met in lesson 1, where every output neuron sees every input, is
# `nn.Linear` in PyTorch. I ask for one with 3 inputs and 2 outputs and look inside.
#
# <details class="question"><summary>Predict: <code>nn.Linear(3, 2)</code> takes 3
# numbers in and gives 2 out. Is its weight matrix of shape (3, 2) or (2, 3)?</summary>
#
# (2, 3): one row per output neuron, each row holding that neuron's 3 weights. That
# is why the layer multiplies a batch by `weight.T`, as the next cell checks.
#
# </details>

# %%
layer = nn.Linear(3, 2)
for name, p in layer.named_parameters():
    print(f"{name:6} shape={tuple(p.shape)}  requires_grad={p.requires_grad}")

# %% [markdown]
# A weight matrix with one row per output neuron (2 rows of 3 weights) and one bias
# per output neuron, both already marked `requires_grad`, both already filled with
# small random numbers. What does it compute? My guess from lesson 3's `Linear`
# exercise is `x @ weight.T + bias`, applied to every row of a batch. Checking:

# %%
x = torch.randn(4, 3)  # a batch of 4 samples with 3 features each
by_hand = x @ layer.weight.T + layer.bias
print(layer(x).shape)
print(torch.allclose(layer(x), by_hand))

# %% [markdown]
# So `nn.Linear` is nothing more than the weighted sums of lesson 1, done for a whole
# batch in one matrix product. What makes it useful is what it *is*: an `nn.Module`.
# A module is a Python class with two parts, an `__init__` that creates the
# parameters (or the smaller modules it is made of) and a `forward` that says what to
# compute. I never call `forward` myself; calling the module, `layer(x)`, runs it.
#
# My own modules work the same way. Here is a two-layer network written as a class.
# The interesting line is the one I did not write: I never told it which tensors are
# parameters. Assigning a module as an attribute in `__init__` is enough for PyTorch
# to find it, and everything inside it.


# %%
class TwoLayers(nn.Module):
    def __init__(self):
        super().__init__()  # sets up the bookkeeping; always the first line
        self.hidden = nn.Linear(3, 4)
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


net = TwoLayers()
print(net)
print("parameters:", [tuple(p.shape) for p in net.parameters()])
print("how many numbers:", sum(p.numel() for p in net.parameters()))

# %% [markdown]
# 3·4 + 4 weights and biases in the first layer, 4·2 + 2 in the second: 26, the same
# count as lesson 1's `count_parameters([3, 4, 2])`. `net.parameters()` is what I
# will hand to an optimiser later, so it matters that every layer shows up there. It
# would not if I kept the layers in a plain Python list: PyTorch looks for modules
# among the attributes, not inside lists. (`nn.ModuleList` and `nn.Sequential` are the
# lists it does look inside.)
#
# ## Stacking layers
#
# Most small networks are a chain: layer, activation, layer, activation, ..., layer.
# `nn.Sequential` builds such a chain from its parts and calls them in order, so I do
# not even need a class:

# %%
chain = nn.Sequential(
    nn.Linear(2, 16),
    nn.ReLU(),
    nn.Linear(16, 16),
    nn.ReLU(),
    nn.Linear(16, 2),
)
print(chain)
print(chain(torch.randn(5, 2)).shape)

# %% [markdown]
# Two rules for the chain, and I want to understand both.
#
# **There has to be an activation between two Linear layers.** Without it, two layers
# are no better than one: $W_2(W_1x + b_1) + b_2 = (W_2W_1)x + (W_2b_1 + b_2)$, which
# is again a single linear layer with weight $W_2W_1$. I can check that by folding two
# layers into one and comparing:

# %%
first, second = nn.Linear(2, 16), nn.Linear(16, 2)
folded = nn.Linear(2, 2)
with torch.no_grad():
    folded.weight.copy_(second.weight @ first.weight)
    folded.bias.copy_(second.weight @ first.bias + second.bias)

x = torch.randn(6, 2)
print(torch.allclose(second(first(x)), folded(x), atol=1e-6))

# %% [markdown]
# However many linear layers I stack, the result can only draw straight lines (flat
# planes, in more dimensions) through the data. The activation in between is what
# lets the network bend.
#
# **There is no activation after the last layer.** The outputs are scores, one per
# class, and a score must be free to be any number: the loss functions below take
# raw scores, called **logits**, and do the squashing themselves. A ReLU at the end
# would forbid every negative score, and a network whose scores are all stuck at 0
# cannot even say which class it prefers.
#
# The exercise `MLP` (multi-layer perceptron, the traditional name of this chain)
# builds the chain for any list of hidden widths: `MLP(2, [16, 16], 2)` is the
# `chain` above.
#
# ## Why ReLU between the layers
#
# In lesson 1 I met three activations: the step, the sigmoid and ReLU. The step is
# not among `torch.nn`'s activations (PyTorch has it only as a plain function,
# `torch.heaviside`), and for a good reason: its slope is 0 everywhere except at 0,
# where it has none, so no gradient ever flows through it. The sigmoid is
# `torch.sigmoid` and ReLU is `F.relu`. Two relatives are worth meeting here: **tanh**,
# an S-curve like the sigmoid but from -1 to 1 and centred on 0, and **leaky ReLU**,
# which lets a little of the negative side through. Here they are with their slopes,
# which I get from autograd rather than by hand:

# %% tags=["plot"]
# alt: Four panels, one per activation (relu, sigmoid, tanh and leaky ReLU), each showing the
#   function f(z) and its slope f'(z) for z from -5 to 5
z = torch.linspace(-5, 5, 201, requires_grad=True)
activations = {
    "relu": F.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "leaky_relu (0.1)": lambda t: F.leaky_relu(t, 0.1),
}
fig, axes = plt.subplots(2, 2, figsize=(7, 5), sharex=True, sharey=True)
for ax, (name, fn) in zip(axes.flat, activations.items(), strict=True):
    out = fn(z)
    (slope,) = torch.autograd.grad(out.sum(), z)
    ax.plot(z.detach(), out.detach(), label="f(z)")
    ax.plot(z.detach(), slope, "--", label="slope f'(z)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_title(name)
for ax in axes[1]:
    ax.set_xlabel("z")
axes[0, 0].legend(loc="upper left")
axes[0, 0].set_ylim(-1.5, 3)
plt.tight_layout()
plt.show()

# %% [markdown]
# The dashed lines are the ones that matter for training. Backpropagation multiplies
# the slope of every activation the signal passed through, one factor per layer.
#
# - The sigmoid's slope is never above 1/4, and it is almost 0 as soon as |z| is a
#   few units: the sigmoid **saturates**. Through ten sigmoid layers, their slopes
#   alone shrink the gradient by a factor of at least $4^{10}$, about a million.
# - tanh is better (its slope reaches 1 at z = 0) but it saturates just the same on
#   both sides.
# - ReLU's slope is exactly 1 wherever the neuron is active and 0 elsewhere. On an
#   active path the activation itself takes nothing away from the gradient. The
#   weights on the path still do their part: every layer multiplies the gradient by
#   its weight matrix on the way back, which can shrink it or grow it.
#
# A gradient that shrinks layer after layer until the first layers barely learn is
# called a **vanishing gradient**; one that grows out of bounds, an exploding
# gradient. To see whether this matters in practice, I built stacks of 1 to 30 layers of
# width 64, each with its activation and the initialisation meant for it (Xavier for
# sigmoid and tanh, He for ReLU), and measured how big the gradient of the very first
# layer's weights is after one backward pass:


# %%
def first_layer_gradient(activation, depth, init, width=64):
    layers = [nn.Linear(width, width) for _ in range(depth)]
    for layer in layers:
        init(layer.weight)
        nn.init.zeros_(layer.bias)
    h = torch.randn(256, width)
    for layer in layers:
        h = activation(layer(h))
    h.pow(2).mean().backward()
    return layers[0].weight.grad.norm().item()


def he(w):
    return nn.init.kaiming_normal_(w, nonlinearity="relu")


depths = [1, 2, 5, 10, 20, 30]
setups = {
    "sigmoid": (torch.sigmoid, nn.init.xavier_normal_),
    "tanh": (torch.tanh, nn.init.xavier_normal_),
    "relu": (F.relu, he),
}
sizes = {}
for name, (activation, init) in setups.items():
    sizes[name] = [first_layer_gradient(activation, d, init) for d in depths]
    print(f"{name:8}", " ".join(f"{s:.0e}" for s in sizes[name]))
relu_20, relu_30 = sizes["relu"][depths.index(20)], sizes["relu"][depths.index(30)]
print(f"ReLU, from 20 to 30 layers: the gradient changed by a factor of {relu_30 / relu_20:.2g}")

# %% tags=["plot"]
# alt: Gradient size at the first layer against the number of layers, on a log scale, one line per
#   combination of activation and initialisation
plt.figure(figsize=(6, 3.2))
for name, curve in sizes.items():
    plt.semilogy(depths, curve, "o-", label=name)
plt.xlabel("number of layers")
plt.ylabel("gradient size, first layer")
plt.legend()
plt.show()

# %% [markdown]
# The sigmoid stack loses a factor of about four per layer, and after a few dozen
# layers the first layer's gradient is so small that the layer simply never learns:
# the vanishing gradient in its purest form. tanh and ReLU hold up far better here,
# though only thanks to the careful initialisation (with PyTorch's default one, my
# ReLU stack shrank too). They are not immune either. The ReLU numbers jump up and
# down from one depth to the next, by the factor printed above between 20 and 30
# layers: each depth is a new draw of random weights, and each layer's weights
# multiply the gradient by a factor of their own. He initialisation only makes that
# factor right *on average*. ReLU has two more points in its
# favour: it cannot saturate on the positive side, and it is the cheapest function
# imaginable, a comparison with zero. That is why it is the default choice between
# layers. Its weak spot is the flat side: a neuron whose input
# is negative for every sample gets no gradient at all and can stay "dead", which is
# what leaky ReLU's small negative slope is for (lesson 6 kills a whole layer that
# way).
#
# ## The functional API
#
# I have been using two spellings of the same thing: `nn.ReLU()`, a module, and
# `F.relu`, a plain function from `torch.nn.functional`. Modules are handy inside
# `nn.Sequential`; functions are handy inside a `forward` I write myself. For anything
# without parameters they compute the same:

# %%
t = torch.tensor([-2.0, -0.5, 0.0, 1.5])
print("F.relu       ", F.relu(t))
print("nn.ReLU()    ", nn.ReLU()(t))
print("F.leaky_relu ", F.leaky_relu(t, negative_slope=0.1))
print("sigmoid      ", torch.sigmoid(t))
print("tanh         ", torch.tanh(t))

# %% [markdown]
# The same module holds the other building blocks I will meet again and again.
#
# **Pooling** shrinks an image by summarising each small window, here 2 × 2 windows
# of a 4 × 4 picture, by their largest value or their mean:

# %%
picture = torch.arange(16.0).view(1, 1, 4, 4)  # (batch, channels, height, width)
print(picture[0, 0])
print("max pool:\n", F.max_pool2d(picture, kernel_size=2)[0, 0])
print("average pool:\n", F.avg_pool2d(picture, kernel_size=2)[0, 0])

# %% [markdown]
# **Batch normalisation** rescales each feature so that, over the batch, it has mean
# 0 and standard deviation 1, then lets the network learn a better scale and shift.
# It keeps the numbers flowing between layers in a sensible range. It behaves
# differently in training (statistics of the current batch) and in evaluation
# (running averages it collected during training):

# %%
bn = nn.BatchNorm1d(3)
features = torch.randn(64, 3) * torch.tensor([1.0, 10.0, 100.0]) + 50
with torch.no_grad():
    normed = bn(features)  # a module in training mode: this batch's own statistics
for name, f in (("before", features), ("after ", normed)):
    means = " ".join(f"{round(v, 1) + 0.0:6.1f}" for v in f.mean(0).tolist())  # no -0.0
    stds = " ".join(f"{v:6.1f}" for v in f.std(0, correction=0).tolist())
    print(f"{name}: mean {means}   std {stds}")

# %% [markdown]
# **Dropout** fights overfitting by switching off a random part of the neurons at
# each training step (and scaling the survivors up so the expected sum stays the
# same). At evaluation time it does nothing. Whether the "training" or the
# "evaluation" behaviour applies is a switch on the module, `model.train()` or
# `model.eval()`, which reaches every submodule. With p = 0.5, the survivors are
# scaled by 1 / (1 - p) = 2:

# %%
drop = nn.Dropout(p=0.5)
ones = torch.ones(1000)
drop.train()
dropped = drop(ones)
print("training:  ", dropped[:10], f"... {(dropped == 0).float().mean():.0%} switched off")
drop.eval()
print("evaluation:", drop(ones)[:10], "...")

# %% [markdown]
# Finally, the **losses**, which get a section of their own.
#
# ## Losses
#
# A loss turns "how wrong is the network" into one number that backward can start
# from. Which one depends on the question the network answers.
#
# For **regression**, where the outputs are numbers to hit (a price, a temperature),
# the usual choice is the mean squared error, `F.mse_loss`: the average of the
# squared differences. Big misses cost much more than small ones.

# %%
pred = torch.tensor([2.5, 0.0, 2.0])
target = torch.tensor([3.0, -0.5, 2.0])
print(F.mse_loss(pred, target), ((pred - target) ** 2).mean())

# %% [markdown]
# For **classification**, the outputs are logits, one per class, and the target is
# the index of the right class. Softmax turns a row of logits into probabilities,
# $p_k = e^{z_k} / \sum_j e^{z_j}$, and the **cross-entropy** is minus the log of the
# probability the network gave to the right class: 0 when it was sure and right, huge
# when it was sure and wrong. `F.cross_entropy` averages that over the batch:

# %%
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
classes = torch.tensor([0, 1])  # right class of row 0 is 0, of row 1 is 1
probs = torch.softmax(logits, dim=1)
print(probs)
print("by hand:        ", -(probs[0, 0].log() + probs[1, 1].log()) / 2)
print("F.cross_entropy:", F.cross_entropy(logits, classes))

# %% [markdown]
# Row 0 gave its right class a probability of 0.79 and costs little; row 1 gave it
# 0.05 and costs a lot. One thing to notice: `F.cross_entropy` wants the **logits**,
# not the probabilities. That is the reason for the "no activation after the last
# layer" rule, and it is also what lets the loss be computed safely. Writing the
# formula down directly breaks as soon as the logits are large, which happens easily
# in a confident network:

# %%
big = torch.tensor([1000.0, 1000.0])
print("exp(1000) =", big.exp())
print("log(sum(exp(z))) directly:", big.exp().sum().log())
one_wins = torch.tensor([1000.0, 0.0])
print("log of softmax when one class wins by a mile:", torch.softmax(one_wins, dim=0).log())

# %% [markdown]
# `exp(1000)` is far beyond the largest float32 (about 3.4e38), so it becomes `inf`,
# and the log of a probability that rounded to 0 is `-inf`. The way out is the one
# lesson 2 used for a stable softmax: subtracting the same number $m$ from every
# logit of a row changes nothing, because
# $\log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m}$. With $m$ the row's maximum,
# every exponent is at most 0, so nothing overflows, and the largest term is exactly
# 1, so the sum never rounds to 0 either. That is the **log-sum-exp trick**, and with
# it the log-probabilities come straight out, without taking the log of a softmax:
# $\log p_k = z_k - \log \sum_j e^{z_j}$.
#
# <details class="question"><summary>Predict: the logits are <code>[1000, 0]</code>.
# What cross-entropy does <code>F.cross_entropy</code> give when the right class is 0,
# and when it is 1?</summary>
#
# 0 and 1000. With the trick, $\log \sum_j e^{z_j}$ is $1000 + \log(1 + e^{-1000})$,
# which is 1000 in float32, so $-\log p_0 = 1000 - 1000 = 0$ and
# $-\log p_1 = 1000 - 0 = 1000$: a finite loss, no `inf`.
#
# </details>

# %%
m = big.max()
print("log-sum-exp, shifted:", m + (big - m).exp().sum().log())  # 1000 + log 2
wide = one_wins.unsqueeze(0)  # a batch of one row: [[1000, 0]]
print("right class 0:", F.cross_entropy(wide, torch.tensor([0])))
print("right class 1:", F.cross_entropy(wide, torch.tensor([1])))

# %% [markdown]
# Lesson 1 wrote the target of a photo of a human as `[0, 0, 1]`: a 1 at the right
# class and 0 elsewhere, a **one-hot** vector. `F.cross_entropy` takes the position of
# that 1 instead, the **class index** (2 for the human), which is shorter and says the
# same. The two forms convert into each other, and the loss is the same either way:
# with a one-hot target, the sum of target times log-probability keeps exactly one
# term, the right class's.

# %%
onehot = F.one_hot(classes, num_classes=3).float()
print(onehot)
print("index of the 1 in each row:", onehot.argmax(dim=1))
print("with the one-hot rows:", -(onehot * F.log_softmax(logits, dim=1)).sum(dim=1).mean())
print("F.cross_entropy also takes them as targets:", F.cross_entropy(logits, onehot))

# %% [markdown]
# **Two classes, one logit.** For a yes/no question two logits are one too many: only
# their difference matters to the softmax. The usual way is a single logit $z$, with
# probability $\sigma(z)$ for "yes" (the sigmoid of lesson 1), and the **binary
# cross-entropy** as the loss: $-\log \sigma(z)$ when the answer is yes, and
# $-\log(1 - \sigma(z))$ when it is no. `nn.BCEWithLogitsLoss` computes it from the
# raw logit, stably, the way `F.cross_entropy` does; its targets are floats, 0.0 or 1.0.
#
# <details class="question"><summary>Predict: the softmax of the two logits $[0, z]$
# gives class 1 the probability $e^z / (1 + e^z)$. Is the binary cross-entropy of $z$
# the same number as the cross-entropy of the pair $[0, z]$?</summary>
#
# Yes: $e^z / (1 + e^z) = 1 / (1 + e^{-z}) = \sigma(z)$, so both losses take minus the
# log of the same probability. One logit with `BCEWithLogitsLoss` is a two-class
# softmax with the first logit pinned at 0.
#
# </details>

# %%
z = torch.tensor([2.0, -1.0, 0.5])
answer = torch.tensor([1.0, 0.0, 0.0])  # yes, no, no: floats for BCEWithLogitsLoss
pairs = torch.stack([torch.zeros(3), z], dim=1)  # rows [0, z]
print("BCEWithLogitsLoss:     ", nn.BCEWithLogitsLoss()(z, answer))
print("cross-entropy of [0, z]:", F.cross_entropy(pairs, answer.long()))

# %% [markdown]
# In the exercises I write `mse_loss` and `cross_entropy` myself from these
# primitives, for whole batches, and the tests compare them with `F.mse_loss` and
# `F.cross_entropy`, logits of ±1000 included.
#
# ## The training loop
#
# Time for a real run. The data set is "two moons": two interleaving half circles of
# points, one per class, generated by the course's own `two_moons` function (the
# same points on every machine). No straight line separates them, so a network
# without hidden layers cannot get them all right; it is a good first test of
# whether the ReLUs earn their place.

# %%
points, labels = two_moons(n=200, noise=0.1, seed=0)
X = torch.tensor(points)  # (200, 2) float32
y = torch.tensor(labels)  # (200,) int64 class indices: 0 or 1
print(X.shape, X.dtype, y.shape, y.dtype)

# %% tags=["plot"]
# alt: Two interleaving half-moons of 200 points: class 0 above, class 1 below
plt.figure(figsize=(5, 3.2))
plt.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=14, edgecolors="k", linewidths=0.3)
plt.title("two moons: class 0 above, class 1 below")
plt.show()

# %% [markdown]
# The loop is the one from lesson 3 with two upgrades. First, `torch.optim.SGD`
# replaces my hand-written update: it holds the parameters it should move,
# `optimizer.zero_grad()` clears their gradients and `optimizer.step()` does
# `p -= lr * p.grad` for every one of them. Second, **mini-batches**: instead of the
# whole data set, each step looks at 32 random points. An **epoch** is one pass over
# the data, so at every epoch I shuffle the indices and walk through them 32 at a
# time. Each step is cheaper, there are more of them, and the randomness of the
# batches does no harm here (lesson 6 compares the two ways for the same work).

# %%
torch.manual_seed(0)
model = nn.Sequential(
    nn.Linear(2, 32),
    nn.ReLU(),
    nn.Linear(32, 32),
    nn.ReLU(),
    nn.Linear(32, 2),
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
shuffler = torch.Generator().manual_seed(0)

history = []
for _ in range(60):  # 60 epochs
    order = torch.randperm(len(X), generator=shuffler)
    epoch_losses = []
    for batch in order.split(32):  # index tensors of 32 (the last one smaller)
        loss = F.cross_entropy(model(X[batch]), y[batch])  # forward and loss
        optimizer.zero_grad()  # forget the previous step's gradients
        loss.backward()  # fill p.grad for every parameter
        optimizer.step()  # p -= lr * p.grad
        epoch_losses.append(loss.item())
    history.append(sum(epoch_losses) / len(epoch_losses))

with torch.no_grad():
    right = (model(X).argmax(dim=1) == y).float().mean().item()
print(f"loss: first epoch {history[0]:.3f}, last epoch {history[-1]:.4f}")
print(f"accuracy on the training points: {right:.1%}")

# %% [markdown]
# The **accuracy** at the end is the fraction of points whose largest logit is at
# the right class: `argmax` picks the predicted class of every row, comparing with
# `y` gives True or False, and the mean of those as floats is the fraction. It is
# what I care about, but it is not what I train on: it changes in jumps and has no
# useful gradient, whereas the cross-entropy moves smoothly with every weight.
#
# Here is the loss epoch by epoch:

# %% tags=["plot"]
# alt: The training loss, mean cross-entropy, falling over the epochs on a log scale
plt.figure(figsize=(5, 3))
plt.plot(range(1, len(history) + 1), history)
plt.yscale("log")
plt.xlabel("epoch")
plt.ylabel("mean cross-entropy")
plt.title("training loss")
plt.show()

# %% [markdown]
# It falls fast at first, while the network finds the rough shape of the two
# classes, and then keeps creeping down as it tidies up the points near the border.
# To see that border, I ask the model for a prediction at every point of a fine grid
# and colour the grid by the predicted class:

# %% tags=["plot"]
# alt: The two moons with the network's predicted probability of class 1 as shaded regions and the
#   learned decision boundary, where the probability is 1/2, as a black line
xs = torch.linspace(-1.6, 2.6, 200)
ys = torch.linspace(-1.1, 1.6, 150)
grid = torch.cartesian_prod(ys, xs).flip(1)  # every (x, y) pair of the grid
with torch.no_grad():
    p_one = torch.softmax(model(grid), dim=1)[:, 1].view(len(ys), len(xs))

plt.figure(figsize=(5.5, 3.4))
plt.contourf(xs, ys, p_one, levels=20, cmap="coolwarm", alpha=0.6)
plt.contour(xs, ys, p_one, levels=[0.5], colors="k", linewidths=1.5)
plt.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=14, edgecolors="k", linewidths=0.3)
plt.title("learned decision boundary (black: probability 1/2)")
plt.show()

# %% [markdown]
# The boundary curls between the two moons, something no single linear layer could
# draw. The exercise `train` is this loop as a function that works for any model and
# data, and `accuracy` is the measurement above.
#
# ## Devices
#
# Everything so far ran on the CPU. On a machine with an NVIDIA GPU (CUDA) or an
# Apple GPU (MPS), the same code runs there once the model and the data have moved:
# `model.to(device)` moves every parameter in place, and `tensor.to(device)` returns
# a copy on that device. The one rule is that an operation's tensors must all live
# on the same device; mixing them is an error. Code that should run everywhere asks
# first what is available, so the same page builds on a laptop without a GPU:

# %%
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")

model = model.to(device)
X_dev, y_dev = X.to(device), y.to(device)
with torch.no_grad():
    on_device = (model(X_dev).argmax(dim=1) == y_dev).float().mean().item()
print(f"running on {device}: accuracy {on_device:.1%}")

# %% [markdown]
# Inside a training loop, what an operation combines must share a device: the model's
# weights and the batch it is given, or a prediction and its target. Index tensors
# are the exception: the shuffled indices from `torch.randperm` can stay on the CPU,
# because indexing a GPU tensor with CPU indices is allowed (the other way round is
# not). `X.device` says where a tensor lives. On a network this small the GPU is no
# faster, because launching work on it costs more than the arithmetic; the gain comes
# with big layers and big batches.

# %% [markdown]
# ## Real data: handwritten digits
#
# Two moons are made up. For a real data set I do not need the internet:
# scikit-learn ships a small one inside the package, 1797 handwritten digits scanned
# at 8 × 8 pixels, each pixel a shade from 0 to 16, each image labelled with the digit
# it shows. `load_digits` reads it from the installed files.

# %%
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16  # (N, 1, 8, 8)
targets = torch.tensor(digits.target)  # class indices 0 to 9
print(images.shape, targets.shape, "digits:", targets.unique().tolist())
print("images per digit:", targets.bincount().tolist())

# %% tags=["plot"]
# alt: The first 16 images of the digits data set, 8 by 8 grey pixels each, titled with their
#   labels: 0 to 9, then 0 to 5
fig, axes = plt.subplots(2, 8, figsize=(7, 2.2))
for ax, image, label in zip(axes.flat, images, targets, strict=False):
    ax.imshow(image[0], cmap="gray_r")
    ax.set_title(int(label), fontsize=10)
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# I divided by 16 so the pixels run from 0 to 1, and added an axis of length 1 for the
# single grey channel, the (batch, channels, height, width) layout that PyTorch's
# image layers expect.
#
# ### Dataset, DataLoader and a held-out split
#
# For the moons I cut mini-batches out of an index tensor by hand. PyTorch has two
# classes for that job. A **Dataset** is anything with a length that returns one
# example per index; `TensorDataset` builds one from tensors that share their first
# axis. A **DataLoader** walks a Dataset in mini-batches, reshuffled every epoch
# when `shuffle=True`, and stacks each batch into tensors.
#
# Before any training I put a quarter of the images aside. The network never trains
# on them; they are there to tell me how it does on digits it has not seen.
# `random_split` draws the two parts at random, from a generator I seed so the split
# is the same on every build.

# %%
dataset = TensorDataset(images, targets)
print("one example:", dataset[0][0].shape, "label", dataset[0][1].item())
train_set, held_out = random_split(
    dataset, [0.75, 0.25], generator=torch.Generator().manual_seed(0)
)
print(f"{len(train_set)} training images, {len(held_out)} held out")

# %% [markdown]
# Batches of 32 do not divide the training images evenly. Like my own loop on the
# moons, a DataLoader keeps the smaller last batch unless I ask it to drop it
# (`drop_last=True`):

# %%
loader = DataLoader(
    train_set, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0)
)
sizes = [len(batch_targets) for _, batch_targets in loader]
print(f"{len(loader)} batches per epoch; the first of {sizes[0]}, the last of {sizes[-1]}")

# %% [markdown]
# ### Training with a held-out set
#
# The loop is the one from the moons, with the DataLoader handing out the batches.
# After every epoch I measure the loss on the held-out images too. Two new lines go
# with that measurement:
#
# - `model.eval()` switches every dropout and batch-norm layer to its evaluation
#   behaviour (my networks here have none, but the habit costs nothing and saves a
#   bad surprise later), and `model.train()` switches back before the next epoch.
# - `torch.inference_mode()` is `torch.no_grad()` made stricter: no graph is
#   recorded, and tensors created inside it can never enter one later, which lets
#   PyTorch skip some bookkeeping. It is meant for exactly this, computing outputs that
#   no gradient will ever flow through.


# %%
def fit(model, epochs=12, lr=0.05):
    """Train on train_set; return the training and held-out loss of every epoch."""
    model.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    shuffled = DataLoader(
        train_set, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    held_images, held_targets = (t.to(device) for t in held_out[:])  # all of it, one batch
    train_losses, held_losses = [], []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for batch_images, batch_targets in shuffled:
            batch_images, batch_targets = batch_images.to(device), batch_targets.to(device)
            loss = F.cross_entropy(model(batch_images), batch_targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch_targets)
        train_losses.append(total / len(train_set))
        model.eval()
        with torch.inference_mode():
            held_losses.append(F.cross_entropy(model(held_images), held_targets).item())
    return train_losses, held_losses


def held_out_accuracy(model):
    model.eval()
    held_images, held_targets = held_out[:]
    with torch.inference_mode():
        predicted = model(held_images.to(device)).argmax(dim=1).cpu()
    return (predicted == held_targets).float().mean().item()


# %% [markdown]
# The optimiser has one new argument: with `momentum=0.9`, each step follows a running
# sum of the recent gradients, each multiplied by 0.9 once more for every step it is
# older, instead of the current gradient alone (the formula is in the documentation of
# `torch.optim.SGD`). The training loss of an epoch is the mean over its batches,
# taken while the weights were still moving; the held-out loss is measured once, after
# the epoch. The first network is an MLP: `nn.Flatten` turns each 8 × 8 image into a
# row of 64 numbers, then one hidden layer of 64 ReLUs, then 10 logits, one per digit.
#
# <details class="question"><summary>Predict: the training loss is measured on the
# images the weights were fitted to; the held-out loss on images they never saw. Which
# of the two will end lower?</summary>
#
# The training loss. Every step pushed the weights to fit the training images, and
# nothing pushed them towards the held-out ones, so the network does at least a
# little worse on those. How large the gap grows is what tells me whether it learned
# digits or memorised these particular images (lesson 6 provokes the second).
#
# </details>

# %%
torch.manual_seed(0)
mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
mlp_curves = fit(mlp)
print(f"MLP, {sum(p.numel() for p in mlp.parameters())} parameters")
print(f"last epoch: training loss {mlp_curves[0][-1]:.3f}, held-out loss {mlp_curves[1][-1]:.3f}")
print(f"held-out accuracy {held_out_accuracy(mlp):.1%}")

# %% [markdown]
# The second network is a small convolutional network, the kind the tour below
# explains: two stages of 3 × 3 filters and pooling halve the image twice, from 8 × 8
# to 2 × 2, before a Linear layer reads the 16 channels of what is left.

# %%
torch.manual_seed(0)
small_cnn = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),  # (N, 8, 8, 8)
    nn.ReLU(),
    nn.MaxPool2d(2),  # (N, 8, 4, 4)
    nn.Conv2d(8, 16, kernel_size=3, padding=1),  # (N, 16, 4, 4)
    nn.ReLU(),
    nn.MaxPool2d(2),  # (N, 16, 2, 2)
    nn.Flatten(),  # (N, 64)
    nn.Linear(64, 10),
)
cnn_curves = fit(small_cnn)
print(f"CNN, {sum(p.numel() for p in small_cnn.parameters())} parameters")
print(f"last epoch: training loss {cnn_curves[0][-1]:.3f}, held-out loss {cnn_curves[1][-1]:.3f}")
print(f"held-out accuracy {held_out_accuracy(small_cnn):.1%}")

# %% tags=["plot"]
# alt: Training and held-out cross-entropy over 12 epochs, on a log scale, for the MLP (left) and
#   the CNN (right): both fall together at first, then the training loss keeps falling while the
#   held-out loss levels off above it
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3), sharey=True)
for ax, name, (train_curve, held_curve) in zip(
    axes, ("MLP", "CNN"), (mlp_curves, cnn_curves), strict=True
):
    epochs = range(1, len(train_curve) + 1)
    ax.plot(epochs, train_curve, "o-", markersize=3, label="training")
    ax.plot(epochs, held_curve, "s--", markersize=3, label="held out")
    ax.set(title=name, xlabel="epoch", yscale="log")
axes[0].set_ylabel("mean cross-entropy")
axes[0].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# Both curves fall together at first; then the training loss keeps falling while the
# held-out loss levels off above it. The gap between the two is the part of the
# training that did not carry over to new images. Both networks get the large
# majority of the held-out digits right, and the CNN does it with fewer parameters,
# because its filters are shared across the whole image.
#
# ### Saving and loading a model
#
# A trained network is its weights. `state_dict()` returns them as a dictionary from
# names to tensors, and `torch.save` writes that dictionary to a file. To load it, I
# build the same architecture again, with fresh random weights, and copy the saved
# ones in with `load_state_dict`. (Here the file goes to a temporary folder that is
# deleted right after.)
#
# <details class="question"><summary>Predict: does the saved file contain the network's
# architecture, the layers and how they connect?</summary>
#
# No: only the named tensors. The names (`1.weight`, `3.bias`, ...) say where each
# tensor goes, but the code that builds the network has to exist to load them into.
# That is why I rebuild `nn.Sequential(...)` before `load_state_dict`.
#
# </details>

# %%
print({name: tuple(t.shape) for name, t in mlp.state_dict().items()})
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "digits-mlp.pt"
    torch.save(mlp.state_dict(), path)
    print(f"saved {path.stat().st_size} bytes")
    copy = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    copy.load_state_dict(torch.load(path, weights_only=True))
copy.to(device).eval()
with torch.inference_mode():
    probe = held_out[:][0][:5].to(device)
    print("same outputs as the trained model:", torch.equal(copy(probe), mlp(probe)))

# %% [markdown]
# `weights_only=True` (the default since PyTorch 2.6) restricts `torch.load` to
# tensors, numbers, strings and plain containers. Without it, loading unpickles
# arbitrary Python objects, and the documentation warns that a malicious file can run
# code that way.
#
# ### What the CNN gets wrong
#
# The accuracy is one number; the mistakes themselves say more. Here are held-out
# images the CNN got wrong (up to twelve of them), each with the right digit and the
# network's answer:

# %% tags=["plot"]
# alt: Held-out digit images the CNN got wrong, each titled with the right digit and the network's
#   answer
held_images, held_targets = held_out[:]
with torch.inference_mode():
    guesses = small_cnn(held_images.to(device)).argmax(dim=1).cpu()
wrong = (guesses != held_targets).nonzero().flatten()
shown = wrong[:12]
fig, axes = plt.subplots(2, 6, figsize=(7, 3))
for ax in axes.flat:
    ax.axis("off")
for ax, i in zip(axes.flat, shown, strict=False):
    ax.imshow(held_images[i, 0], cmap="gray_r")
    ax.set_title(f"{held_targets[i].item()}, said {guesses[i].item()}", fontsize=10)
plt.tight_layout()
plt.show()

# %% [markdown]
# Looking at the mistakes one by one is how I tell a network that is being silly from
# data that is hard: at 8 × 8 pixels, a few of these would fool me too. The usual next
# steps are more data, a bigger network, or more epochs watched on the held-out curve.

# %% [markdown]
# ## A tour of other architectures
#
# The MLP treats its input as a flat list of numbers. Other kinds of data have a
# structure worth building into the network, and each famous architecture does that
# for one kind. I tried a small version of each, mostly to see the shapes go through.
#
# **Convolutional networks (CNNs), for images.** A `Conv2d` layer slides a few small
# filters (here 3 × 3) over the image, so the same weights look for the same pattern
# everywhere; pooling then halves the resolution. Two such stages and a Linear layer
# classify a 28 × 28 grey image into 10 classes:

# %%
cnn = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),  # 8 filters: (N, 8, 28, 28)
    nn.ReLU(),
    nn.MaxPool2d(2),  # (N, 8, 14, 14)
    nn.Conv2d(8, 16, kernel_size=3, padding=1),  # (N, 16, 14, 14)
    nn.ReLU(),
    nn.MaxPool2d(2),  # (N, 16, 7, 7)
    nn.Flatten(),  # (N, 784)
    nn.Linear(16 * 7 * 7, 10),
)
images = torch.randn(4, 1, 28, 28)
mlp_for_images = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
print("CNN output:", tuple(cnn(images).shape))
cnn_count = sum(p.numel() for p in cnn.parameters())
mlp_count = sum(p.numel() for p in mlp_for_images.parameters())
print(f"parameters: CNN {cnn_count}, MLP with one hidden layer of 128 {mlp_count}")

# %% [markdown]
# The CNN has far fewer weights than an MLP of similar size, because its filters are
# shared across the whole picture, and it knows from its structure that neighbouring
# pixels belong together.
#
# **Recurrent networks (RNNs, LSTMs), for sequences.** Text, sound and time series
# come one step after another. A recurrent layer reads them in order and carries a
# hidden state from step to step, a running summary of everything seen so far. The
# LSTM adds gates that decide what to keep and what to forget, which lets it
# remember over longer spans than a plain RNN:

# %%
lstm = nn.LSTM(input_size=3, hidden_size=16, batch_first=True)
sequences = torch.randn(2, 5, 3)  # 2 sequences, 5 steps, 3 features per step
outputs, (h_last, c_last) = lstm(sequences)
print("one output per step:", tuple(outputs.shape))
print("final hidden state: ", tuple(h_last.shape), "(layers, batch, hidden)")
print("classify each sequence from its final state:", tuple(nn.Linear(16, 4)(h_last[-1]).shape))

# %% [markdown]
# **Residual networks (ResNets), for going deep.** My gradient experiment above
# showed how a deep stack can starve its first layers. A ResNet block computes
# `x + f(x)` instead of `f(x)`: the input skips over the block and is added back.
# The derivative of `x + f(x)` is 1 plus the derivative of f, so the gradient always
# has a direct path back through the skip connections. Repeating the experiment with
# sigmoid layers, the worst case, with and without skips:


# %%
class Residual(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.layer = nn.Linear(width, width)

    def forward(self, x):
        return x + torch.sigmoid(self.layer(x))  # the skip connection


for skip in (False, True):
    torch.manual_seed(0)
    if skip:
        blocks = [Residual(64) for _ in range(30)]
    else:
        blocks = [nn.Sequential(nn.Linear(64, 64), nn.Sigmoid()) for _ in range(30)]
    nn.Sequential(*blocks)(torch.randn(256, 64)).pow(2).mean().backward()
    first = blocks[0].layer if skip else blocks[0][0]
    size = first.weight.grad.norm().item()
    print(f"30 sigmoid layers, skip connections {skip!s:5}: first layer's gradient {size:.1e}")

# %% [markdown]
# Without the skips the gradient of the first layer underflows to exactly zero;
# with them it stays of order one. That is the idea that made networks of a hundred
# layers and more trainable.
#
# **Transformers, for attention.** Instead of reading a sequence step by step, a
# transformer lets every position look at every other position at once and decide
# how much each one matters to it: that weighting is **attention**. Its output for a
# position is a weighted mix of all positions, with weights that depend on the data.
# It is the architecture behind today's language models:

# %%
attention = nn.MultiheadAttention(embed_dim=16, num_heads=2, batch_first=True)
tokens = torch.randn(1, 6, 16)  # one sequence of 6 positions, 16 numbers each
mixed, weights = attention(tokens, tokens, tokens)
print("output:", tuple(mixed.shape), " attention weights:", tuple(weights.shape))
print("each position's weights sum to 1:", weights.sum(dim=-1).detach())
transformer_layer = nn.TransformerEncoderLayer(
    d_model=16, nhead=2, dim_feedforward=32, batch_first=True
)
print("a whole transformer layer keeps the shape:", tuple(transformer_layer(tokens).shape))

# %% [markdown]
# **Autoencoders, to compress and reconstruct.** An encoder squeezes each input
# through a narrow middle layer (the **code**), and a decoder tries to rebuild the
# input from the code alone. Trained with the mean squared error between input and
# rebuilt input, no labels needed, the code has to keep what matters about the
# data. My test data: 8-dimensional points that secretly lie on a 2-dimensional
# plane, so a code of 2 numbers should be enough.

# %%
torch.manual_seed(0)
hidden_plane = torch.randn(2, 8)
data = torch.randn(256, 2) @ hidden_plane  # 256 points in 8-D, really 2-D
encoder = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))  # 8 numbers -> 2
decoder = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 8))  # 2 numbers -> 8
autoencoder = nn.Sequential(encoder, decoder)
opt = torch.optim.Adam(autoencoder.parameters(), lr=0.01)
for step in range(201):
    loss = F.mse_loss(autoencoder(data), data)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 50 == 0:
        print(f"step {step:3}: reconstruction error {loss.item():.4f}")
print(f"for scale, the mean square of the data itself: {data.pow(2).mean().item():.2f}")

# %% [markdown]
# The reconstruction error ends up a tiny fraction of the data's own size: two
# numbers per point were enough to rebuild all eight, because the encoder found the
# plane.
#
# (Here I used `torch.optim.Adam`, an optimiser that adapts the step size of every
# parameter on its own; swapping optimisers is one line, because they all take
# `model.parameters()`.) Autoencoders are used to compress, to remove noise, and to
# spot unusual inputs, which come back badly reconstructed.
#
# ## What I have now
#
# `nn.Module` keeps a network's parameters together, `nn.Linear` is lesson 1's layer
# for whole batches, and `nn.Sequential` chains layers. Between two Linear layers
# goes an activation, or the stack collapses into one linear map; ReLU is the usual
# one, because it is cheap and its slope is exactly 1 where it is active.
# Cross-entropy on raw logits, computed with the log-sum-exp trick, is the loss for
# classification (one logit and `BCEWithLogitsLoss` for two classes), and the
# training loop is forward, loss, zero_grad, backward, step, over shuffled
# mini-batches, on whatever device holds the model and data. A `DataLoader` serves
# the batches, a held-out part of the data that never trains says how the network
# does on new examples (measured under `model.eval()` and `torch.inference_mode()`),
# and `state_dict` saves what it learned.
#
# All the learning, though, happened inside `loss.backward()` and `optimizer.step()`,
# which I have used without seeing inside. Lesson 5 opens the first one up: I build
# a small autograd engine of my own, from scratch.
#
# ## Exercises
#
# The exercises live in `exercises/lesson4/networks.py`:
#
# - `MLP(in_features, hidden, out_features)`: an `nn.Module` of `nn.Linear` layers
#   with a ReLU between each pair and none after the last (see "Stacking layers").
# - `mse_loss(pred, target)` and `cross_entropy(logits, target)`: the two losses,
#   from primitives, with a stable log-sum-exp; the tests compare them with
#   `F.mse_loss` and `F.cross_entropy`, extreme logits included (see "Losses").
# - `accuracy(logits, target)`: the fraction of rows classified right, as a Python
#   float (see "The training loop").
# - `train(model, X, y, epochs, lr, batch_size, seed)`: the loop of "The training
#   loop" as a function; it is graded by training a network on two moons of the
#   grader's own, which must end with at least 95% of the points right and a falling
#   loss, on the CPU and on every GPU the machine has.
#

# %% [markdown]
# ## Credits and further reading
#
# The ideas here are the standard ones; the examples, words and code on this page are
# our own. For more depth:
#
# - The PyTorch documentation: [torch.nn](https://docs.pytorch.org/docs/stable/nn.html),
#   [torch.nn.functional](https://docs.pytorch.org/docs/stable/nn.functional.html),
#   [torch.optim](https://docs.pytorch.org/docs/stable/optim.html), and the tutorial
#   [Build the neural network](https://docs.pytorch.org/tutorials/beginner/basics/buildmodel_tutorial.html).
# - Xavier Glorot and Yoshua Bengio, [Understanding the difficulty of training deep
#   feedforward neural networks](https://proceedings.mlr.press/v9/glorot10a.html)
#   (2010), and Kaiming He et al., [Delving deep into
#   rectifiers](https://arxiv.org/abs/1502.01852) (2015): why initialisation and the
#   choice of activation decide whether gradients survive depth.
# - Ian Goodfellow, Yoshua Bengio and Aaron Courville, [Deep
#   Learning](https://www.deeplearningbook.org/), chapters 6 (feedforward networks),
#   9 (convolutional networks) and 10 (recurrent networks).
# - Sepp Hochreiter and Jürgen Schmidhuber, [Long short-term
#   memory](https://www.bioinf.jku.at/publications/older/2604.pdf) (1997); Kaiming He et
#   al., [Deep residual learning for image recognition](https://arxiv.org/abs/1512.03385)
#   (2015); Ashish Vaswani et al., [Attention is all you
#   need](https://arxiv.org/abs/1706.03762) (2017).
# - Sergey Ioffe and Christian Szegedy, [Batch
#   normalization](https://arxiv.org/abs/1502.03167) (2015), and Nitish Srivastava et
#   al., [Dropout](https://jmlr.org/papers/v15/srivastava14a.html) (2014).
