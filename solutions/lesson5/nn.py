"""Lesson 5 exercise, second half: a neuron, a layer and an MLP built from Values.

Only the Value API of engine.py is used here (the operators, relu(), data and grad):
the grader runs this file with a Value of its own, so that a mistake in your
engine.py costs engine points only. Read "Neurons, layers and an MLP" in lesson 5.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .engine import Value


class Module:
    """Anything with parameters: it can list them and reset their gradients."""

    def parameters(self) -> list[Value]:
        """Every Value this module learns, in a fixed order. A bare Module has none: []."""
        # BEGIN SOLUTION
        return []
        # END SOLUTION

    def zero_grad(self) -> None:
        """Set the grad of every Value in self.parameters() back to 0.0 (before each step)."""
        # BEGIN SOLUTION
        for p in self.parameters():
            p.grad = 0.0
        # END SOLUTION


class Neuron(Module):
    """One neuron: a weight per input and a bias; out = relu(sum(w * x) + b) when nonlin.

    Lesson 5, "Neurons, layers and an MLP".
    """

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        """`self.w`: nin Values drawn with random.uniform(-1, 1); `self.b`: Value(0.0).

        Every weight is a Value of its own: no two neurons share one.
        """
        # BEGIN SOLUTION
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin
        # END SOLUTION

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """The neuron's output for nin inputs (numbers or Values), as a Value.

        Through relu() when nonlin, else the weighted sum itself. Raises ValueError when
        len(x) is not nin (as PyTorch does for a wrong shape; zip alone would truncate).
        """
        # BEGIN SOLUTION
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act.relu() if self.nonlin else act
        # END SOLUTION

    def parameters(self) -> list[Value]:
        """self.w + [self.b]: the weights in order, then the bias."""
        # BEGIN SOLUTION
        return [*self.w, self.b]
        # END SOLUTION

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """nout neurons that all see the same inputs. Lesson 5, "Neurons, layers and an MLP"."""

    def __init__(self, nin: int, nout: int, **kwargs: bool) -> None:
        """`self.neurons`: nout separate Neuron(nin, **kwargs)."""
        # BEGIN SOLUTION
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]
        # END SOLUTION

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """A list of nout Values, one per neuron (a list even when nout is 1)."""
        # BEGIN SOLUTION
        return [n(x) for n in self.neurons]
        # END SOLUTION

    def parameters(self) -> list[Value]:
        """The parameters of the first neuron, then the second, and so on."""
        # BEGIN SOLUTION
        return [p for n in self.neurons for p in n.parameters()]
        # END SOLUTION

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers in a row, each one's outputs the next one's inputs.

    `MLP(nin, nouts)`: layer widths nouts, e.g. MLP(2, [16, 16, 1]). Every layer but the
    last uses ReLU; the last is linear, so the output can be any number.
    Lesson 5, "Neurons, layers and an MLP".
    """

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        """`self.layers`: Layer(nin, nouts[0]), Layer(nouts[0], nouts[1]), ...; the last
        one built with nonlin=False."""
        # BEGIN SOLUTION
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != last) for i in range(len(nouts))]
        # END SOLUTION

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """The network's output: a single Value when the last layer has one neuron,
        else a list of Values."""
        # BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x
        # END SOLUTION

    def parameters(self) -> list[Value]:
        """The parameters of the first layer, then the second, and so on:
        MLP(2, [3, 1]) has 3 * (2 + 1) + 1 * (3 + 1) = 13."""
        # BEGIN SOLUTION
        return [p for layer in self.layers for p in layer.parameters()]
        # END SOLUTION

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
