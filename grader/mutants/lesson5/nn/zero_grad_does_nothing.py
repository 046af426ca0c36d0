"""zero_grad() rebinds a loop variable instead of resetting each parameter's grad."""


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p = Value(p.data)
