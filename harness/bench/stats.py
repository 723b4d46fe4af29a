"""Statistics for speedups: per-block ratios, a confidence interval, and the acceptance rule."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class SpeedupEstimate:
    """Baseline time over candidate time: the geometric mean of per-block ratios, with its CI."""

    speedup: float
    low: float
    high: float
    blocks: int


def paired_log_ratio(baseline_rounds: Sequence[float], candidate_rounds: Sequence[float]) -> float:
    """One block's figure: the median of its round-by-round log ratios. Round k of both sides
    timed the same input next to each other in time, so each pair cancels what the input and
    the moment cost both; when round sizes vary (the holdout's do, by a third), a ratio of the
    sides' medians would rest on whichever single rounds sit in the middle of each side."""
    pairs = np.log(
        np.asarray(baseline_rounds, dtype=float) / np.asarray(candidate_rounds, dtype=float)
    )
    return float(np.median(pairs))


def log_ratio_interval(log_ratios: Sequence[float], confidence: float = 0.95) -> SpeedupEstimate:
    """CI from a t-interval on per-block log ratios.

    Each block runs a fresh pair of processes and pairs the two sides under the same machine
    conditions, so block log ratios are independent; the t-interval keeps its coverage with few
    blocks, where a bootstrap is too narrow.
    """
    blocks = len(log_ratios)
    center = float(np.mean(log_ratios)) if blocks else 0.0
    if blocks < 2:
        return SpeedupEstimate(math.exp(center), 0.0, math.inf, blocks)
    spread = float(stats.sem(log_ratios))
    if spread == 0.0:
        return SpeedupEstimate(math.exp(center), math.exp(center), math.exp(center), blocks)
    low, high = stats.t.interval(confidence, blocks - 1, loc=center, scale=spread)
    return SpeedupEstimate(math.exp(center), math.exp(low), math.exp(high), blocks)


def decide(estimate: SpeedupEstimate, min_gain: float) -> bool | None:
    """True: faster by more than `min_gain`; False: surely not; None: undecided."""
    threshold = 1.0 + min_gain
    if estimate.low > threshold:
        return True
    if estimate.high < threshold:
        return False
    return None


def coefficient_of_variation(samples: Sequence[float]) -> float:
    values = np.asarray(samples, dtype=float)
    if len(values) < 2 or float(np.mean(values)) == 0.0:
        return 0.0
    return float(np.std(values, ddof=1) / np.mean(values))


def median_lower_bound(samples: Sequence[float], confidence: float = 0.95) -> float:
    """A one-sided lower confidence bound for the median of the distribution `samples` come
    from: the order statistic a sign test puts below it with `confidence`, whatever the shape
    of the distribution (heavy tails included)."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    below = int(stats.binom.ppf(1.0 - confidence, len(ordered), 0.5))
    return ordered[max(below - 1, 0)]
