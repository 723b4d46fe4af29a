"""Inputs for primes_below: bounds within a tenth of `size` (fresh every call, so no timed round
repeats the one before it), often exactly on a prime or one past it; structured bounds on
squares of primes and powers of two; bounds below 2.
"""

import math
import random

from hypothesis import strategies as st


def _is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1))


def _prime_at_or_below(n: int) -> int:
    """The largest prime <= n, or 2 when there is none (trial division: the gap is small)."""
    while n > 2 and not _is_prime(n):
        n -= 1
    return max(n, 2)


def _near(rng: random.Random, size: int) -> int:
    """A bound drawn uniformly within a tenth of `size` (within 1 of it when small); symmetric,
    so the expected work per call stays that of `size`."""
    spread = max(1, size // 10)
    return rng.randint(size - spread, size + spread)


def generate(rng: random.Random, size: int) -> list[object]:
    bound = _near(rng, size)
    if bound >= 2 and rng.random() < 0.25:
        bound = _prime_at_or_below(bound) + rng.randint(0, 1)  # is n itself excluded?
    return [bound]


def edge_cases() -> list[list[object]]:
    return [[-10], [-1], [0], [1], [2], [3], [4], [5], [25], [97], [98], [121]]


def structured(rng: random.Random, size: int) -> list[list[object]]:
    """Bounds near `size` where an off-by-one shows: a prime and one past it, the square of a
    prime and one past it (p * p is the composite a sieve stopping one prime short leaves in),
    a power of two and its neighbours."""
    around = max(2, _near(rng, size))
    prime = _prime_at_or_below(around)
    root = _prime_at_or_below(math.isqrt(around))
    power = 1 << (around.bit_length() - 1)
    bounds = [prime, prime + 1, root * root, root * root + 1, power - 1, power, power + 1]
    return [[bound] for bound in bounds]


def strategy() -> st.SearchStrategy[list[object]]:
    return st.integers(-20, 3000).map(lambda n: [n])
