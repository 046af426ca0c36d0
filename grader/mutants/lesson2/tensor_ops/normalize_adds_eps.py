"""normalize that divides by norm + eps instead of max(norm, eps)."""


def normalize(x, dim=-1, eps=1e-12):
    return x / (x.norm(dim=dim, keepdim=True) + eps)
