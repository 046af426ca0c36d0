"""train that skips the last, smaller batch, so some samples are never trained on."""


def train(model, X, y, epochs=100, lr=0.05, batch_size=32, seed=0):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator).to(X.device)
        batch_losses = []
        for batch in order.split(batch_size):
            if len(batch) < batch_size:
                continue
            loss = F.cross_entropy(model(X[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
    return losses
