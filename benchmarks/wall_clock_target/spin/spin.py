"""A synthetic target with a known amount of work: 110 additions per element, ~1 ms a call."""


def spin(xs: list[int]) -> int:
    total = 0
    for x in xs:
        partial = 0
        for _ in range(110):
            partial += x
        total += partial // 110
    return total
