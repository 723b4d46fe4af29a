"""The end of a session: the final best judged on the holdout, walking back step by step to the
last accepted step that passes it; that one and the original re-benchmarked side by side (that is
the cumulative speedup); the results folder, and the branch of the accepted steps kept.

When that final re-benchmark finds problems (a sampled output that disagrees with the reference,
a crash, a process left behind), the session has no result: it is reported as failed, with no
speedup and no branch."""

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from harness.bench.outcome import BenchOutcome
from harness.bench.report import Row
from harness.loop.attribution import contenders, summaries
from harness.loop.branch import commit_steps
from harness.loop.session import Session
from harness.providers.pricing import priced
from harness.targets.code import code_diff, code_root, files, save_code
from harness.verify.holdout import Holdout, judge_holdout
from harness.verify.side_by_side import bench


@dataclass
class SessionResult:
    session: str
    target: str
    cumulative_speedup: float | None  # None when the final re-benchmark failed
    cumulative_speedup_ci: list[float] | None
    speedup_vs_reference: float | None
    rounds: int
    candidates: int
    accepted: list[dict[str, Any]]
    tokens: dict[str, int]
    cost_usd: float  # of the priced models' calls only
    branch: str | None
    results_dir: str
    stop_reason: str
    final_problems: list[str] = field(default_factory=list)  # why the final check failed
    unpriced: list[str] = field(default_factory=list)  # models whose calls have no known cost
    holdout: str = ""  # "holdout: N/N passed" and its speed, for the final best
    walked_back: list[str] = field(default_factory=list)  # accepted steps the holdout failed
    stages: list[dict[str, Any]] = field(default_factory=list)  # per stage of the relay

    @property
    def failed(self) -> bool:
        return bool(self.final_problems)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Final:
    speedup: float | None
    ci: list[float] | None
    vs_reference: float | None
    problems: list[str]
    outcome: BenchOutcome | None = None


def finish(session: Session, stop_reason: str) -> SessionResult:
    holdout, walked_back = _walk_back_to_the_holdout(session)
    final = _rebenchmark(session)
    stages = summaries(session, final.outcome, stop_reason)
    branch = None if final.problems else _branch(session)
    _write_files(session)
    result = SessionResult(
        session.id,
        session.target.name,
        final.speedup,
        final.ci,
        final.vs_reference,
        session.round,
        len(session.records),
        [{"round": r.round, "candidate": r.id, "speedup": r.speedup or 0.0} for r in session.steps],
        _tokens(session),
        session.cost_usd,
        branch,
        str(session.folder),
        stop_reason,
        final.problems,
        unpriced_models(session),
        holdout.detail,
        walked_back,
        [stage.to_json() for stage in stages],
    )
    (session.folder / "result.json").write_text(json.dumps(result.to_json(), indent=1))
    if session.recorder is not None:
        session.recorder.finish(result)
    return result


def _walk_back_to_the_holdout(session: Session) -> tuple[Holdout, list[str]]:
    """The final best judged on the holdout; while it fails, the session's last accepted step
    is dropped and the one before it judged (the original is the last resort)."""
    walked_back: list[str] = []
    while True:
        holdout = judge_holdout(session.target, session.best, session.settings.bench)
        if holdout.ok or not session.steps:
            return holdout, walked_back
        dropped = session.steps.pop()
        walked_back.append(f"{dropped.id}: {holdout.failure}")
        previous = session.steps[-1] if session.steps else None
        session.best = previous.source or session.original if previous else session.original
        session.best_id = previous.id if previous else "original"


def _rebenchmark(session: Session) -> _Final:
    """The original and the final best side by side; in a relay, every stage's end too."""
    changed = session.best_id != "original"
    outcome, rows, _ = bench(
        session.target,
        session.best if changed else None,
        session.settings.bench,
        seed=len(session.records),
        folder=session.folder,
        also=contenders(session) if len(session.relay.stages) > 1 else (),
    )
    if not changed:
        return _Final(1.0, [1.0, 1.0], _row(rows, "baseline").vs_reference, [], outcome)
    if outcome.problems:
        return _Final(None, None, None, outcome.problems, outcome)
    row = _row(rows, "candidate")
    ci = list(row.ci or (1.0, 1.0))
    return _Final(row.speedup or 1.0, ci, row.vs_reference, [], outcome)


def _row(rows: list[Row], label: str) -> Row:
    return next(row for row in rows if row.label == label)


def _branch(session: Session) -> str | None:
    commits = [
        (
            files(session.target, step.source or ""),
            f"harness {session.id} {step.id}: {step.speedup or 0:.2f}x faster than {step.parent}",
        )
        for step in session.steps
    ]
    return commit_steps(code_root(session.target), f"harness/{session.id}", commits)


def _tokens(session: Session) -> dict[str, int]:
    calls = [call for record in session.records for call in record.calls]
    return {
        "input": sum(call.input_tokens for call in calls),
        "output": sum(call.output_tokens for call in calls),
    }


def unpriced_models(session: Session) -> list[str]:
    """The session's models missing from the price table: their calls are not in `cost_usd`."""
    settings = session.settings
    models = dict.fromkeys(filter(None, [*settings.models(), settings.validator]))
    return [model for model in models if not priced(model, settings.prices)]


def _write_files(session: Session) -> None:
    save_code(session.original, session.folder, "original")
    save_code(session.best, session.folder, "final")
    patch = code_diff(session.target, session.original, session.best)
    (session.folder / "patch.diff").write_text(patch, encoding="utf-8")
