"""Lesson 6: how the weights are found. A loss, gradient descent, and SGD on mini-batches."""
