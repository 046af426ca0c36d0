"""train never zeroes the gradients: each step also takes every earlier step's gradient."""


def train(model, X, y, epochs=50, lr=0.05, batch_size=16, seed=0):
    rng = random.Random(seed)
    history = []
    for _ in range(epochs):
        losses = []
        for batch in batches(len(X), batch_size, rng):
            loss = hinge_loss([model(X[i]) for i in batch], [y[i] for i in batch])
            loss.backward()
            sgd_step(model.parameters(), lr)
            losses.append(loss.data)
        history.append(sum(losses) / len(losses))
    return history
