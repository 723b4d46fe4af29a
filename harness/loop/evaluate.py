"""One candidate through the whole gate: parse, verdict against the current best, validator."""

import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.errors import TargetError
from harness.loop.base import Validator
from harness.loop.optimizer import Proposal
from harness.records import CandidateRecord, Review
from harness.targets.code import Code, code_diff
from harness.targets.loader import Target
from harness.verdict import Verdict
from harness.verify.base import Evaluator
from harness.verify.differential import Differential, shown


def evaluate(
    target: Target,
    proposal: Proposal,
    best: Code,
    evaluator: Evaluator,
    validator: Validator | None,
    veto: bool,
    record: CandidateRecord,
) -> CandidateRecord:
    """`record` (its id, round, parent and seed) judged: the proposal's code through the
    evaluator, then, for a winner, the validator's review and the inputs it chose."""
    record = replace(record, calls=(proposal.call,), repair_of=proposal.repair_of)
    if proposal.source is None:
        return record.decided("invalid", proposal.problem or "no candidate")
    diff = code_diff(target, best, proposal.source)
    verdict = evaluator.evaluate(target, proposal.source, seed=record.seed, baseline=best)
    record = replace(record, source=proposal.source, diff=diff, verdict=verdict)
    if not verdict.accepted or validator is None:  # only a winner is worth a review's cost
        return _decide(record, verdict, None, None, veto)
    review = validator.review(target, diff, _facts(verdict), proposal.source)
    calls = record.calls + ((review.call,) if review.call is not None else ())
    record = replace(record, review=replace(review, call=None), calls=calls)
    broken = check_inputs(target, proposal.source, review.inputs)
    return _decide(record, verdict, review, broken, veto)


def _decide(
    record: CandidateRecord, verdict: Verdict, review: Review | None, broken: str | None, veto: bool
) -> CandidateRecord:
    if not verdict.accepted:
        return record.decided("rejected", verdict.reasons[0])
    if broken:
        return record.decided("rejected", f"validator input breaks it: {broken}")
    objection = None if review is None or review.approve else "; ".join(review.reasons)
    if objection and veto:
        return record.decided("rejected", f"validator: {objection}")
    if objection:  # a claim none of its inputs could show: kept on record, not a veto
        return record.decided(
            "accepted", f"{verdict.reasons[-1]}; validator objected, unshown: {objection}"
        )
    return record.decided("accepted", verdict.reasons[-1])


def _facts(verdict: Verdict) -> str:
    low, high = verdict.speedup_ci or (0.0, 0.0)
    checks = ", ".join(check.name for check in verdict.checks if check.passed)
    return f"passed: {checks}; speedup {verdict.speedup or 0:.2f}x (95% CI {low:.2f}-{high:.2f})"


def check_inputs(target: Target, source: Code, inputs: list[list[Any]]) -> str | None:
    """Run the validator's inputs through the differential test; inputs outside the reference's
    domain (the reference itself fails) are skipped."""
    if not inputs:
        return None
    with tempfile.TemporaryDirectory(prefix="harness-extra-") as tmp:
        differential = Differential(target, source, Path(tmp))
        try:
            for args in inputs:
                try:
                    mismatch = differential.check(args)
                except TargetError:
                    continue
                if mismatch:
                    return f"{mismatch.reason} on input {shown(args)}"
        finally:
            differential.close()
    return None
