"""__rtruediv__ written like __rmul__: `1 / v` computes v / 1."""


class Value:
    def __rtruediv__(self, other):
        return self / other
