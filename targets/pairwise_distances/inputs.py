"""Inputs for pairwise_distances: lists of points of one dimension (1 to 4); structured ones that
are all equal, far from the origin, of extreme magnitudes, on a line, or few and long."""

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


# Far enough from the origin that |x|^2 + |y|^2 - 2 x.y cancels away every digit of a distance
# near 1, near enough that the coordinates' differences are exact.
FAR = 1e7
# Points of these magnitudes mixed: squared differences stay below 1e301, far from overflow.
SCALES = (1e-150, 1e150)


def _far_cluster(rng: random.Random, size: int, dimension: int) -> list[list[float]]:
    centre = [rng.choice([-FAR, FAR]) for _ in range(dimension)]
    return [[c + rng.uniform(-1.0, 1.0) for c in centre] for _ in range(size)]


def _extreme(rng: random.Random, size: int, dimension: int) -> list[list[float]]:
    return [[c * rng.choice(SCALES) / 100.0 for c in _point(rng, dimension)] for _ in range(size)]


def _on_line(rng: random.Random, size: int, dimension: int) -> list[list[float]]:
    """Points on a line through the origin, in reverse order along it."""
    direction = _point(rng, dimension)
    steps = sorted((rng.uniform(-1.0, 1.0) for _ in range(size)), reverse=True)
    return [[step * d for d in direction] for step in steps]


def structured(rng: random.Random, size: int) -> list[list[object]]:
    """At `size` points: all equal, clustered far from the origin, of magnitudes 1e-150 and
    1e150 mixed, reverse-sorted on a line, sorted in dimension 1; and two points of dimension
    `size`."""
    dimension = BENCH_DIMENSION if size >= 100 else rng.randint(1, 4)
    point = _point(rng, dimension)
    line = sorted(rng.uniform(-100.0, 100.0) for _ in range(size))
    return [
        [[list(point) for _ in range(size)]],
        [_far_cluster(rng, size, dimension)],
        [_extreme(rng, size, dimension)],
        [_on_line(rng, size, dimension)],
        [[[x] for x in line]],
        [[_point(rng, max(1, size)) for _ in range(2)]],
    ]


def strategy() -> st.SearchStrategy[list[object]]:
    coordinate = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)

    def points(dimension: int) -> st.SearchStrategy[list[list[float]]]:
        point = st.lists(coordinate, min_size=dimension, max_size=dimension)
        return st.lists(point, max_size=12)

    return st.integers(1, 4).flatmap(points).map(lambda pts: [pts])
