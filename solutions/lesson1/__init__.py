"""Lesson 1: what is a neural network? One neuron, a layer, and reading the output."""
