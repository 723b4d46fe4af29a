"""Inputs for matmul: an m x k and a k x n matrix of floats, with k >= 1 and m, n >= 0; structured
ones with an empty side, one row, column or inner dimension, equal entries, extreme magnitudes."""

import random

from hypothesis import strategies as st


def _matrix(rng: random.Random, rows: int, cols: int) -> list[list[float]]:
    return [[rng.uniform(-1.0, 1.0) for _ in range(cols)] for _ in range(rows)]


def _around(rng: random.Random, size: int) -> int:
    return rng.randint(size - size // 4, size + size // 4)


def generate(rng: random.Random, size: int) -> list[object]:
    m, k, n = _around(rng, size), max(1, _around(rng, size)), _around(rng, size)
    if size < 10 and rng.random() < 0.2:
        m, n = (0, n) if rng.random() < 0.5 else (m, 0)  # an empty side
    return [_matrix(rng, m, k), _matrix(rng, k, n)]


def edge_cases() -> list[list[object]]:
    return [
        [[], [[1.0, 2.0]]],
        [[], [[]]],
        [[[1.0]], [[]]],
        [[[1.0, 2.0], [3.0, 4.0]], [[], []]],
        [[[2.5]], [[-4.0]]],
        [[[1.0, 2.0, 3.0]], [[4.0], [5.0], [6.0]]],
        [[[4.0], [5.0], [6.0]], [[1.0, 2.0, 3.0]]],
        [[[1.0, -1.0], [-1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]]],
        [[[0.1, 0.2], [0.3, 0.4]], [[1e6, -1e6], [-1e6, 1e6]]],
        [[[-0.0, 0.0]], [[-1.0], [1.0]]],
    ]


# Entries of these magnitudes mixed: products span 1e-300 to 1e300, neither over- nor underflowing.
SCALES = (1e-150, 1.0, 1e150)


def _extreme(rng: random.Random, rows: int, cols: int) -> list[list[float]]:
    """Positive entries of mixed magnitudes: with no cancellation in the sums, every summation
    order stays within the relative tolerance of the exact product."""
    return [[rng.uniform(0.5, 1.0) * rng.choice(SCALES) for _ in range(cols)] for _ in range(rows)]


def structured(rng: random.Random, size: int) -> list[list[object]]:
    """At sides near `size`: no rows, no columns, an outer product (k = 1), one row, one column,
    every entry equal, and magnitudes from 1e-150 to 1e150 in one product."""
    m, k, n = _around(rng, size), max(1, _around(rng, size)), _around(rng, size)
    value = rng.uniform(-2.0, 2.0)
    return [
        [[], _matrix(rng, k, n)],
        [_matrix(rng, m, k), [[] for _ in range(k)]],
        [_matrix(rng, m, 1), _matrix(rng, 1, n)],
        [_matrix(rng, 1, k), _matrix(rng, k, n)],
        [_matrix(rng, m, k), _matrix(rng, k, 1)],
        [[[value] * k for _ in range(m)], [[value] * n for _ in range(k)]],
        [_extreme(rng, m, k), _extreme(rng, k, n)],
    ]


def strategy() -> st.SearchStrategy[list[object]]:
    # Bounded entries keep every summation order within the tolerance (no catastrophic
    # cancellation beyond atol), so the allclose rule is meaningful.
    value = st.floats(-100.0, 100.0, allow_nan=False, allow_infinity=False)

    def matrices(shape: tuple[int, int, int]) -> st.SearchStrategy[list[object]]:
        m, k, n = shape
        a = st.lists(st.lists(value, min_size=k, max_size=k), min_size=m, max_size=m)
        b = st.lists(st.lists(value, min_size=n, max_size=n), min_size=k, max_size=k)
        return st.tuples(a, b).map(lambda pair: [pair[0], pair[1]])

    shapes = st.tuples(st.integers(0, 6), st.integers(1, 6), st.integers(0, 6))
    return shapes.flatmap(matrices)
