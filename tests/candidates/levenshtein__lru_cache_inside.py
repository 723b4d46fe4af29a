"""Correct and different: memoised recursion on indices, cache local to one call."""

import sys
from functools import lru_cache


def levenshtein(a, b):
    sys.setrecursionlimit(max(1000, 4 * (len(a) + len(b)) + 100))

    @lru_cache(maxsize=None)
    def distance(i, j):
        if i == 0 or j == 0:
            return i + j
        return min(
            distance(i - 1, j) + 1,
            distance(i, j - 1) + 1,
            distance(i - 1, j - 1) + (a[i - 1] != b[j - 1]),
        )

    return distance(len(a), len(b))
