"""neuron that forgets to add the bias."""


def neuron(inputs, weights, bias, activation=sigmoid):
    if len(inputs) != len(weights):
        raise ValueError("length mismatch")
    return activation(sum(x * w for x, w in zip(inputs, weights)))
