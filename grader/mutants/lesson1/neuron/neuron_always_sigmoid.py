"""neuron that ignores the activation it is given and always uses the sigmoid."""


def neuron(inputs, weights, bias, activation=sigmoid):
    if len(inputs) != len(weights):
        raise ValueError("length mismatch")
    return sigmoid(sum(x * w for x, w in zip(inputs, weights)) + bias)
