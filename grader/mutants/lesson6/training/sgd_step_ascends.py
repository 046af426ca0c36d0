"""sgd_step adds the gradient (p.data += lr * p.grad): it climbs the loss instead of descending."""


def sgd_step(params, lr):
    for p in params:
        p.data += lr * p.grad
