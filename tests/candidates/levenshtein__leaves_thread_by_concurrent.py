"""Starts a background worker that outlives the call, with concurrent.futures: threads by
another name, which the screen refuses."""

from concurrent.futures import ThreadPoolExecutor

_pool = ThreadPoolExecutor(max_workers=1)


def levenshtein(a, b):
    _pool.submit(sum, [1, 2])
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
