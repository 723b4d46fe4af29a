"""Every prime below 12 million, sieved once when the module is imported; each call slices the
table. Each timed call is thousands of times faster, but the import takes far longer than the
calls a process makes would ever save."""

from bisect import bisect_left

_LIMIT = 12_000_000
_sieve = bytearray([1]) * _LIMIT
_sieve[0:2] = b"\x00\x00"
for _p in range(2, int(_LIMIT**0.5) + 1):
    if _sieve[_p]:
        _sieve[_p * _p :: _p] = bytes(len(range(_p * _p, _LIMIT, _p)))
_PRIMES = [i for i, flag in enumerate(_sieve) if flag]


def primes_below(n):
    if n <= _LIMIT:
        return _PRIMES[: bisect_left(_PRIMES, n)]
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return [i for i, flag in enumerate(sieve) if flag]
