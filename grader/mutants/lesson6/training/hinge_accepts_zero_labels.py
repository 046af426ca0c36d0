"""hinge_loss never checks the labels: 0/1 labels are silently taken as they are."""


def hinge_loss(scores, labels):
    if len(scores) != len(labels) or not scores:
        raise ValueError("length mismatch")
    return sum((1 - label * score).relu() for score, label in zip(scores, labels)) / len(scores)
