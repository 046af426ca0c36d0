"""Lesson 4: neural networks with torch.nn. An MLP, two losses, accuracy and a training loop."""
