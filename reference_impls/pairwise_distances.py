"""Reference Euclidean distance matrix, built on scipy.spatial.distance.cdist."""

import numpy as np
from scipy.spatial.distance import cdist


def pairwise_distances(points: list[list[float]]) -> list[list[float]]:
    if not points:
        return []
    array = np.asarray(points, dtype=np.float64)
    return [[float(d) for d in row] for row in cdist(array, array, "euclidean")]
