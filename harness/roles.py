"""The role interfaces. Each role has a subpackage holding its implementations.

Roles land here as they are built; the Optimizer, Validator and Store join with the loop.
"""

from typing import Protocol

from harness.providers.base import Completion, Message
from harness.targets.loader import Target
from harness.verify.verdict import Verdict


class Evaluator(Protocol):
    """Judges a candidate module for a target and returns a verdict with its reasons."""

    def evaluate(self, target: Target, source: str, seed: int | None = None) -> Verdict: ...


class Provider(Protocol):
    """A model behind `PROVIDER:MODEL`: messages in, one answer with its usage out."""

    name: str

    def complete(
        self, messages: list[Message], temperature: float, max_tokens: int
    ) -> Completion: ...
