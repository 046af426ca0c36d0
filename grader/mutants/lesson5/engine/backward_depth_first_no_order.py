"""backward() walks depth-first with no topological order: shared nodes pass gradient on twice."""


class Value:
    def backward(self):
        self.grad = 1.0
        stack = [self]
        while stack:
            node = stack.pop()
            node._backward(node.grad)
            stack.extend(node._prev)
