"""The end of a session: the original and the final best re-benchmarked side by side (that is the
cumulative speedup), the results folder, and the branch of accepted steps."""

import json
from dataclasses import asdict, dataclass
from typing import Any

from harness.bench.command import bench
from harness.loop.branch import commit_steps
from harness.loop.session import Session
from harness.targets.code import code_diff, code_root, files, save_code


@dataclass
class SessionResult:
    session: str
    target: str
    cumulative_speedup: float
    cumulative_speedup_ci: list[float]
    speedup_vs_reference: float | None
    rounds: int
    candidates: int
    accepted: list[dict[str, Any]]
    tokens: dict[str, int]
    cost_usd: float
    branch: str | None
    results_dir: str
    stop_reason: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def finish(session: Session, stop_reason: str) -> SessionResult:
    target, folder = session.target, session.folder
    changed = session.best_id != "original"
    _, rows, _ = bench(
        target,
        session.best if changed else None,
        session.settings.bench,
        seed=len(session.records),
        folder=folder,
    )
    row = next(r for r in rows if r.label == ("candidate" if changed else "baseline"))
    speedup, ci = (row.speedup or 1.0, list(row.ci or (1.0, 1.0))) if changed else (1.0, [1.0, 1.0])
    steps = session.steps
    branch = commit_steps(
        code_root(target),
        f"harness/{session.id}",
        [
            (
                files(target, r.source or ""),
                f"harness {session.id} {r.id}: {r.speedup or 0:.2f}x faster than {r.parent}",
            )
            for r in steps
        ],
    )
    _write_files(session)
    calls = [call for record in session.records for call in record.calls]
    result = SessionResult(
        session.id,
        target.name,
        speedup,
        ci,
        row.vs_reference,
        session.round,
        len(session.records),
        [{"round": r.round, "candidate": r.id, "speedup": r.speedup or 0.0} for r in steps],
        {
            "input": sum(c.input_tokens for c in calls),
            "output": sum(c.output_tokens for c in calls),
        },
        session.cost_usd,
        branch,
        str(folder),
        stop_reason,
    )
    (folder / "result.json").write_text(json.dumps(result.to_json(), indent=1))
    return result


def _write_files(session: Session) -> None:
    save_code(session.original, session.folder, "original")
    save_code(session.best, session.folder, "final")
    patch = code_diff(session.target, session.original, session.best)
    (session.folder / "patch.diff").write_text(patch, encoding="utf-8")
