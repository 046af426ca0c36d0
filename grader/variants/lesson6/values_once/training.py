"""X turned into Values once, before training, and the model called on those Values.

Saves making the same input Values again in every epoch. Also: batches drawn with
rng.sample (a shuffled copy) instead of shuffling a list in place, the gradients zeroed
after each step rather than before backward(), and the epoch loss averaged over samples.
"""

import random


def batches(n, batch_size, rng):
    if batch_size < 1:
        raise ValueError("batch_size must be 1 or more")
    order = rng.sample(range(n), n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def train(model, X, y, epochs=50, lr=0.05, batch_size=16, seed=0):
    inputs = [[Value(v) for v in row] for row in X]
    rng = random.Random(seed)
    model.zero_grad()
    history = []
    for _ in range(epochs):
        total = 0.0
        for batch in batches(len(X), batch_size, rng):
            loss = hinge_loss([model(inputs[i]) for i in batch], [y[i] for i in batch])
            loss.backward()
            sgd_step(model.parameters(), lr)
            model.zero_grad()
            total += loss.data * len(batch)
        history.append(total / len(X))
    return history
