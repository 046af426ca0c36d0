"""normalize that divides by the norm of the whole tensor instead of each slice."""


def normalize(x, dim=-1, eps=1e-12):
    return x / x.norm().clamp_min(eps)
