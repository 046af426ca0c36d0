"""broadcast_shape whose ValueError does not say which shapes were the problem."""


def broadcast_shape(a, b):
    a, b = tuple(a), tuple(b)
    n = max(len(a), len(b))
    padded_a, padded_b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    result = []
    for x, y in zip(padded_a, padded_b):
        if x != y and 1 not in (x, y):
            raise ValueError("shapes cannot be broadcast")
        result.append(y if x == 1 else x)
    return tuple(result)
