"""The busy target with 103 instead of 110 additions per element: about 5% faster."""


def busy(xs: list[int]) -> int:
    total = 0
    for x in xs:
        partial = 0
        for _ in range(103):
            partial += x
        total += partial // 103
    return total
