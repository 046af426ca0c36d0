"""cross_entropy the textbook way: per row, logsumexp(row) - row[target], with the row's
maximum subtracted inside the log-sum-exp and added back. At logits of 1000 its float32
rounding differs from F.cross_entropy's by a few units in the last place of 1000: the
tests' tolerance must follow the inputs' magnitude, not the answer's."""

import torch


def cross_entropy(logits, target):
    top = logits.max(dim=1).values
    lse = top + torch.log(torch.exp(logits - top[:, None]).sum(dim=1))
    picked = logits[torch.arange(len(target), device=logits.device), target]
    return (lse - picked).mean()
