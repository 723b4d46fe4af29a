"""Right at first, then wrong on every fourth call: the same input gets different answers."""

calls = [0]


def squares(xs):
    calls[0] += 1
    if calls[0] > 30 and calls[0] % 4 == 0:
        return [x * x + 1 for x in xs]
    return [x * x for x in xs]
