"""A faster sieve, and every result kept in an unbounded cache: an input seen before is answered
from memory."""

import functools


@functools.cache
def _sieved(n):
    if n <= 2:
        return ()
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return tuple(i for i, flag in enumerate(sieve) if flag)


def primes_below(n):
    return list(_sieved(n))
