"""Reference eigen-decomposition of a symmetric matrix: LAPACK's, through numpy.linalg.eigh."""

import numpy as np


def eigh(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, vectors = np.linalg.eigh(np.asarray(matrix, dtype=np.float64))
    return np.ascontiguousarray(values), np.ascontiguousarray(vectors)
