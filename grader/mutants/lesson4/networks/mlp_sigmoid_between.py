"""MLP with a sigmoid between the layers where the contract asks for ReLU."""


class MLP:
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        layers = []
        for n_in, n_out in itertools.pairwise([in_features, *hidden, out_features]):
            layers += [nn.Linear(n_in, n_out), nn.Sigmoid()]
        self.net = nn.Sequential(*layers[:-1])
