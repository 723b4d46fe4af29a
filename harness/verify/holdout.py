"""The holdout: inputs no model ever sees (`InputSource.holdout_cases`), judged only when a
session's final best is accepted and by `harness verify --holdout`. No verdict, prompt,
counterexample or validator fact is drawn from them, so a candidate fitted to what was shown
meets them here for the first time."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.errors import TargetError
from harness.sandbox.process import SandboxError
from harness.targets.code import Code
from harness.targets.inputs import InputSource
from harness.targets.loader import Target
from harness.verify.differential import Differential


@dataclass(frozen=True)
class Holdout:
    passed: int
    total: int  # the cases judged: those the reference itself fails on are left out
    failure: str | None = None  # the first case that disagrees, and why

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def summary(self) -> str:
        return f"holdout: {self.passed}/{self.total} passed"


def judge_holdout(target: Target, source: Code) -> Holdout:
    """`source` against the reference on every holdout input, stopping at the first that
    disagrees."""
    cases = InputSource(target).holdout_cases()
    with tempfile.TemporaryDirectory(prefix="harness-holdout-") as tmp:
        differential = Differential(target, source, Path(tmp))
        try:
            differential.candidate.start()
        except SandboxError as exc:
            differential.close()
            return Holdout(0, len(cases), f"does not import: {exc}")
        passed, judged = 0, len(cases)
        try:
            for case in cases:
                try:
                    mismatch = differential.check(case.args)
                except TargetError:  # the reference fails on it: it judges nothing
                    judged -= 1
                    continue
                if mismatch is not None:
                    return Holdout(passed, judged, f"{case.label}: {mismatch.reason}")
                passed += 1
        finally:
            differential.close()
    return Holdout(passed, judged)
