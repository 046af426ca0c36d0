"""__rsub__ written like __radd__: `1 - v` computes v - 1."""


class Value:
    def __rsub__(self, other):
        return self - other
