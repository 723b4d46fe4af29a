"""Reference list of the primes below n, built on a numpy sieve of Eratosthenes."""

import numpy as np


def primes_below(n: int) -> list[int]:
    if n <= 2:
        return []
    sieve = np.ones(n, dtype=bool)
    sieve[:2] = False
    for p in range(2, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = False
    return [int(p) for p in np.flatnonzero(sieve)]
