"""Sorts the caller's list in place while computing medians."""


def rolling_median(xs, window):
    out = []
    for start in range(len(xs) - window + 1):
        chunk = xs[start : start + window]
        chunk.sort()
        mid = window // 2
        out.append(float(chunk[mid]) if window % 2 else (chunk[mid - 1] + chunk[mid]) / 2)
    xs.sort()
    return out
