"""harness: benchmark-driven code optimization with verdicts you can trust.

Names are imported when first used, so `import harness.store` (a notebook reading results) does
not load the gate's statistics and property-testing libraries."""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.errors import ConfigError, HarnessError, TargetError
    from harness.roles import Benchmark, Evaluator, Optimizer, Provider, Store, Validator
    from harness.targets.loader import Target, load_target
    from harness.verdict import Check, Counterexample, Verdict
    from harness.verify.gate import Verifier

_WHERE = {
    "ConfigError": "harness.errors",
    "HarnessError": "harness.errors",
    "TargetError": "harness.errors",
    "Benchmark": "harness.roles",
    "Evaluator": "harness.roles",
    "Optimizer": "harness.roles",
    "Provider": "harness.roles",
    "Store": "harness.roles",
    "Validator": "harness.roles",
    "Target": "harness.targets.loader",
    "load_target": "harness.targets.loader",
    "Verifier": "harness.verify.gate",
    "Check": "harness.verdict",
    "Counterexample": "harness.verdict",
    "Verdict": "harness.verdict",
}
__all__ = [
    "Benchmark",
    "Check",
    "ConfigError",
    "Counterexample",
    "Evaluator",
    "HarnessError",
    "Optimizer",
    "Provider",
    "Store",
    "Target",
    "TargetError",
    "Validator",
    "Verdict",
    "Verifier",
    "load_target",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'harness' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
