"""broadcast_shape that takes the larger size, so a 1 against a 0 gives 1 instead of 0."""


def broadcast_shape(a, b):
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    padded_a, padded_b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    result = []
    for x, y in zip(padded_a, padded_b):
        if x != y and 1 not in (x, y):
            raise ValueError(f"shapes {a} and {b} cannot be broadcast")
        result.append(max(x, y))
    return tuple(result)
