"""Rolling median with one sorted window kept up to date by bisect."""

from bisect import bisect_left, insort


def rolling_median(xs: list[float], window: int) -> list[float]:
    n = len(xs)
    if window < 1 or window > n:
        return []
    values = sorted(xs[:window])
    middle = window // 2
    odd = window % 2 == 1
    medians = []
    for start in range(n - window + 1):
        if start:
            del values[bisect_left(values, xs[start - 1])]
            insort(values, xs[start + window - 1])
        if odd:
            medians.append(float(values[middle]))
        else:
            medians.append((values[middle - 1] + values[middle]) / 2)
    return medians
