"""MLP that stacks Linear layers with nothing between them: still one linear map."""


class MLP:
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        widths = [in_features, *hidden, out_features]
        self.net = nn.Sequential(*[nn.Linear(a, b) for a, b in itertools.pairwise(widths)])
