"""A faster sieve whose primality test of the sieving primes is cached: a pure helper with a small
domain (the numbers up to the square root of n), not the function's results."""

from functools import lru_cache


@lru_cache(maxsize=None)
def _is_prime(p):
    return p > 1 and all(p % d for d in range(2, int(p**0.5) + 1))


def primes_below(n):
    if n <= 2:
        return []
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(n**0.5) + 1):
        if _is_prime(p):
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return [i for i, flag in enumerate(sieve) if flag]
