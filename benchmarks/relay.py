"""Does a two-stage relay beat one stage with the same total budget?

The local model (`local:qwen2.5-coder-1.5b`) in both arms, on copies of bundled targets, each arm
with the same number of rounds and candidates (so the same number of model calls):
- one stage: `--rounds` rounds at temperature 0.7;
- relay: half the rounds at temperature 0.3 (a careful first pass), then half at 1.0 (a
  bolder second pass), the second stage starting from the first one's best.
Patience is off in both (every round is spent). Per arm and target: the cumulative speedup with
its CI (the final re-benchmark), the per-stage speedups, candidates accepted and minutes. Each
arm runs `--repeats` times per target (a model's samples vary far more than the verdicts).
Reported as is, whichever arm wins.

Writes results/benchmarks/relay.json after every session.

    .venv/bin/python benchmarks/relay.py [--targets primes_below,top_k_words] [--rounds 4]
        [--candidates 2] [--repeats 2]
"""

import argparse
import math
import statistics
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
from harness.targets.loader import load_target

MODEL = f"local:{DEFAULT_MODEL}"


def arms(rounds: int, candidates: int) -> dict[str, dict[str, Any]]:
    common = {"optimizer": MODEL, "candidates": candidates, "patience": 10_000}
    half = max(1, rounds // 2)
    relay = [{"temperature": 0.3, "rounds": half}, {"temperature": 1.0, "rounds": rounds - half}]
    return {
        "one stage": common | {"rounds": rounds, "temperature": 0.7},
        "relay": common | {"rounds": half, "stage": relay},
    }


def one_session(name: str, arm: str, settings: dict[str, Any], root: Path) -> dict[str, Any]:
    folder = RESULTS / "relay" / f"{name}-{arm.replace(' ', '-')}-{time.strftime('%H%M%S')}"
    target = load_target(str(copy_bundled(name, root)))
    session = Session.from_settings(target, SessionSettings.model_validate(settings), folder)
    started = time.monotonic()
    result = finish(session, session.run())
    return {
        "target": name,
        "arm": arm,
        "minutes": (time.monotonic() - started) / 60,
        "candidates": len(session.records),
        "accepted": sum(r.status == "accepted" for r in session.records),
        "cumulative_speedup": result.cumulative_speedup,
        "cumulative_speedup_ci": result.cumulative_speedup_ci,
        "stage_speedups": [stage["speedup"] for stage in result.stages],
        "results_dir": str(folder),
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_arm: dict[str, list[float]] = {}
    for row in rows:
        by_arm.setdefault(row["arm"], []).append(row["cumulative_speedup"] or 1.0)
    geomeans = {
        arm: math.exp(statistics.fmean(map(math.log, speedups))) for arm, speedups in by_arm.items()
    }
    return {"model": MODEL, "geometric_mean_cumulative_speedup": geomeans, "sessions": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="primes_below,top_k_words,levenshtein")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--candidates", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    console, rows = Console(), []
    for _ in range(args.repeats):
        for name in args.targets.split(","):
            for arm, settings in arms(args.rounds, args.candidates).items():
                with tempfile.TemporaryDirectory(prefix="harness-relay-") as tmp:
                    rows.append(one_session(name, arm, settings, Path(tmp)))
                console.print(rows[-1])
                write("relay", summary(rows))
    console.print(summary(rows)["geometric_mean_cumulative_speedup"])


if __name__ == "__main__":
    main()
