"""Allocates far more memory than any answer needs."""


def squares(xs):
    hoard = [0] * (10**10)
    return [x * x for x in xs] + hoard[:0]
