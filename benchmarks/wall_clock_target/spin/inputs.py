"""Inputs for the spin target."""

import random

from hypothesis import strategies as st


def generate(rng: random.Random, size: int) -> list[object]:
    return [[rng.randint(-1000, 1000) for _ in range(size)]]


def edge_cases() -> list[list[object]]:
    return [[[]], [[7]], [[-3, -3, 5]]]


def strategy() -> st.SearchStrategy[list[object]]:
    return st.lists(st.integers(-1000, 1000), max_size=10).map(lambda xs: [xs])
