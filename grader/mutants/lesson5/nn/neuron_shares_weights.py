"""Neuron's weights made as [Value(random.uniform(-1, 1))] * nin: one Value shared by all inputs."""

import random


class Neuron:
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1))] * nin
        self.b = Value(0.0)
        self.nonlin = nonlin
