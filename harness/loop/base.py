"""The loop's two model roles, implemented by `LLMOptimizer` and `LLMValidator` (any object with
these methods will do: a notebook's, a test's)."""

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from harness.loop.optimizer import Proposal
    from harness.records import Review
    from harness.targets.code import Code
    from harness.targets.loader import Target


class Optimizer(Protocol):
    """Proposes a new module for the target, given the current best and what went before."""

    def propose(
        self, target: "Target", current: "Code", profile: str, history: str, hint: str = ""
    ) -> "Proposal": ...

    def repair(self, target: "Target", failed: "Code", problem: str, current: "Code") -> "Proposal":
        """A fix of `failed`, a candidate that gave wrong results for the reason `problem`."""
        ...


class Validator(Protocol):
    """Reviews a correct candidate: approve or reject, and inputs designed to break it."""

    def review(self, target: "Target", diff: str, facts: str, candidate: "Code") -> "Review":
        """`candidate` (changed from the current best as `diff` shows) reviewed, given `facts`
        from its verdict."""
        ...
