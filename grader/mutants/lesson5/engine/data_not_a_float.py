"""Value keeps data as given (an int stays an int) and starts grad at the int 0."""


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0
        self._backward = _leaf_backward
        self._prev = _children
        self._op = _op
