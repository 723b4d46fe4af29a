"""Reference for the busy target."""


def busy(xs: list[int]) -> int:
    return sum(xs)
