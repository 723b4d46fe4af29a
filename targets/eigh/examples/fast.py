"""Eigen-decomposition of a symmetric matrix with LAPACK's divide and conquer (numpy)."""

import numpy as np


def eigh(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, vectors = np.linalg.eigh(matrix)
    return values, vectors
