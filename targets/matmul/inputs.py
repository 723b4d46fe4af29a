"""Inputs for matmul: an m x k and a k x n matrix of floats, with k >= 1 and m, n >= 0."""

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
