"""MLP whose hidden layers are all as wide as the first: wrong layer sizes."""


class MLP:
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        first = hidden[:1] * len(hidden)
        widths = [in_features, *first, out_features]
        layers = []
        for n_in, n_out in itertools.pairwise(widths):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        self.net = nn.Sequential(*layers[:-1])
