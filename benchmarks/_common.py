"""Shared helpers for the benchmark scripts: timing a verdict and writing figures."""

import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from harness.bench.runner import BenchSettings
from harness.targets.loader import BUNDLED_TARGETS, Target
from harness.verdict import Verdict
from harness.verify.gate import Verifier

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "results" / "benchmarks"


def copy_bundled(name: str, root: Path) -> Path:
    """A bundled target and its reference copied under `root`, outside any git repository, so
    sessions on it make no branches."""
    shutil.copytree(BUNDLED_TARGETS / name, root / "targets" / name)
    (root / "reference_impls").mkdir(exist_ok=True)
    shutil.copy(REPO / "reference_impls" / f"{name}.py", root / "reference_impls")
    return root / "targets" / name


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
        "fresh_seconds": benchmark.get("fresh_seconds"),  # the fresh-process checks
        # the trusted figures beside the in-process ones
        "kernel_speedup": benchmark.get("kernel_speedup"),
        "kernel_agreement": benchmark.get("kernel_agreement"),
        "kernel_unseen_s": benchmark.get("kernel_unseen_s"),
        "wall_speedup": benchmark.get("wall_speedup"),
        "reason": verdict.reasons[-1],
    }


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def write(name: str, figures: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2))
    return path
