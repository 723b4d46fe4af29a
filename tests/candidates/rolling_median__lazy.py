"""Returns a lazy generator instead of a list."""


def rolling_median(xs, window):
    return (sorted(xs[i : i + window])[window // 2] for i in range(len(xs) - window + 1))
