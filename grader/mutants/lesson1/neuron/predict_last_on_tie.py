"""predict that keeps the last of equal scores (>= in the loop)."""


def predict(scores):
    if not scores:
        raise ValueError("empty")
    best_label, best = None, float("-inf")
    for label, score in scores.items():
        if score >= best:
            best_label, best = label, score
    return best_label
