"""The verifier: the static screen and an import first; then the other correctness stages
(cheapest first) beside the benchmark; the first failure decides."""

import secrets
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness.bench.cores import parent_off_core
from harness.bench.runner import BenchSettings, InterleavedBenchmark
from harness.sandbox.boundary import current
from harness.targets.code import Code, baseline_code
from harness.targets.inputs import InputSource
from harness.targets.loader import Target
from harness.verdict import Check, Verdict
from harness.verify.differential import Differential
from harness.verify.speed import prepare_benchmark, run_benchmark, speed_check
from harness.verify.stages import BEFORE_BENCHMARK, BESIDE_BENCHMARK, GateContext, Stage


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

    def evaluate(
        self, target: Target, source: Code, seed: int | None = None, baseline: Code | None = None
    ) -> Verdict:
        verdict = Verdict(target=target.name, seed=new_seed() if seed is None else seed)
        verdict.sandbox = current().name
        with tempfile.TemporaryDirectory(prefix="harness-verify-") as tmp:
            workdir = Path(tmp)
            differential = Differential(target, source, workdir)
            context = GateContext(
                target, source, verdict.seed, InputSource(target), differential, workdir
            )
            settings = self._bench_settings(target)
            bench = None
            if settings is not None:
                bench = prepare_benchmark(context, settings, baseline or baseline_code(target))
            try:
                with parent_off_core(bench.core if bench is not None else None):
                    self._judge(context, verdict, bench, settings)
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

    def _judge(
        self,
        context: GateContext,
        verdict: Verdict,
        bench: InterleavedBenchmark | None,
        settings: BenchSettings | None,
    ) -> None:
        if not _passes(BEFORE_BENCHMARK, context, verdict.checks):
            return
        if bench is None or settings is None:
            _passes(BESIDE_BENCHMARK, context, verdict.checks)
            return
        # The remaining correctness stages run on a helper thread (started off the measuring
        # core, like every process it starts) while the benchmark measures; a failure stops
        # the benchmark after its current block, and its outcome is then not used.
        checks: list[Check] = []
        failed = threading.Event()
        with ThreadPoolExecutor(1, thread_name_prefix="harness-correctness") as pool:
            correct = pool.submit(_passes, BESIDE_BENCHMARK, context, checks, failed)
            try:
                report = run_benchmark(context, bench, settings, stop=failed.is_set)
            finally:
                passed = correct.result()
        verdict.checks.extend(checks)
        if passed:
            verdict.timings = report.outcome.timings()
            verdict.checks.append(speed_check(report, settings))
            verdict.speedup, verdict.speedup_ci = report.speedup, report.ci
            verdict.benchmark, verdict.flags = report.summary, report.flags


def _passes(
    stages: list[Stage],
    context: GateContext,
    checks: list[Check],
    failed: threading.Event | None = None,
) -> bool:
    """Run `stages` in order into `checks` until one fails or raises (then set `failed`)."""
    try:
        for stage in stages:
            check = stage(context)
            if check is not None:
                checks.append(check)
                if not check.passed:
                    break
        else:
            return True
    except BaseException:
        if failed is not None:
            failed.set()
        raise
    if failed is not None:
        failed.set()
    return False
