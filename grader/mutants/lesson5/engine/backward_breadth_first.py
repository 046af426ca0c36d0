"""backward() goes breadth-first, not in topological order: gradients move on before all arrive."""


class Value:
    def backward(self):
        self.grad = 1.0
        queue, seen = [self], {self}
        for node in queue:
            node._backward(node.grad)
            for child in node._prev:
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
