"""sgd_step subtracts the raw gradient and ignores the learning rate."""


def sgd_step(params, lr):
    for p in params:
        p.data -= p.grad
