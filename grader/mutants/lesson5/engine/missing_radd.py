"""No __radd__: `1 + v` and `sum(values)` raise TypeError."""


class Value:
    def __radd__(self, other):
        return NotImplemented
