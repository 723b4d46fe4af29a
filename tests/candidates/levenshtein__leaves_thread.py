"""Starts a background worker that outlives the call, through a module the screen lets through
(logging's queue listener runs a thread): the sandbox's own count of threads catches it."""

import queue
from logging.handlers import QueueListener

_listener = QueueListener(queue.Queue())


def levenshtein(a, b):
    if _listener._thread is None:
        _listener.start()
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
