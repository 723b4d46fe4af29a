"""Median of every full window of a list, sorting each window from scratch."""


def rolling_median(xs: list[float], window: int) -> list[float]:
    medians = []
    for start in range(len(xs) - window + 1):
        values = sorted(xs[start : start + window])
        middle = window // 2
        if window % 2 == 1:
            medians.append(float(values[middle]))
        else:
            medians.append((values[middle - 1] + values[middle]) / 2)
    return medians
