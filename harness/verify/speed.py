"""The benchmark stage: is the candidate really faster than the baseline?

Rules, in the order they decide: integrity problems reject; time hidden outside the timer rejects;
then the speedup's CI: low above `1 + min_gain` accepts, high below it rejects, otherwise the
result is undecided and not accepted; an in-process speedup that the wall clock does not see
rejects. A speedup above the plausibility bound is flagged for review, not rejected.
"""

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.bench.runner import BenchOutcome, BenchSettings, Contender, InterleavedBenchmark
from harness.bench.stats import coefficient_of_variation, decide
from harness.sandbox.limits import spare_cores
from harness.targets.code import Code
from harness.verdict import Check

if TYPE_CHECKING:
    from harness.verify.stages import GateContext

_HIDDEN_TIME_FRACTION = 0.25
_HIDDEN_TIME_FLOOR_SECONDS = 0.002


@dataclass
class SpeedReport:
    """What the benchmark stage adds to a verdict."""

    speedup: float
    ci: tuple[float, float]
    decided: bool | None
    summary: dict[str, Any]
    flags: list[str]
    outcome: BenchOutcome


def prepare_benchmark(
    context: "GateContext", settings: BenchSettings, baseline_source: Code
) -> InterleavedBenchmark:
    """The benchmark of this candidate against `baseline_source`, its first processes already
    starting (at low priority) so that they are ready when the correctness stages are done."""
    target = context.target
    contenders = [Contender("baseline", baseline_source), Contender("candidate", context.source)]
    bench = InterleavedBenchmark(
        target,
        contenders,
        context.workdir,
        settings,
        context.seed,
        context.inputs.timing_arguments,
        context.differential.round_problem,
    )
    bench.prepare()
    return bench


def run_benchmark(
    context: "GateContext",
    bench: InterleavedBenchmark,
    settings: BenchSettings,
    stop: Callable[[], bool] | None = None,
) -> SpeedReport:
    # The correctness stages' processes and the sampled-output checks against the reference
    # run beside the measured processes, never on their core.
    spare = spare_cores(bench.core)
    context.differential.reference.pin(spare)
    context.differential.candidate.pin(spare)
    outcome = bench.run(decide_pair=("baseline", "candidate"), stop=stop)
    return _report(outcome, settings)


def _report(outcome: BenchOutcome, settings: BenchSettings) -> SpeedReport:
    base, cand = outcome.sides["baseline"], outcome.sides["candidate"]
    enough = outcome.blocks >= 2
    estimate = outcome.estimate("baseline", "candidate") if enough else None
    wall_ratios = [b / c for b, c in zip(base.wall, cand.wall, strict=False) if c > 0]
    summary = {
        "baseline_median_s": statistics.median(base.times) if base.times else None,
        "candidate_median_s": statistics.median(cand.times) if cand.times else None,
        "blocks": outcome.blocks,
        "rounds_per_block": outcome.rounds_per_block,
        "cv_baseline": coefficient_of_variation(base.times),
        "cv_candidate": coefficient_of_variation(cand.times),
        "wall_speedup": statistics.median(wall_ratios) if wall_ratios else None,
        "min_gain": settings.min_gain,
        "stop_reason": outcome.stop_reason,
        "seconds": round(outcome.seconds, 3),
        "timed_seconds": round(sum(base.timed) + sum(cand.timed), 3),
    }
    speedup = estimate.speedup if estimate else 1.0
    ci = (estimate.low, estimate.high) if estimate else (0.0, float("inf"))
    decided = decide(estimate, settings.min_gain) if estimate else None
    flags = []
    if speedup > settings.plausibility_bound:
        flags.append(
            f"speedup {speedup:.1f}x is above the plausibility bound "
            f"{settings.plausibility_bound:g}x: review the candidate"
        )
    return SpeedReport(speedup, ci, decided, summary, flags, outcome)


def speed_check(report: SpeedReport, settings: BenchSettings) -> Check:
    name = "benchmark"
    outcome = report.outcome
    if outcome.problems:
        return Check(name, False, f"benchmark integrity: {outcome.problems[0]}")
    hidden = _hidden_time(outcome)
    if hidden:
        return Check(name, False, hidden)
    low, high = report.ci
    threshold = 1 + settings.min_gain
    interval = f"{report.speedup:.3f}x, 95% CI [{low:.3f}, {high:.3f}]"
    if report.decided is None:
        return Check(
            name, False, f"undecided: {interval} contains {threshold:g} ({outcome.stop_reason})"
        )
    if not report.decided:
        return Check(name, False, f"not faster: {interval}, upper bound below {threshold:g}")
    wall = report.summary["wall_speedup"]
    if wall is not None and wall < 1.0:
        return Check(
            name,
            False,
            f"in-process timings ({report.speedup:.2f}x) disagree with the "
            f"wall clock seen from outside ({wall:.2f}x)",
        )
    return Check(
        name, True, f"faster: {interval}, lower bound above {threshold:g} ({outcome.stop_reason})"
    )


def _hidden_time(outcome: BenchOutcome) -> str | None:
    """Time the candidate's process spends outside the timer per round, beyond what the
    baseline's does. Medians over rounds: a candidate that hides work does so every round, while
    this process's own delays in answering (it shares a core with other work) come and go."""
    base, cand = outcome.sides["baseline"], outcome.sides["candidate"]
    if not base.untimed or not cand.untimed or not base.times:
        return None
    limit = max(_HIDDEN_TIME_FLOOR_SECONDS, _HIDDEN_TIME_FRACTION * statistics.median(base.times))
    hidden = statistics.median(cand.untimed) - statistics.median(base.untimed)
    if hidden <= limit:
        return None
    return (
        f"benchmark integrity: {hidden * 1000:.1f} ms per round spent outside the timer beyond "
        f"the baseline's (limit {limit * 1000:.1f} ms); timings are not trusted"
    )
