"""The role interfaces. Each role has a subpackage holding its implementations.

The Store role joins with the experiment store (MLflow).
"""

from typing import TYPE_CHECKING, Protocol

from harness.providers.base import Completion, Message
from harness.targets.loader import Target
from harness.verify.verdict import Verdict

if TYPE_CHECKING:
    from harness.bench.runner import BenchOutcome
    from harness.loop.optimizer import Proposal
    from harness.loop.validator import Review


class Evaluator(Protocol):
    """Judges a candidate module for a target and returns a verdict with its reasons."""

    def evaluate(self, target: Target, source: str, seed: int | None = None) -> Verdict: ...


class Provider(Protocol):
    """A model behind `PROVIDER:MODEL`: messages in, one answer with its usage out."""

    name: str

    def complete(
        self, messages: list[Message], temperature: float, max_tokens: int
    ) -> Completion: ...


class Optimizer(Protocol):
    """Proposes a new module for the target, given the current best and what went before."""

    def propose(self, target: Target, current: str, profile: str, history: str) -> "Proposal": ...


class Validator(Protocol):
    """Reviews a correct candidate: approve or reject, and inputs designed to break it."""

    def review(self, target: Target, diff: str, facts: str) -> "Review": ...


class Benchmark(Protocol):
    """Times contenders against each other until the chosen pair's interval is decisive."""

    def run(self, decide_pair: tuple[str, str] | None = None) -> "BenchOutcome": ...
