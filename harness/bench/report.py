"""Benchmark results as pytest-benchmark JSON (readable by `pytest-benchmark compare`) and rows."""

import math
import statistics
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from pytest_benchmark.plugin import (
    pytest_benchmark_generate_json,
    pytest_benchmark_generate_machine_info,
)
from pytest_benchmark.stats import Metadata
from pytest_benchmark.utils import get_commit_info

from harness.bench.outcome import BenchOutcome
from harness.bench.stats import coefficient_of_variation
from harness.verdict import Timings


def pytest_benchmark_json(group: str, timings: Timings) -> dict[str, Any]:
    """The document pytest-benchmark itself writes with --benchmark-json, one entry per side."""
    entries = []
    for side in timings.sides:
        fixture = SimpleNamespace(
            name=side.label,
            fullname=f"{group}::{side.label}",
            group=group,
            param=None,
            params=None,
            cprofile_stats=None,
            has_error=False,
            extra_info={
                "blocks": len(side.block_medians),
                "block_medians": list(side.block_medians),
                "rounds_per_block": timings.rounds_per_block,
            },
        )
        metadata = Metadata(fixture, iterations=1, options=side.options)
        for duration in side.times:
            metadata.update(duration)
        entries.append(metadata)
    return pytest_benchmark_generate_json(  # type: ignore[no-any-return]
        None, entries, True, pytest_benchmark_generate_machine_info(), get_commit_info()
    )


@dataclass(frozen=True)
class Row:
    label: str
    median_s: float | None
    speedup: float | None
    ci: tuple[float, float] | None
    vs_reference: float | None
    way_to_reference: float | None
    cv: float
    rounds: int
    problems: list[str]


def rows(outcome: BenchOutcome) -> list[Row]:
    """One row per side: speedups against the baseline and the reference."""
    labels = list(outcome.sides)
    result = []
    reference_speedup = _speedup(outcome, "reference", against="baseline")
    for label in labels:
        side = outcome.sides[label]
        estimate = outcome.estimate("baseline", label) if outcome.blocks >= 2 else None
        vs_reference = _speedup(outcome, label, against="reference")
        result.append(
            Row(
                label,
                statistics.median(side.times) if side.times else None,
                estimate.speedup if estimate else None,
                (estimate.low, estimate.high) if estimate else None,
                vs_reference,
                _fraction(estimate.speedup if estimate else None, reference_speedup),
                coefficient_of_variation(side.times),
                len(side.times),
                side.problems,
            )
        )
    return result


def _speedup(outcome: BenchOutcome, label: str, against: str) -> float | None:
    if label not in outcome.sides or against not in outcome.sides or outcome.blocks < 2:
        return None
    return outcome.estimate(against, label).speedup


def _fraction(speedup: float | None, reference_speedup: float | None) -> float | None:
    """Progress from the baseline (0) to the reference (1), measured in log time."""
    if speedup is None or reference_speedup is None or abs(math.log(reference_speedup)) < 1e-9:
        return None
    return math.log(speedup) / math.log(reference_speedup)
