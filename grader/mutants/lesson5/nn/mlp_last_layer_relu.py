"""Every layer of the MLP uses ReLU, the last one too: the output can never be negative."""


class MLP:
    def __init__(self, nin, nouts):
        sizes = [nin, *nouts]
        self.layers = [Layer(sizes[i], sizes[i + 1]) for i in range(len(nouts))]
