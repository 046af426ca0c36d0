"""mse_loss that hands the work to F.mse_loss instead of writing it."""


def mse_loss(pred, target):
    return F.mse_loss(pred, target)
