"""How well the default local model optimizes each bundled target, at default settings.

Per target, one session of `--minutes` (default 10) with `local:qwen2.5-coder-1.5b` as optimizer
and validator: candidates per minute, the share that parse, that are correct, that are correct
and faster; the cumulative speedup (final re-benchmark, with its CI) and the speedup vs the
known-good reference. Goal: cumulative speedup > 1 with CI above 1 on at least 4 of 6 targets,
geometric mean >= 2x. Targets run on copies outside any git repository (no branches are made).

Writes results/benchmarks/local_model.json after every target.

    .venv/bin/python benchmarks/local_model.py [--minutes 10] [--targets a,b]
"""

import argparse
import math
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import RESULTS, copy_bundled, write
from rich.console import Console

from harness.loop.finish import finish
from harness.loop.session import Session
from harness.loop.settings import SessionSettings
from harness.providers.models import DEFAULT_MODEL
from harness.records import CandidateRecord
from harness.targets.loader import bundled_names, load_target


def _shares(records: list[CandidateRecord]) -> dict[str, float]:
    total = len(records) or 1
    parsed = [r for r in records if r.source is not None]
    correct = [r for r in parsed if (r.verdict or {}).get("correct")]
    faster = [r for r in correct if (r.verdict or {}).get("accepted")]
    return {
        "parsed": len(parsed) / total,
        "correct": len(correct) / total,
        "correct_and_faster": len(faster) / total,
        "accepted": sum(r.status == "accepted" for r in records) / total,
    }


def one_target(name: str, minutes: float, root: Path) -> dict[str, Any]:
    settings = SessionSettings(
        optimizer=f"local:{DEFAULT_MODEL}", budget_minutes=minutes, rounds=10_000, patience=10_000
    )
    folder = RESULTS / "local_model" / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
    session = Session.from_settings(load_target(str(copy_bundled(name, root))), settings, folder)
    started = time.monotonic()
    reason = session.run()
    session_minutes = (time.monotonic() - started) / 60
    result = finish(session, reason)
    low, high = result.cumulative_speedup_ci
    return {
        "target": name,
        "session_minutes": session_minutes,
        "candidates": len(session.records),
        "candidates_per_minute": len(session.records) / session_minutes,
        **_shares(session.records),
        "cumulative_speedup": result.cumulative_speedup,
        "cumulative_speedup_ci": [low, high],
        "improved": low > 1.0,
        "speedup_vs_reference": result.speedup_vs_reference,
        "stop_reason": reason,
        "results_dir": str(folder),
    }


def summary(rows: list[dict[str, Any]], minutes: float) -> dict[str, Any]:
    speedups = [row["cumulative_speedup"] for row in rows]
    geomean = math.exp(sum(map(math.log, speedups)) / len(speedups)) if speedups else None
    return {
        "model": f"local:{DEFAULT_MODEL}",
        "minutes_per_session": minutes,
        "targets_improved_with_ci_above_1": sum(row["improved"] for row in rows),
        "targets": len(rows),
        "geometric_mean_cumulative_speedup": geomean,
        "per_target": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--targets", default=",".join(bundled_names()))
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="harness-local-model-") as tmp:
        for name in args.targets.split(","):
            rows.append(one_target(name, args.minutes, Path(tmp)))
            path = write("local_model", summary(rows, args.minutes))
            Console().print(rows[-1])
    Console().print({k: v for k, v in summary(rows, args.minutes).items() if k != "per_target"})
    print(f"written to {path}")


if __name__ == "__main__":
    main()
