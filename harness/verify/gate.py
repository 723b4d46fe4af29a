"""The correctness gate: a loop over stages, stopping at the first failure."""

import secrets
import tempfile
from pathlib import Path

from harness.targets.inputs import InputSource
from harness.targets.loader import Target
from harness.verify.differential import Differential
from harness.verify.stages import STAGES, GateContext
from harness.verify.verdict import Verdict


def new_seed() -> int:
    return secrets.randbelow(2**31)


class CorrectnessGate:
    """The `Evaluator` for correctness: is this module a faithful replacement of the entry?"""

    def evaluate(self, target: Target, source: str, seed: int | None = None) -> Verdict:
        verdict = Verdict(target=target.name, seed=new_seed() if seed is None else seed)
        inputs = InputSource(target)
        with tempfile.TemporaryDirectory(prefix="harness-verify-") as tmp:
            workdir = Path(tmp)
            candidate_file = workdir / target.entry_file.name
            candidate_file.write_text(source, encoding="utf-8")
            differential = Differential(target, candidate_file, workdir)
            context = GateContext(
                target, source, candidate_file, verdict.seed, inputs, differential, workdir
            )
            try:
                for stage in STAGES:
                    check = stage(context)
                    if check is not None:
                        verdict.checks.append(check)
                        if not check.passed:
                            break
            finally:
                differential.close()
        return verdict
