"""mse sums the squared errors instead of taking their mean."""


def mse(preds, targets):
    if len(preds) != len(targets) or not preds:
        raise ValueError("length mismatch")
    return sum((p - t) ** 2 for p, t in zip(preds, targets))
