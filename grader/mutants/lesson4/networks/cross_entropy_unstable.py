"""cross_entropy with a naive log-sum-exp: exp(1000) overflows to inf."""


def cross_entropy(logits, target):
    log_probs = logits - logits.exp().sum(dim=1, keepdim=True).log()
    return -log_probs.gather(1, target.unsqueeze(1)).mean()
