"""Rounds of a repository target that no process has seen before.

A repository target's rounds are its recorded calls. Replaying all of them in every round lets a
candidate that keeps its results between calls answer every round after the first from memory.
Instead each block (a fresh process per side) shuffles the pool and cuts it into disjoint
slices: the first warms the process up, each timed round gets one of the others, so no call
reaches a process twice. Both sides get the same slices in the same order, so rounds stay paired.
"""

import math
import threading
from collections.abc import Callable
from typing import Any

Calls = list[list[Any]]

# With fewer distinct calls, a block's slices hold too little work to time (A/A intervals of
# 9-15% at 20-80 calls, see benchmarks/unseen_rounds.py): every round replays them all, and the
# fresh-process check of kept results is then the only defence against a cache.
MIN_POOL = 100


class CallSlices:
    """Per block, the pool in an order of its own, cut into slices of `per_round` calls."""

    def __init__(self, pool_size: int, shuffled: Callable[[int], Calls], warm_up: bool) -> None:
        """`pool_size`: `MIN_POOL` at least, so there are slices to spare for a warm-up."""
        # Slices of about the square root of the pool: as many rounds as calls in each, so
        # neither the rounds' median nor a round's own timing rests on a handful of samples.
        self.per_round = round(math.sqrt(pool_size))
        slices = pool_size // self.per_round
        self.warms_up = warm_up
        self.max_rounds = slices - 1 if warm_up else slices
        self._shuffled = shuffled
        self._blocks: dict[int, Calls] = {}
        self._lock = threading.Lock()

    def round_calls(self, block: int, index: int) -> Calls:
        """Round `index` of `block` (-1: the warm-up), disjoint from every other round of it."""
        start = (index + 1 if self.warms_up else index) * self.per_round
        return self._block(block)[start : start + self.per_round]

    def _block(self, block: int) -> Calls:
        with self._lock:
            if block not in self._blocks:
                self._blocks = {b: c for b, c in self._blocks.items() if abs(b - block) <= 2}
                self._blocks[block] = self._shuffled(block)
            return self._blocks[block]
