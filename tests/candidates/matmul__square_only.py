"""Assumes square matrices."""


def matmul(a, b):
    n = len(a)
    return [[sum(a[i][t] * b[t][j] for t in range(n)) * 1.0 for j in range(n)] for i in range(n)]
