"""Reference matrix product, built on numpy's @ operator."""

import numpy as np


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    rows, inner = len(a), len(b)
    cols = len(b[0]) if b else 0
    left = np.asarray(a, dtype=np.float64).reshape(rows, inner)
    right = np.asarray(b, dtype=np.float64).reshape(inner, cols)
    product = left @ right
    return [[float(v) for v in row] for row in product]
