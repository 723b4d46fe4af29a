"""Reference for the spin target."""


def spin(xs: list[int]) -> int:
    return sum(xs)
