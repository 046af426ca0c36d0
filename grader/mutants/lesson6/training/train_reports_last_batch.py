"""train reports the last batch's loss for each epoch instead of the epoch's mean."""


def train(model, X, y, epochs=50, lr=0.05, batch_size=16, seed=0):
    rng = random.Random(seed)
    history = []
    for _ in range(epochs):
        for batch in batches(len(X), batch_size, rng):
            loss = hinge_loss([model(X[i]) for i in batch], [y[i] for i in batch])
            model.zero_grad()
            loss.backward()
            sgd_step(model.parameters(), lr)
        history.append(loss.data)
    return history
