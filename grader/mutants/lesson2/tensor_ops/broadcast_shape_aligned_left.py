"""broadcast_shape that lines the shapes up from the left, padding the shorter one on the right."""


def broadcast_shape(a, b):
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    a, b = a + (1,) * (n - len(a)), b + (1,) * (n - len(b))
    result = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            raise ValueError(f"shapes {a} and {b} cannot be broadcast")
        result.append(max(x, y))
    return tuple(result)
