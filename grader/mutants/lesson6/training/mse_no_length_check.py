"""mse zips predictions and targets without a length check: extras are silently dropped."""


def mse(preds, targets):
    return sum((p - t) ** 2 for p, t in zip(preds, targets)) / len(preds)
