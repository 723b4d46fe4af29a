"""A faster sieve; the table of primes below 256 is built by the first call and kept: one-time
work that does not depend on the input."""

_SMALL = None


def _small_primes():
    global _SMALL
    if _SMALL is None:
        _SMALL = [i for i in range(2, 256) if all(i % d for d in range(2, int(i**0.5) + 1))]
    return _SMALL


def primes_below(n):
    small = _small_primes()
    if n <= 256:
        return [p for p in small if p < n]
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in small:
        if p * p >= n:
            break
        sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    for p in range(257, int(n**0.5) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytes(len(range(p * p, n, p)))
    return [i for i, flag in enumerate(sieve) if flag]
