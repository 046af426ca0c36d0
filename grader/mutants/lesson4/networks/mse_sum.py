"""mse_loss that sums the squared errors where the mean belongs."""


def mse_loss(pred, target):
    return ((pred - target) ** 2).sum()
