"""Euclidean distance matrix of a list of points, computed naively in pure Python."""

import math


def pairwise_distances(points: list[list[float]]) -> list[list[float]]:
    result = []
    for p in points:
        row = []
        for q in points:
            total = 0.0
            for i in range(len(p)):
                total += (p[i] - q[i]) ** 2
            row.append(math.sqrt(total))
        result.append(row)
    return result
