"""Matrix product of an m x k and a k x n matrix, with three nested loops."""


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    rows, inner, cols = len(a), len(b), len(b[0])
    result = []
    for i in range(rows):
        row = []
        for j in range(cols):
            total = 0.0
            for t in range(inner):
                total += a[i][t] * b[t][j]
            row.append(total)
        result.append(row)
    return result
