"""mse averages the raw differences (pred - target) without squaring them."""


def mse(preds, targets):
    if len(preds) != len(targets) or not preds:
        raise ValueError("length mismatch")
    return sum(p - t for p, t in zip(preds, targets)) / len(preds)
