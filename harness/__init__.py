"""harness: benchmark-driven code optimization with verdicts you can trust."""

from harness.errors import ConfigError, HarnessError, TargetError
from harness.roles import Evaluator
from harness.targets.loader import Target, load_target
from harness.verify.gate import Verifier
from harness.verify.verdict import Check, Counterexample, Verdict

__all__ = [
    "Check",
    "ConfigError",
    "Counterexample",
    "Evaluator",
    "HarnessError",
    "Target",
    "TargetError",
    "Verdict",
    "Verifier",
    "load_target",
]
