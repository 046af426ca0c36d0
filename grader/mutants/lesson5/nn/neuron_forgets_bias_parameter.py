"""Neuron.parameters() returns the weights only, so the bias is never trained or zeroed."""


class Neuron:
    def parameters(self):
        return list(self.w)
