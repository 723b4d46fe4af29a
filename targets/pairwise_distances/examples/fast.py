"""Euclidean distance matrix, vectorized with numpy broadcasting."""

import numpy as np


def pairwise_distances(points: list[list[float]]) -> list[list[float]]:
    if not points:
        return []
    array = np.asarray(points, dtype=np.float64)
    # Differences, not the |x|^2 + |y|^2 - 2xy trick, which loses precision to cancellation.
    diff = array[:, None, :] - array[None, :, :]
    result: list[list[float]] = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff)).tolist()
    return result
