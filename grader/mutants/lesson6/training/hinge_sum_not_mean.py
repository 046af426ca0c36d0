"""hinge_loss sums over the batch instead of taking the mean."""


def hinge_loss(scores, labels):
    if len(scores) != len(labels) or not scores:
        raise ValueError("length mismatch")
    if any(label not in (1, -1) for label in labels):
        raise ValueError("labels must be +1 or -1")
    return sum((1 - label * score).relu() for score, label in zip(scores, labels))
