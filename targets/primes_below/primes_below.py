"""All primes below n, found by trial division of every candidate."""


def primes_below(n: int) -> list[int]:
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
