"""neuron without a length check: zip silently drops the extra inputs or weights."""


def neuron(inputs, weights, bias, activation=sigmoid):
    return activation(sum(x * w for x, w in zip(inputs, weights)) + bias)
