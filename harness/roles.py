"""The role interfaces. Each role has a subpackage holding its implementations.

Roles land here as they are built: the Evaluator (correctness gate) first; the Benchmark,
Provider, Optimizer, Validator and Store roles join with their issues.
"""

from typing import Protocol

from harness.targets.loader import Target
from harness.verify.verdict import Verdict


class Evaluator(Protocol):
    """Judges a candidate module for a target and returns a verdict with its reasons."""

    def evaluate(self, target: Target, source: str, seed: int | None = None) -> Verdict: ...
