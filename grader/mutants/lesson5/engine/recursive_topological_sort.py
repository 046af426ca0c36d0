"""backward() sorts the graph with a recursive function: RecursionError on deep graphs."""


class Value:
    def backward(self):
        order, seen = [], set()

        def build(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    build(child)
                order.append(node)

        build(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward(node.grad)
