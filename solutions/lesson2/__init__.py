"""Lesson 2: tensors. Broadcasting, matrix products, a stable softmax, norms and images."""
