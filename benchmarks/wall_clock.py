"""The wall-clock cross-check on rounds of about 1 ms, at default settings.

- an honest 1.5x candidate (all its work inside the timed call): accepted in how many verdicts
  (goal: at least 19 of 20);
- candidates that move work outside the timer, into a finalizer run in the untimed part of the
  round: a third of the work (the timer sees 1.5x, the wall clock none) and all of it (the timer
  sees 100x or more): accepted in how many verdicts (goal: none);
- for each, the median over verdicts of the CPU per round outside the timer beyond the
  baseline's, by the kernel's count (`kernel_unseen_s`).

The target, `wall_clock_target/spin`, spends about 1 ms a call at its benchmark size, so the
time moved outside the timer (0.4 ms and 1.4 ms a round) stays under the hidden-time rule's 2 ms
floor: only the wall-clock rule can catch it. Writes results/benchmarks/wall_clock.json.

    .venv/bin/python benchmarks/wall_clock.py [--runs 20] [--cheat-runs 20]
"""

import argparse
import time
from pathlib import Path
from typing import Any

from _common import median, write
from rich.console import Console

from harness.bench.runner import BenchSettings
from harness.targets.loader import Target, load_target
from harness.verify.gate import Verifier

SPIN = Path(__file__).resolve().parent / "wall_clock_target" / "spin"
SETTINGS = BenchSettings()
HONEST = "faster_1_5"
CHEATS = ("moves_work_out", "moves_all_work_out")


def verdict(target: Target, source: str, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    result = Verifier(SETTINGS).evaluate(target, source, seed=seed)
    benchmark = result.benchmark or {}
    return {
        "accepted": result.accepted,
        "correct": result.correct,
        "speedup": result.speedup,
        "baseline_median_s": benchmark.get("baseline_median_s"),
        "wall_speedup": benchmark.get("wall_speedup"),
        "wall_unseen_s": benchmark.get("wall_unseen_s"),
        "wall_unseen_limit_s": benchmark.get("wall_unseen_limit_s"),
        "kernel_unseen_s": benchmark.get("kernel_unseen_s"),
        "kernel_agreement": benchmark.get("kernel_agreement"),
        "seconds": time.perf_counter() - started,
        "reason": result.reasons[-1],
    }


def verdicts(example: str, count: int, first_seed: int) -> list[dict[str, Any]]:
    target = load_target(str(SPIN))
    source = (SPIN / "examples" / f"{example}.py").read_text()
    runs = []
    for index in range(count):
        runs.append(verdict(target, source, first_seed + index))
        run = runs[-1]
        unseen = run["wall_unseen_s"]
        print(
            f"{example} {index + 1}/{count}: accepted={run['accepted']} "
            f"speedup={run['speedup'] or 0:.2f}x wall={run['wall_speedup'] or 0:.2f}x "
            f"unseen={'-' if unseen is None else f'{unseen * 1000:.3f} ms'} "
            f"{run['seconds']:.1f}s | {run['reason']}",
            flush=True,
        )
    return runs


def figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    baseline = median([r["baseline_median_s"] for r in runs if r["baseline_median_s"]])
    return {
        "verdicts": len(runs),
        "accepted": sum(r["accepted"] for r in runs),
        "median_baseline_ms": None if baseline is None else baseline * 1000,
        "median_seconds_per_verdict": median([r["seconds"] for r in runs]),
        "median_kernel_unseen_ms": _ms(median([r["kernel_unseen_s"] for r in runs if _has(r)])),
        "runs": runs,
    }


def _has(run: dict[str, Any]) -> bool:
    return run["kernel_unseen_s"] is not None


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="verdicts of the honest candidate")
    parser.add_argument("--cheat-runs", type=int, help="verdicts per cheat (default: --runs)")
    args = parser.parse_args()
    cheat_runs = args.runs if args.cheat_runs is None else args.cheat_runs
    results = {HONEST: figures(verdicts(HONEST, args.runs, 5000))}
    for offset, cheat in enumerate(CHEATS, start=1):
        results[cheat] = figures(verdicts(cheat, cheat_runs, 5000 + 1000 * offset))
    path = write("wall_clock", {"settings": SETTINGS.model_dump(), **results})
    shown = {
        name: {key: value for key, value in result.items() if key != "runs"}
        for name, result in results.items()
    }
    Console().print(shown)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
