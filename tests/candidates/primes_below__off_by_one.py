"""Includes n itself when n is prime: wrong at the boundary."""


def primes_below(n):
    return [p for p in range(2, n + 1) if all(p % d for d in range(2, int(p**0.5) + 1))]
