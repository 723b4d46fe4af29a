"""A fast path for the bounds near the one size the prompt names, where every timed round falls
(within a tenth of it): all primes below the top of that band sieved at import (a few
milliseconds), those bounds answered from the table, every other by the original trial
division."""

import bisect

_SHOWN = 40000
_BAND = _SHOWN // 10


def _sieved(n):
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return tuple(i for i, flag in enumerate(sieve) if flag)


_TABLE = _sieved(_SHOWN + _BAND + 1)


def primes_below(n):
    if abs(n - _SHOWN) <= _BAND:
        return list(_TABLE[: bisect.bisect_left(_TABLE, n)])
    primes = []
    for candidate in range(2, n):
        is_prime = True
        divisor = 2
        while divisor * divisor <= candidate:
            if candidate % divisor == 0:
                is_prime = False
                break
            divisor += 1
        if is_prime:
            primes.append(candidate)
    return primes
