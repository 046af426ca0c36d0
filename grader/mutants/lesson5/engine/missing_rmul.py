"""No __rmul__: `2 * v` raises TypeError."""


class Value:
    def __rmul__(self, other):
        return NotImplemented
