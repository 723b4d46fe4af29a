"""What a trial is worth: its speedup, its speedup per dollar, or both at once (speedup up, cost
down: a Pareto front)."""

import math
from dataclasses import dataclass
from typing import Literal

from harness.loop.session import Session

ObjectiveName = Literal["speedup", "speedup-per-dollar", "both"]
Direction = Literal["maximize", "minimize"]
OBJECTIVES: tuple[ObjectiveName, ...] = ("speedup", "speedup-per-dollar", "both")
# A session that cost less than this counts as costing this much: free models (local, fake) do
# not get an infinite score, and among them the speedup alone decides.
MIN_COST_USD = 0.001


@dataclass(frozen=True)
class Objective:
    name: ObjectiveName

    @property
    def directions(self) -> list[Direction]:
        return ["maximize", "minimize"] if self.name == "both" else ["maximize"]

    @property
    def metric_names(self) -> list[str]:
        return ["speedup", "cost_usd"] if self.name == "both" else [self.name]

    @property
    def prunable(self) -> bool:
        """Optuna prunes single-objective studies only."""
        return self.name != "both"

    def values(self, speedup: float, cost_usd: float) -> list[float]:
        if self.name == "both":
            return [speedup, cost_usd]
        if self.name == "speedup-per-dollar":
            return [speedup / max(cost_usd, MIN_COST_USD)]
        return [speedup]

    def so_far(self, session: Session) -> float:
        """The value after the rounds done: the accepted steps' speedups multiplied (the final
        value re-benchmarks original against best instead)."""
        return self.values(chain_speedup(session), session.cost_usd)[0]


def chain_speedup(session: Session) -> float:
    return math.prod(step.speedup or 1.0 for step in session.steps)
