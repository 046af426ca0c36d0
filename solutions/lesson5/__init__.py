"""Lesson 5: micrograd, autograd from scratch. A scalar Value with backward(), then an MLP."""
