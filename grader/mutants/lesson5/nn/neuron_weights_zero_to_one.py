"""Neuron's weights drawn with random.random(): all in [0, 1), never negative."""

import random


class Neuron:
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.random()) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin
