"""hinge_loss with the sign flipped, relu(1 + label * score): it rewards wrong answers."""


def hinge_loss(scores, labels):
    if len(scores) != len(labels) or not scores:
        raise ValueError("length mismatch")
    if any(label not in (1, -1) for label in labels):
        raise ValueError("labels must be +1 or -1")
    return sum((1 + label * score).relu() for score, label in zip(scores, labels)) / len(scores)
