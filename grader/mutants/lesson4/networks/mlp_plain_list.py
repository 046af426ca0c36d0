"""MLP that keeps its layers in a plain Python list, so they are not registered parameters."""


class MLP:
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        widths = [in_features, *hidden, out_features]
        self.layers = [nn.Linear(a, b) for a, b in itertools.pairwise(widths)]

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = torch.relu(layer(x))
        return self.layers[-1](x)
