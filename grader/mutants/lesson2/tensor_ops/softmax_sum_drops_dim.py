"""softmax whose sum forgets keepdim=True, so it broadcasts against the wrong axis."""


def softmax(x, dim=-1):
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim)
