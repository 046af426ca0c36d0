"""No layer of the MLP uses ReLU (nonlin=False everywhere): the network is one linear map."""


class MLP:
    def __init__(self, nin, nouts):
        sizes = [nin, *nouts]
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=False) for i in range(len(nouts))]
