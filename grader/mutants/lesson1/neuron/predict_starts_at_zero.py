"""predict that starts the running best at 0, so all-negative scores return None."""


def predict(scores):
    if not scores:
        raise ValueError("empty")
    best_label, best = None, 0.0
    for label, score in scores.items():
        if score > best:
            best_label, best = label, score
    return best_label
