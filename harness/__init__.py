"""harness: benchmark-driven code optimization with verdicts you can trust."""

from harness.errors import ConfigError, HarnessError, TargetError
from harness.roles import Benchmark, Evaluator, Optimizer, Provider, Validator
from harness.targets.loader import Target, load_target
from harness.verify.gate import Verifier
from harness.verify.verdict import Check, Counterexample, Verdict

__all__ = [
    "Benchmark",
    "Check",
    "ConfigError",
    "Counterexample",
    "Evaluator",
    "HarnessError",
    "Optimizer",
    "Provider",
    "Target",
    "TargetError",
    "Validator",
    "Verdict",
    "Verifier",
    "load_target",
]
