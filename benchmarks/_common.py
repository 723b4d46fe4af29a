"""Shared helpers for the benchmark scripts: timing a verdict and writing figures."""

import json
import statistics
import time
from pathlib import Path
from typing import Any

from harness.bench.runner import BenchSettings
from harness.targets.loader import Target
from harness.verify.gate import Verifier
from harness.verify.verdict import Verdict

RESULTS = Path(__file__).resolve().parent.parent / "results" / "benchmarks"


def timed_verdict(
    target: Target, source: str, seed: int, bench: BenchSettings | None
) -> dict[str, Any]:
    started = time.perf_counter()
    verdict: Verdict = Verifier(bench).evaluate(target, source, seed=seed)
    seconds = time.perf_counter() - started
    benchmark = verdict.benchmark or {}
    return {
        "target": target.name,
        "accepted": verdict.accepted,
        "correct": verdict.correct,
        "speedup": verdict.speedup,
        "ci": list(verdict.speedup_ci) if verdict.speedup_ci else None,
        "seconds": seconds,
        "bench_seconds": benchmark.get("seconds"),
        "timed_seconds": benchmark.get("timed_seconds"),
        "reason": verdict.reasons[-1],
    }


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def write(name: str, figures: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2))
    return path
