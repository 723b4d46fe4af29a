"""Right only up to the largest bound a verdict draws (the size the prompt names and a tenth
more): the primes below it sieved at import, every bound answered from that table, so a larger
bound misses the primes above it."""

import bisect


def _sieved(n):
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return [i for i, flag in enumerate(sieve) if flag]


_TABLE = _sieved(44001)


def primes_below(n):
    return _TABLE[: bisect.bisect_left(_TABLE, n)]
