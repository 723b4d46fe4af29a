"""Inputs for rolling_median: float lists with repeats and a window that may exceed the length;
structured ones with windows 1, len and beyond, sorted, equal, alternating or extreme values."""

import random

from hypothesis import strategies as st


def generate(rng: random.Random, size: int) -> list[object]:
    pool = [round(rng.uniform(-1000.0, 1000.0), 3) for _ in range(max(1, size // 2))]
    xs = [rng.choice(pool) if rng.random() < 0.3 else rng.uniform(-1e6, 1e6) for _ in range(size)]
    if size >= 100:
        # Timing sizes: a mid-sized window, so every call does comparable, real work.
        return [xs, rng.randint(size // 5, size // 2)]
    window = rng.randint(1, max(1, size))
    if rng.random() < 0.15:
        window = size + rng.randint(1, 3)
    return [xs, window]


def edge_cases() -> list[list[object]]:
    return [
        [[], 1],
        [[], 3],
        [[2.5], 1],
        [[2.5], 2],
        [[1.0, 2.0], 2],
        [[1.0, 2.0, 3.0], 5],
        [[3.0, 1.0, 2.0, 4.0], 4],
        [[-1.0, -1.0, -1.0, -1.0], 2],
        [[5.0, -3.0, 5.0, -3.0, 0.0, -0.0], 3],
        [[0.1, 0.2, 0.3, 0.4, 0.5], 2],
        [[-1e6, 1e6, -1e6, 1e6, 1e-300], 4],
        [[float(i % 3) for i in range(10)], 1],
    ]


# Values of these magnitudes mixed: the mean of two middle values never overflows.
SCALES = (1e-150, 1e150)


def _extreme(rng: random.Random, size: int) -> list[float]:
    return [
        rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 1.0) * rng.choice(SCALES) for _ in range(size)
    ]


def structured(rng: random.Random, size: int) -> list[list[object]]:
    """At length `size`: window 1, window len(xs) and a window past the end; sorted,
    reverse-sorted and all-equal values; two values alternating and magnitudes 1e-150 and 1e150
    mixed, both under an even window (the median a mean of two middle values)."""
    xs = [rng.uniform(-1e6, 1e6) for _ in range(size)]
    window = rng.randint(max(1, size // 5), max(1, size // 2))
    even = 2 * max(1, window // 2)
    pair = [rng.uniform(-10.0, 10.0), rng.uniform(-10.0, 10.0)]
    return [
        [xs, 1],
        [xs, max(1, size)],
        [xs, size + rng.randint(1, 3)],
        [sorted(xs), window],
        [sorted(xs, reverse=True), window],
        [[pair[0]] * size, window],
        [[pair[i % 2] for i in range(size)], even],
        [_extreme(rng, size), even],
    ]


def strategy() -> st.SearchStrategy[list[object]]:
    value = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
    xs = st.lists(value, max_size=12)
    return st.tuples(xs, st.integers(1, 14)).map(lambda pair: [pair[0], pair[1]])
