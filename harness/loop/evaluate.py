"""One candidate through the whole gate: parse, verdict against the current best, validator."""

import tempfile
from pathlib import Path
from typing import Any

from harness.bench.report import pytest_benchmark_json
from harness.errors import TargetError
from harness.loop.base import Validator
from harness.loop.optimizer import Proposal
from harness.loop.records import CandidateRecord
from harness.loop.validator import Review
from harness.targets.code import Code, code_diff
from harness.targets.loader import Target
from harness.verify.differential import Differential, shown
from harness.verify.gate import Verifier
from harness.verify.verdict import Verdict


def evaluate(
    target: Target,
    proposal: Proposal,
    best: Code,
    verifier: Verifier,
    validator: Validator | None,
    veto: bool,
    record: CandidateRecord,
) -> CandidateRecord:
    record.calls.append(proposal.call)
    if proposal.source is None:
        return _mark(record, "invalid", proposal.problem or "no candidate")
    record.source = proposal.source
    record.diff = code_diff(target, best, proposal.source)
    verdict = verifier.evaluate(target, proposal.source, seed=record.seed, baseline=best)
    outcome = verifier.last_outcome  # this verdict's, read right after it
    record.benchmark = pytest_benchmark_json(record.id, outcome) if outcome else None
    record.verdict, record.speedup = verdict.to_json(), verdict.speedup
    record.speedup_ci = list(verdict.speedup_ci) if verdict.speedup_ci else None
    if not verdict.accepted or validator is None:  # only a winner is worth a review's cost
        return _decide(record, verdict, None, None, veto)
    review = validator.review(target, record.diff, _facts(verdict))
    if review.call is not None:
        record.calls.append(review.call)
    record.review = review.to_json()
    broken = check_inputs(target, proposal.source, review.inputs)
    return _decide(record, verdict, review, broken, veto)


def _decide(
    record: CandidateRecord, verdict: Verdict, review: Review | None, broken: str | None, veto: bool
) -> CandidateRecord:
    if not verdict.accepted:
        return _mark(record, "rejected", verdict.reasons[0])
    if broken:
        return _mark(record, "rejected", f"validator input breaks it: {broken}")
    objection = None if review is None or review.approve else "; ".join(review.reasons)
    if objection and veto:
        return _mark(record, "rejected", f"validator: {objection}")
    if objection:  # a claim none of its inputs could show: kept on record, not a veto
        return _mark(
            record, "accepted", f"{verdict.reasons[-1]}; validator objected, unshown: {objection}"
        )
    return _mark(record, "accepted", verdict.reasons[-1])


def _mark(record: CandidateRecord, status: Any, reason: str) -> CandidateRecord:
    record.status, record.reason = status, reason
    return record


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
