"""Which of a stage's optimizers proposes each candidate: in turn, or a cost-aware bandit.

The bandit is Thompson sampling over each optimizer's acceptance (a Beta posterior), times the
mean gain of its accepted candidates (log speedup), divided by its cost per candidate relative to
the others' (USD when every optimizer's calls are priced, else the seconds its calls took)."""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from harness.records import CandidateRecord
from harness.registry import Registry

# A gain assumed for an optimizer with nothing accepted yet (log of 1.1x): enough that an untried
# or unlucky optimizer is still drawn now and then, not so much that it outweighs real gains.
_PRIOR_GAIN = math.log(1.1)


class Chooser(Protocol):
    def choose(
        self, labels: Sequence[str], history: Sequence[CandidateRecord], count: int, seed: str
    ) -> list[str]:
        """`count` picks among `labels` for the next round, given the stage's judged candidates
        (`history`, each with its `optimizer`); `seed` makes the picks repeatable."""
        ...


CHOOSERS: Registry[Chooser] = Registry("way to choose an optimizer")


class RoundRobin:
    def choose(
        self, labels: Sequence[str], history: Sequence[CandidateRecord], count: int, seed: str
    ) -> list[str]:
        start = len(history)
        return [labels[(start + i) % len(labels)] for i in range(count)]


@dataclass
class _Arm:
    tries: int = 0
    accepted: int = 0
    gain: float = 0.0  # summed log speedups of accepted candidates
    usd: float = 0.0
    priced: bool = True
    seconds: float = 0.0

    def add(self, record: CandidateRecord) -> None:
        self.tries += 1
        if record.status == "accepted" and (record.speedup or 0.0) > 1.0:
            self.accepted += 1
            self.gain += math.log(record.speedup or 1.0)
        for call in record.calls:
            if call.role == "optimizer":
                self.priced &= call.cost_usd is not None
                self.usd += call.cost_usd or 0.0
                self.seconds += call.seconds

    def value(self, rng: random.Random) -> float:
        chance = rng.betavariate(1 + self.accepted, 1 + self.tries - self.accepted)
        return chance * (self.gain + _PRIOR_GAIN) / (self.accepted + 1)


class Bandit:
    def choose(
        self, labels: Sequence[str], history: Sequence[CandidateRecord], count: int, seed: str
    ) -> list[str]:
        arms = {label: _Arm() for label in labels}
        for record in history:
            if record.optimizer in arms:
                arms[record.optimizer].add(record)
        untried = [label for label in labels if arms[label].tries == 0]
        rng = random.Random(seed)
        picks = untried[:count]
        costs = _relative_costs(arms)
        while len(picks) < count:
            picks.append(max(labels, key=lambda label: arms[label].value(rng) / costs[label]))
        return picks


def _relative_costs(arms: dict[str, _Arm]) -> dict[str, float]:
    """Each arm's cost per candidate over the mean of all (1.0 each while nothing is known)."""
    use_usd = all(arm.priced for arm in arms.values())
    per_try = {
        label: (arm.usd if use_usd else arm.seconds) / max(arm.tries, 1)
        for label, arm in arms.items()
    }
    mean = sum(per_try.values()) / len(per_try)
    if mean <= 0:
        return dict.fromkeys(arms, 1.0)
    # A floor of a tenth of the mean: a free arm is cheap, not infinitely better.
    return {label: max(cost, mean / 10) / mean for label, cost in per_try.items()}


CHOOSERS.register("bandit")(Bandit())
CHOOSERS.register("round-robin")(RoundRobin())
