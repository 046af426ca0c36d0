"""Gradients zeroed by hand, samples gathered as (x, label) pairs, the model called via map.

The loop zeroes every parameter's grad itself instead of calling model.zero_grad(),
before the forward pass; it takes each batch's samples as pairs, runs the model over
them with map, and keeps every batch loss to average at the end of the epoch.
"""

import random


def train(model, X, y, epochs=50, lr=0.05, batch_size=16, seed=0):
    rng = random.Random(seed)
    history = []
    for _epoch in range(epochs):
        batch_losses = []
        for batch in batches(len(X), batch_size, rng):
            for p in model.parameters():
                p.grad = 0.0
            pairs = [(X[i], y[i]) for i in batch]
            scores = list(map(model, [x for x, _ in pairs]))
            loss = hinge_loss(scores, [label for _, label in pairs])
            loss.backward()
            sgd_step(model.parameters(), lr)
            batch_losses.append(loss.data)
        history.append(sum(batch_losses) / len(batch_losses))
    return history
