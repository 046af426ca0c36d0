"""train makes random.Random(seed) anew every epoch, so every epoch repeats the same shuffle."""


def train(model, X, y, epochs=50, lr=0.05, batch_size=16, seed=0):
    history = []
    for _ in range(epochs):
        rng = random.Random(seed)
        losses = []
        for batch in batches(len(X), batch_size, rng):
            loss = hinge_loss([model(X[i]) for i in batch], [y[i] for i in batch])
            model.zero_grad()
            loss.backward()
            sgd_step(model.parameters(), lr)
            losses.append(loss.data)
        history.append(sum(losses) / len(losses))
    return history
