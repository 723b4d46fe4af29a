"""Per-stage attribution of a relay: what each stage started from and ended with, the speedup
between the two (measured side by side in the final re-benchmark), its candidates and its cost,
and per optimizer within it."""

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from harness.bench.outcome import BenchOutcome
from harness.bench.runner import Contender
from harness.records import CandidateRecord
from harness.store.entries import priced_cost

if TYPE_CHECKING:
    from harness.loop.session import Session


@dataclass(frozen=True)
class StageSummary:
    stage: int
    optimizers: list[str]
    start: str  # the candidate id it started from ("original")
    end: str  # its last accepted step that the holdout kept, or its start
    speedup: float | None  # end over start, measured; None: not measured
    speedup_ci: list[float] | None
    rounds: int
    candidates: int
    accepted: int
    cost_usd: float  # of its priced calls
    ended: str  # why it ended
    by_optimizer: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def stage_ends(session: "Session") -> list[str]:
    """Each stage's end: the id of its last kept step, or else of the stage before's end."""
    ends, current = [], "original"
    for stage in session.relay.stages:
        current = next(
            (step.id for step in reversed(session.steps) if step.stage == stage.number), current
        )
        ends.append(current)
    return ends


def labels(session: "Session") -> dict[str, str]:
    """Each stage end's label in the final re-benchmark: the original is its baseline, the final
    best its candidate, any other end a contender of its own."""
    names = {"original": "baseline", session.best_id: "candidate"}
    return {end: names.get(end, end) for end in ["original", *stage_ends(session)]}


def contenders(session: "Session") -> list[Contender]:
    """The stage ends the final re-benchmark must time beside the original and the final best."""
    by_id = {step.id: step for step in session.steps}
    return [
        Contender(label, by_id[end].source)
        for end, label in labels(session).items()
        if label not in ("baseline", "candidate")
    ]


def summaries(
    session: "Session", outcome: BenchOutcome | None, stop_reason: str
) -> list[StageSummary]:
    """One summary per stage begun; speedups from `outcome` (None: not measured)."""
    relay = session.relay
    reasons = [*relay.ends, stop_reason]
    ends = ["original", *stage_ends(session)]  # ends[n]: where stage n ended, n from 1
    named = labels(session)
    result = []
    for mark, reason in zip(relay.marks, reasons, strict=False):
        start, end = ends[mark.number - 1], ends[mark.number]
        speedup, ci = _measured(outcome, named[start], named[end])
        result.append(_summary(session, mark.number, (start, end), (speedup, ci), reason))
    return result


def _summary(
    session: "Session",
    number: int,
    span: tuple[str, str],
    measured: tuple[float | None, list[float] | None],
    reason: str,
) -> StageSummary:
    stage = session.relay.stages[number - 1]
    mine = [r for r in session.records if r.stage == number]
    return StageSummary(
        number,
        list(stage.optimizers),
        *span,
        *measured,
        len({r.round for r in mine}),
        len(mine),
        sum(r.status == "accepted" for r in mine),
        priced_cost(call for r in mine for call in r.calls),
        reason,
        {name: _tally(r for r in mine if r.optimizer == name) for name in stage.optimizers},
    )


def _measured(
    outcome: BenchOutcome | None, start: str, end: str
) -> tuple[float | None, list[float] | None]:
    if start == end:
        return 1.0, [1.0, 1.0]
    if outcome is None or outcome.blocks < 2 or outcome.problems:
        return None, None
    estimate = outcome.estimate(start, end)
    return estimate.speedup, [estimate.low, estimate.high]


def _tally(records: Any) -> dict[str, Any]:
    mine: list[CandidateRecord] = list(records)
    accepted = [r for r in mine if r.status == "accepted"]
    return {
        "candidates": len(mine),
        "accepted": len(accepted),
        "best_step": max((r.speedup or 0.0 for r in accepted), default=None),
        "cost_usd": priced_cost(call for r in mine for call in r.calls),
    }
