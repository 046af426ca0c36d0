"""neuron that adds the bias after the activation instead of before."""


def neuron(inputs, weights, bias, activation=sigmoid):
    if len(inputs) != len(weights):
        raise ValueError("length mismatch")
    return activation(sum(x * w for x, w in zip(inputs, weights))) + bias
