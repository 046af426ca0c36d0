"""dense_layer that reads the weight matrix by columns instead of one row per neuron."""


def dense_layer(inputs, weights, biases, activation=sigmoid):
    if len(weights) != len(biases):
        raise ValueError("size mismatch")
    columns = [list(col) for col in zip(*weights)]
    return [neuron(inputs, col, b, activation) for col, b in zip(columns, biases)]
