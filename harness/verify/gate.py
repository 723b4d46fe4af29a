"""The verifier: correctness stages (cheapest first), then the benchmark, stopping at a failure."""

import secrets
import tempfile
from pathlib import Path

from harness.bench.runner import BenchOutcome, BenchSettings, InterleavedBenchmark
from harness.targets.code import Code, baseline_code
from harness.targets.inputs import InputSource
from harness.targets.loader import Target
from harness.verify.differential import Differential
from harness.verify.speed import prepare_benchmark, run_benchmark, speed_check
from harness.verify.stages import STAGES, GateContext
from harness.verify.verdict import Verdict


def new_seed() -> int:
    return secrets.randbelow(2**31)


class Verifier:
    """The `Evaluator`: is this module a faithful replacement of the entry, and faster?

    `bench=None` skips the benchmark (a correctness-only verdict, never accepted); `min_gain`
    overrides the target's margin for this run.
    """

    def __init__(self, bench: BenchSettings | None = None, min_gain: float | None = None) -> None:
        self.bench = bench
        self.min_gain = min_gain
        self.last_outcome: BenchOutcome | None = None  # the latest verdict's timings, if any

    def evaluate(
        self, target: Target, source: Code, seed: int | None = None, baseline: Code | None = None
    ) -> Verdict:
        verdict = Verdict(target=target.name, seed=new_seed() if seed is None else seed)
        self.last_outcome = None
        with tempfile.TemporaryDirectory(prefix="harness-verify-") as tmp:
            workdir = Path(tmp)
            differential = Differential(target, source, workdir)
            context = GateContext(
                target,
                source,
                verdict.seed,
                InputSource(target),
                differential,
                workdir,
            )
            settings = self._bench_settings(target)
            bench = None
            if settings is not None:
                bench = prepare_benchmark(context, settings, baseline or baseline_code(target))
            try:
                if self._correct(context, verdict) and bench is not None and settings is not None:
                    self._benchmark(context, verdict, bench, settings)
            finally:
                if bench is not None:
                    bench.close()
                context.stop_background()
                differential.close()
        return verdict

    def _bench_settings(self, target: Target) -> BenchSettings | None:
        if self.bench is None:
            return None
        min_gain = self.min_gain if self.min_gain is not None else target.config.min_gain
        return self.bench.model_copy(update={"min_gain": min_gain})

    def _correct(self, context: GateContext, verdict: Verdict) -> bool:
        for stage in STAGES:
            check = stage(context)
            if check is not None:
                verdict.checks.append(check)
                if not check.passed:
                    return False
        return True

    def _benchmark(
        self,
        context: GateContext,
        verdict: Verdict,
        bench: InterleavedBenchmark,
        settings: BenchSettings,
    ) -> None:
        report = run_benchmark(context, bench, settings)
        self.last_outcome = report.outcome
        verdict.checks.append(speed_check(report, settings))
        verdict.speedup, verdict.speedup_ci = report.speedup, report.ci
        verdict.benchmark, verdict.flags = report.summary, report.flags
