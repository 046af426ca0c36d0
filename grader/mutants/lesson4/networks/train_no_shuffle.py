"""train that walks through the data in the same fixed order every epoch."""


def train(model, X, y, epochs=100, lr=0.05, batch_size=32, seed=0):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        batch_losses = []
        for start in range(0, len(X), batch_size):
            end = start + batch_size
            loss = F.cross_entropy(model(X[start:end]), y[start:end])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses
