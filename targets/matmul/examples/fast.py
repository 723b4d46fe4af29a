"""Matrix product with numpy's BLAS-backed @, converted back to lists of Python floats."""

import numpy as np


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    rows, inner, cols = len(a), len(b), len(b[0])
    left = np.array(a, dtype=np.float64).reshape(rows, inner)
    right = np.array(b, dtype=np.float64).reshape(inner, cols)
    result: list[list[float]] = (left @ right).tolist()
    return result
