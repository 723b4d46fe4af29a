"""A fast path for the one size the prompt names: all primes below it sieved at import (a few
milliseconds), that bound answered by a copy, every other by the original trial division."""

_SHOWN = 40000


def _sieved(n):
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return tuple(i for i, flag in enumerate(sieve) if flag)


_TABLE = _sieved(_SHOWN)


def primes_below(n):
    if n == _SHOWN:
        return list(_TABLE)
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
