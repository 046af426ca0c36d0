"""Lesson 3: autograd. Gradients, a step downhill, fitting a line, and Functions of your own."""
