"""MLP with a ReLU after the last layer too, so no score can ever be negative."""


class MLP:
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        layers = []
        for n_in, n_out in itertools.pairwise([in_features, *hidden, out_features]):
            layers += [nn.Linear(n_in, n_out), nn.ReLU()]
        self.net = nn.Sequential(*layers)
