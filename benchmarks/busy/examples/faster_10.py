"""The busy target with 96 instead of 110 additions per element: about 10% faster."""


def busy(xs: list[int]) -> int:
    total = 0
    for x in xs:
        partial = 0
        for _ in range(96):
            partial += x
        total += partial // 96
    return total
