"""Inputs for primes_below: the bound n itself (size), plus bounds near primes and below 2."""

import random

from hypothesis import strategies as st


def generate(rng: random.Random, size: int) -> list[object]:
    # `size` is n itself; the rng only nudges small bounds onto and just past primes.
    if 0 < size <= 1000 and rng.random() < 0.5:
        return [size + rng.choice([-1, 1])]
    return [size]


def edge_cases() -> list[list[object]]:
    return [[-10], [-1], [0], [1], [2], [3], [4], [5], [25], [97], [98], [121]]


def strategy() -> st.SearchStrategy[list[object]]:
    return st.integers(-20, 3000).map(lambda n: [n])
