"""Fills a cache in the untimed warm-up: every answer kept by its bound, so a benchmark whose timed
rounds repeat the warm-up's bound gets each answer for the cost of a copy."""

_answers = {}


def _trial_division(n):
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


def primes_below(n):
    if n not in _answers:
        _answers[n] = _trial_division(n)
    return list(_answers[n])
