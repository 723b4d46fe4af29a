"""The judging role's interface, implemented by `harness.verify.gate.Verifier`."""

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from harness.targets.code import Code
    from harness.targets.loader import Target
    from harness.verdict import Verdict


class Evaluator(Protocol):
    """Judges a candidate against the current best (`baseline`, the original when None): is it
    correct, and is it really faster? The verdict carries its reasons and its timings."""

    def evaluate(
        self,
        target: "Target",
        source: "Code",
        seed: int | None = None,
        baseline: "Code | None" = None,
    ) -> "Verdict": ...
