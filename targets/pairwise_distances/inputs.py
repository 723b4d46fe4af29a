"""Inputs for pairwise_distances: lists of points of one dimension (1 to 4)."""

import random

from hypothesis import strategies as st

BENCH_DIMENSION = 3


def _point(rng: random.Random, dimension: int) -> list[float]:
    return [rng.uniform(-100.0, 100.0) for _ in range(dimension)]


def generate(rng: random.Random, size: int) -> list[object]:
    dimension = BENCH_DIMENSION if size >= 100 else rng.randint(1, 4)
    points = [_point(rng, dimension) for _ in range(size)]
    if size >= 2 and rng.random() < 0.5:
        points[rng.randrange(size)] = list(points[rng.randrange(size)])  # a duplicate point
    return [points]


def edge_cases() -> list[list[object]]:
    return [
        [[]],
        [[[0.0]]],
        [[[1.5, -2.5, 3.0]]],
        [[[1.0, 2.0], [1.0, 2.0]]],
        [[[0.0, 0.0], [3.0, 4.0]]],
        [[[-1.0], [-4.0], [2.5], [-1.0]]],
        [[[-1e6, 1e6, -1e6, 1e6], [1e6, -1e6, 1e6, -1e6], [0.0, -0.0, 0.0, -0.0]]],
        [[[1e-300, -1e-300], [-1e-300, 1e-300]]],
        [[[0.1, 0.2, 0.3], [0.1, 0.2, 0.3000000000000001], [0.30000000000000004, 0.2, 0.1]]],
    ]


def strategy() -> st.SearchStrategy[list[object]]:
    coordinate = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)

    def points(dimension: int) -> st.SearchStrategy[list[list[float]]]:
        point = st.lists(coordinate, min_size=dimension, max_size=dimension)
        return st.lists(point, max_size=12)

    return st.integers(1, 4).flatmap(points).map(lambda pts: [pts])
