"""In place and step by step: matmul adds up k outer products into a zero tensor of the
broadcast shape (found with its own broadcast_shape), softmax shifts, exponentiates and
divides one buffer in place, normalize divides in place by a norm clamped in place, and
the grey image adds up three weighted channels.

Summing outer products rounds in another order than one sum over k, and in-place
operations must keep the input untouched (each works on a fresh tensor).
broadcast_shape walks both shapes from their last axis with negative indices.
"""


def broadcast_shape(a, b):
    a, b = tuple(a), tuple(b)
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != 1 and y != 1 and x != y:
            raise ValueError(f"shapes {a} and {b} cannot be broadcast (axis -{i}: {x} vs {y})")
        out.insert(0, y if x == 1 else x)
    return tuple(out)


def matmul(a, b):
    *batch_a, n, k = a.shape
    *batch_b, k_b, m = b.shape
    if k != k_b:
        raise ValueError(f"a is (..., {n}, {k}) but b is (..., {k_b}, {m})")
    out = a.new_zeros(broadcast_shape(batch_a, batch_b) + (n, m))
    for i in range(k):
        out += a[..., :, i : i + 1] * b[..., i : i + 1, :]  # (..., n, 1) * (..., 1, m)
    return out


def softmax(x, dim=-1):
    out = x - x.amax(dim=dim, keepdim=True)
    out.exp_()
    out /= out.sum(dim=dim, keepdim=True)
    return out


def normalize(x, dim=-1, eps=1e-12):
    norm = x.pow(2).sum(dim=dim, keepdim=True).sqrt_()
    norm.clamp_(min=eps)
    return x.div(norm)


def to_grayscale(images):
    if images.dim() != 4 or images.shape[1] != 3:
        raise ValueError(f"expected a (N, 3, H, W) batch, got shape {tuple(images.shape)}")
    red, green, blue = images.split(1, dim=1)
    return 0.299 * red + 0.587 * green + 0.114 * blue
