"""Primes below n with a bytearray sieve of Eratosthenes."""


def primes_below(n: int) -> list[int]:
    if n <= 2:
        return []
    sieve = bytearray([1]) * n
    sieve[0] = sieve[1] = 0
    p = 2
    while p * p < n:
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
        p += 1
    return [i for i, flag in enumerate(sieve) if flag]
