"""An honest 1.5x: 70 instead of 110 additions per element, all of it inside the timed call."""


def spin(xs: list[int]) -> int:
    total = 0
    for x in xs:
        partial = 0
        for _ in range(70):
            partial += x
        total += partial // 70
    return total
