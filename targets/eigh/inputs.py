"""Inputs for eigh: one symmetric float64 matrix, n x n, as a numpy array.

Random cases are mostly uniform entries in [-1, 1]; some have small integer entries (ties among
the eigenvalues are common), some are built with repeated eigenvalues on purpose. Structured cases
have extreme or graded magnitudes, equal entries, or eigenvalues that are ties or clusters.
"""

import random

import numpy as np
from hypothesis import strategies as st


def _symmetric(matrix: np.ndarray) -> np.ndarray:
    symmetric: np.ndarray = (matrix + matrix.T) / 2.0  # exactly symmetric: a + b == b + a
    return symmetric


def _with_repeats(state: np.random.Generator, n: int) -> np.ndarray:
    """Q diag(w) Q^T for a random orthogonal Q and eigenvalues w drawn from three values."""
    q, _ = np.linalg.qr(state.normal(size=(n, n)))
    values = state.choice([-1.0, 0.5, 2.0], size=n)
    return _symmetric((q * values) @ q.T)


def generate(rng: random.Random, size: int) -> list[object]:
    state = np.random.default_rng(rng.getrandbits(64))
    kind = rng.random()
    if kind < 0.15:
        return [_with_repeats(state, size)]
    if kind < 0.3:
        return [_symmetric(state.integers(-3, 4, (size, size)).astype(np.float64))]
    return [_symmetric(state.uniform(-1.0, 1.0, (size, size)))]


def edge_cases() -> list[list[object]]:
    return [
        [np.zeros((0, 0))],
        [np.array([[3.5]])],
        [np.array([[0.0]])],
        [np.zeros((3, 3))],
        [np.eye(4)],
        [np.diag([3.0, -1.0, 2.0, -1.0])],
        [np.array([[2.0, 1.0], [1.0, 2.0]])],
        [np.array([[0.0, 1.0], [1.0, 0.0]])],
        [np.ones((4, 4))],
        [np.array([[1.0, 1e-12], [1e-12, 1.0]])],
        [np.array([[1e100, 2e100, 0.0], [2e100, -1e100, 3e100], [0.0, 3e100, 5e99]])],
        [np.array([[1e-100, 2e-100, 0.0], [2e-100, -1e-100, 3e-100], [0.0, 3e-100, 5e-101]])],
        [_with_repeats(np.random.default_rng(5), 6)],
    ]


def _tridiagonal(n: int) -> np.ndarray:
    """The second-difference matrix: eigenvalues 2 - 2 cos(k pi / (n + 1)), closely spaced."""
    off = -np.ones(max(0, n - 1))
    matrix: np.ndarray = 2.0 * np.eye(n) + np.diag(off, 1) + np.diag(off, -1)
    return matrix


def structured(rng: random.Random, size: int) -> list[list[object]]:
    """At n = `size`: entries near 1e150 and near 1e-150; a graded matrix (rows and columns
    scaled by 1e75 or 1e-75, so entries range from 1e-150 to 1e150); every entry equal (one
    eigenvalue, then n - 1 zeros); already diagonal, in descending order with ties; the
    second-difference matrix (clustered eigenvalues); a multiple of the identity nudged by
    1e-12 (eigenvalues all but equal)."""
    state = np.random.default_rng(rng.getrandbits(64))
    base = _symmetric(state.uniform(-1.0, 1.0, (size, size)))
    grading = state.choice([1e-75, 1e75], size=size)
    diagonal = np.sort(state.integers(-3, 4, size).astype(np.float64))[::-1]
    scale = state.uniform(0.5, 2.0)
    nudge = _symmetric(state.uniform(-1e-12, 1e-12, (size, size)))
    return [
        [base * 1e150],
        [base * 1e-150],
        [base * np.outer(grading, grading)],
        [np.full((size, size), state.uniform(-2.0, 2.0))],
        [np.diag(diagonal * scale)],
        [_tridiagonal(size) * scale],
        [np.eye(size) * scale + nudge],
    ]


def _from_upper(entries: list[float], n: int) -> list[object]:
    matrix = np.zeros((n, n))
    matrix[np.triu_indices(n)] = entries
    return [matrix + np.triu(matrix, 1).T]


def strategy() -> st.SearchStrategy[list[object]]:
    value = st.floats(-100.0, 100.0, allow_nan=False, allow_infinity=False, allow_subnormal=False)

    def matrices(n: int) -> st.SearchStrategy[list[object]]:
        count = n * (n + 1) // 2
        entries = st.lists(value, min_size=count, max_size=count)
        return entries.map(lambda xs: _from_upper(xs, n))

    return st.integers(0, 6).flatmap(matrices)
