"""Eigenvalues and eigenvectors of a symmetric matrix: the cyclic Jacobi method in Python loops.

Each sweep rotates every off-diagonal pair (p, q) to zero, updating the matrix and the product of
the rotations (the eigenvectors) element by element, until the off-diagonal part is negligible.
"""

import math

import numpy as np

_MAX_SWEEPS = 60
_CONVERGED = 1e-36  # off-diagonal sum of squares, relative to the whole matrix's


def eigh(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = matrix.shape[0]
    # Scaled by a power of two (exactly) so the largest entry is near 1: the sums of squares
    # below neither overflow nor underflow to zero however large or small the entries are.
    biggest = max((abs(float(x)) for x in matrix.flat), default=0.0)
    exponent = math.frexp(biggest)[1]
    a = [[math.ldexp(float(matrix[i, j]), -exponent) for j in range(n)] for i in range(n)]
    v = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    total = sum(a[i][j] * a[i][j] for i in range(n) for j in range(n))
    for _ in range(_MAX_SWEEPS):
        off = sum(a[i][j] * a[i][j] for i in range(n) for j in range(n) if i != j)
        if off <= _CONVERGED * total:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                _rotate(a, v, p, q)
    diagonal = [math.ldexp(a[i][i], exponent) for i in range(n)]
    order = sorted(range(n), key=lambda k: diagonal[k])
    values = np.array([diagonal[k] for k in order], dtype=np.float64)
    vectors = np.array([[v[i][k] for k in order] for i in range(n)], dtype=np.float64)
    return values, vectors.reshape(n, n)


def _rotate(a: list[list[float]], v: list[list[float]], p: int, q: int) -> None:
    """Apply the rotation J that zeroes a[p][q]: a becomes J^T a J and v becomes v J."""
    apq = a[p][q]
    if apq == 0.0:
        return
    theta = (a[q][q] - a[p][p]) / (2.0 * apq)
    t = math.copysign(1.0, theta) / (abs(theta) + math.hypot(theta, 1.0))
    c = 1.0 / math.sqrt(t * t + 1.0)
    s = t * c
    n = len(a)
    for k in range(n):
        akp = a[k][p]
        akq = a[k][q]
        a[k][p] = c * akp - s * akq
        a[k][q] = s * akp + c * akq
    for k in range(n):
        apk = a[p][k]
        aqk = a[q][k]
        a[p][k] = c * apk - s * aqk
        a[q][k] = s * apk + c * aqk
    a[p][q] = 0.0
    a[q][p] = 0.0
    for k in range(n):
        vkp = v[k][p]
        vkq = v[k][q]
        v[k][p] = c * vkp - s * vkq
        v[k][q] = s * vkp + c * vkq
