"""accuracy that returns how many are right (a count) instead of the fraction."""


def accuracy(logits, target):
    return float((logits.argmax(dim=1) == target).sum().item())
