"""accuracy that returns a 0-dim tensor instead of a Python float."""


def accuracy(logits, target):
    return (logits.argmax(dim=1) == target).float().mean()
