"""What the store keeps, as plain data: a session's start, each judged candidate, the rows read
back. Every store turns the same entries into the same rows (the contract tests check it)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.records import CandidateRecord, ModelCall

CANDIDATE_COLUMNS = [
    "session",
    "candidate",
    "step",
    "round",
    "stage",
    "optimizer",
    "parent",
    "repair_of",
    "verdict",
    "reason",
    "speedup",
    "ci_low",
    "ci_high",
    "cumulative_speedup",
    "checks_passed",
    "validator_approved",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "latency_s",
    "verdict_seconds",
]
SESSION_COLUMNS = [
    "session",
    "target",
    "status",
    "optimizer",
    "validator",
    "temperature",
    "candidates_per_round",
    "seed",
    "candidates",
    "accepted",
    "cumulative_speedup",
    "ci_low",
    "ci_high",
    "speedup_vs_reference",
    "cost_usd",
    "unpriced",
    "holdout",
    "stop_reason",
]


SESSION_PARAMS = ["optimizer", "validator", "temperature", "candidates_per_round", "seed"]
_INTS = {
    "step",
    "round",
    "checks_passed",
    "input_tokens",
    "output_tokens",
    "candidates",
    "accepted",
}
_FLAGS = {"validator_approved"}
_FLOATS = {"speedup", "ci_low", "ci_high", "cumulative_speedup", "cost_usd", "latency_s"}
_FLOATS |= {"verdict_seconds", "speedup_vs_reference", "temperature"}


@dataclass(frozen=True)
class SessionEntry:
    id: str
    target: str
    params: dict[str, str]  # optimizer, validator, temperatures, candidates_per_round, seed, ...


@dataclass(frozen=True)
class CandidateEntry:
    record: CandidateRecord
    step: int  # 1, 2, ... in the order candidates were judged
    cumulative_speedup: float  # product of the accepted steps' speedups so far
    params: dict[str, str] = field(default_factory=dict)  # e.g. the session's models

    @property
    def prompt_version(self) -> str:
        return next((call.prompt_version for call in self.record.calls), "")


def candidate_metrics(entry: CandidateEntry) -> dict[str, float]:
    """The numbers charted per candidate; a missing speedup, or the cost of a candidate whose
    calls include an unpriced model's, is left out, not faked as 0."""
    record = entry.record
    checks = record.verdict.checks if record.verdict is not None else []
    metrics = {
        "step": float(entry.step),
        "cumulative_speedup": entry.cumulative_speedup,
        "checks_passed": float(sum(1 for check in checks if check.passed)),
        "input_tokens": float(sum(call.input_tokens for call in record.calls)),
        "output_tokens": float(sum(call.output_tokens for call in record.calls)),
        "cost_usd": priced_cost(record.calls),
        "latency_s": sum(call.seconds for call in record.calls),
        "verdict_seconds": record.seconds,
    }
    if any(call.cost_usd is None for call in record.calls):
        del metrics["cost_usd"]
    if record.review is not None:
        metrics["validator_approved"] = float(record.review.approve)
    if record.speedup is not None:
        metrics["speedup"] = record.speedup
    if record.speedup_ci:
        metrics["ci_low"], metrics["ci_high"] = record.speedup_ci
    return metrics


def priced_cost(calls: Iterable[ModelCall]) -> float:
    """The cost of the calls whose model has a price (an unpriced one counts as unknown, and is
    shown as "unpriced" where the session's cost is shown)."""
    return sum(call.cost_usd for call in calls if call.cost_usd is not None)


def candidate_row(session: str, entry: CandidateEntry) -> dict[str, Any]:
    record = entry.record
    row: dict[str, Any] = {"session": session, "candidate": record.id, "round": record.round}
    row |= {"parent": record.parent, "verdict": record.status, "reason": first_reason(record)}
    row |= {"repair_of": record.repair_of, "stage": record.stage}
    row["optimizer"] = record.optimizer or None  # "": a collaborator handed in by a test
    return typed(row | candidate_metrics(entry), CANDIDATE_COLUMNS)


def session_row(session: SessionEntry, finished: dict[str, Any] | None) -> dict[str, Any]:
    row: dict[str, Any] = {"session": session.id, "target": session.target}
    row |= {key: session.params.get(key) for key in SESSION_PARAMS}
    row["status"] = "finished" if finished else "running"
    return typed(row | (finished or {}), SESSION_COLUMNS)


def finished_fields(result: dict[str, Any]) -> dict[str, Any]:
    """The session columns a finished session's result fills in. A session whose final
    re-benchmark failed has status "failed" and no speedup; a session with unpriced models shows
    them instead of a cost that would read as $0."""
    low, high = result["cumulative_speedup_ci"] or (None, None)
    unpriced = ", ".join(result.get("unpriced", []))
    return {
        "status": "failed" if result.get("final_problems") else "finished",
        "candidates": result["candidates"],
        "accepted": len(result["accepted"]),
        "cumulative_speedup": result["cumulative_speedup"],
        "ci_low": low,
        "ci_high": high,
        "speedup_vs_reference": result["speedup_vs_reference"],
        "cost_usd": None if unpriced else result["cost_usd"],
        "unpriced": unpriced or None,
        "holdout": result.get("holdout") or None,
        "stop_reason": result["stop_reason"],
    }


def stage_metrics(result: dict[str, Any]) -> dict[str, float]:
    """Per stage of a relay (`stage1_speedup`, ...): its measured speedup from its start to its
    end, candidates, accepted ones and cost; a speedup not measured is left out."""
    metrics: dict[str, float] = {}
    for stage in result.get("stages", []):
        prefix = f"stage{stage['stage']}_"
        numbers = {key: stage[key] for key in ("speedup", "candidates", "accepted", "cost_usd")}
        metrics |= {prefix + k: float(v) for k, v in numbers.items() if v is not None}
    return metrics


def typed(row: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    """Every column present, counts as int, flags as bool, other numbers as float: what any
    store reads back, whatever its own types."""
    out: dict[str, Any] = dict.fromkeys(columns)
    for key, value in row.items():
        if key not in out or value is None:
            continue
        if key in _INTS:
            value = int(float(value))
        elif key in _FLAGS:
            value = bool(float(value))
        elif key in _FLOATS:
            value = float(value)
        out[key] = value
    return out


def first_reason(record: CandidateRecord) -> str:
    return record.reason.split("\n", 1)[0][:500]
