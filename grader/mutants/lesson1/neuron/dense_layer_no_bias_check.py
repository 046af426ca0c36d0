"""dense_layer that never checks there is one bias per neuron."""


def dense_layer(inputs, weights, biases, activation=sigmoid):
    return [neuron(inputs, row, b, activation) for row, b in zip(weights, biases)]
