"""Correct, but does extra busy work proportional to the input: slower than the baseline."""


def squares(xs):
    out = []
    for x in xs:
        total = 0
        for _ in range(abs(x)):
            total += abs(x)
        for _ in range(abs(x)):
            total += 0
        out.append(total)
    return out
