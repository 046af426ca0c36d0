"""backward() never sets the output's grad to 1, so every gradient stays 0."""


class Value:
    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                for child in node._prev:
                    stack.append((child, False))
        for node in reversed(order):
            node._backward(node.grad)
