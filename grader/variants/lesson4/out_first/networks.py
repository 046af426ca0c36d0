"""MLP that registers its output layer before its hidden ModuleList, and applies them
in the other order: attributes set in another order than the computation runs."""

from torch import nn


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        widths = [in_features, *hidden]
        self.out = nn.Linear(widths[-1], out_features)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths, widths[1:]))

    def forward(self, x):
        for layer in self.hidden:
            x = layer(x).relu()
        return self.out(x)
