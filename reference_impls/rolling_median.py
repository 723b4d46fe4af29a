"""Reference rolling median, built on numpy sliding_window_view and np.median."""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def rolling_median(xs: list[float], window: int) -> list[float]:
    if window < 1 or window > len(xs):
        return []
    array = np.asarray(xs, dtype=np.float64)
    medians = np.median(sliding_window_view(array, window), axis=1)
    return [float(m) for m in medians]
