"""MLP.parameters() returns only the last layer's parameters (a return inside the loop)."""


class MLP:
    def parameters(self):
        for layer in self.layers:
            params = layer.parameters()
        return params
