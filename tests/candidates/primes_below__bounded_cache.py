"""A faster sieve, and the last 32 results kept in a module-level dict, oldest dropped first."""

_KEPT = {}


def primes_below(n):
    if n in _KEPT:
        return list(_KEPT[n])
    primes = []
    if n > 2:
        sieve = bytearray([1]) * n
        sieve[0:2] = b"\x00\x00"
        for p in range(2, int(n**0.5) + 1):
            if sieve[p]:
                sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
        primes = [i for i, flag in enumerate(sieve) if flag]
    if len(_KEPT) >= 32:
        del _KEPT[next(iter(_KEPT))]
    _KEPT[n] = tuple(primes)
    return primes
