"""The holdout: inputs no model ever sees (`InputSource.holdout_cases`), judged only when a
session's final best is accepted and by `harness verify --holdout`. No verdict, prompt,
counterexample or validator fact is drawn from them, so a candidate fitted to what was shown
meets them here for the first time.

Correct on them is not enough: a changed candidate must also be faster than the original on
them (held-out recorded calls, or generated inputs at sizes near but not equal to the shown
ones): surely (the interval's lower end above 1), and by half the acceptance margin at the
point estimate, which a narrow interval around a speed of 1 does not reach. A fast path for the
shown inputs or sizes gains nothing there; an interval left wide by noise shows nothing, and an
accepted step it cannot show is walked back. Every round replays all the held-out calls: there
are few, and a cache of results was already looked for by every verdict, so rounds as long as
can be keep the interval narrow.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.bench.runner import BenchSettings, Contender, InterleavedBenchmark
from harness.bench.stats import SpeedupEstimate, decide
from harness.errors import TargetError
from harness.sandbox.process import SandboxError
from harness.targets.code import Code, baseline_code
from harness.targets.inputs import Case, InputSource
from harness.targets.loader import Target
from harness.verify.differential import Differential

_SEED = 20_241  # the holdout benchmark's rounds are drawn from a secret as well
# A fast path for the shown inputs is exactly as fast as the original on the holdout, so this
# is how often one passes it, whatever the noise: one in two hundred.
_CONFIDENCE = 0.99
_EARLY_CONFIDENCE = 0.999  # to stop measuring before the budget, faster by the whole margin


@dataclass(frozen=True)
class Holdout:
    passed: int
    total: int  # the cases judged: those the reference itself fails on are left out
    failure: str | None = None  # the first case that disagrees, or why it is not faster
    speed: str | None = None  # how it compared with the original on the holdout, if timed

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def summary(self) -> str:
        return f"holdout: {self.passed}/{self.total} passed"

    @property
    def detail(self) -> str:
        return "; ".join(part for part in (self.summary, self.speed, self.failure) if part)


def judge_holdout(target: Target, source: Code, settings: BenchSettings) -> Holdout:
    """`source` against the reference on every holdout input, stopping at the first that
    disagrees; then, if it is not the original, timed against the original on the holdout."""
    inputs = InputSource(target)
    with tempfile.TemporaryDirectory(prefix="harness-holdout-") as tmp:
        differential = Differential(target, source, Path(tmp))
        try:
            correct = _judge_cases(differential, inputs.holdout_cases())
            if not correct.ok or source == baseline_code(target):
                return correct
            if not inputs.holdout_timeable:
                return _with_speed(correct, "too few held-out calls to time", None)
            return _timed(target, source, settings, inputs, differential, correct, Path(tmp))
        finally:
            differential.close()


def _judge_cases(differential: Differential, cases: list[Case]) -> Holdout:
    try:
        differential.candidate.start()
    except SandboxError as exc:
        return Holdout(0, len(cases), f"does not import: {exc}")
    passed, judged = 0, len(cases)
    for case in cases:
        try:
            mismatch = differential.check(case.args)
        except TargetError:  # the reference fails on it: it judges nothing
            judged -= 1
            continue
        if mismatch is not None:
            return Holdout(passed, judged, f"{case.label}: {mismatch.reason}")
        passed += 1
    return Holdout(passed, judged)


def _timed(
    target: Target,
    source: Code,
    settings: BenchSettings,
    inputs: InputSource,
    differential: Differential,
    correct: Holdout,
    workdir: Path,
) -> Holdout:
    contenders = [Contender("original", baseline_code(target)), Contender("candidate", source)]
    bench = InterleavedBenchmark(
        target,
        contenders,
        workdir / "bench",
        settings,
        _SEED,
        inputs.holdout_timing_arguments,
        differential.round_problem,
        unseen=False,
    )

    def settled() -> bool:
        """Faster by the whole margin beyond doubt, or surely short of what passes: more
        blocks would not change the answer. Stopping whenever the 99% interval first showed
        it faster would let a candidate as fast as the original pass more often, one look
        after another."""
        judged = bench.estimate("original", "candidate", _CONFIDENCE)
        if judged.blocks < settings.min_blocks:
            return False
        beyond_doubt = bench.estimate("original", "candidate", _EARLY_CONFIDENCE)
        short = judged.high < _least_speedup(settings.min_gain)
        return short or bool(decide(beyond_doubt, settings.min_gain))

    outcome = bench.run(stop=settled)
    if outcome.problems:
        return _with_speed(correct, None, f"holdout benchmark: {outcome.problems[0]}")
    if outcome.blocks < 2:
        return _with_speed(correct, None, "holdout benchmark: fewer than two blocks measured")
    estimate = outcome.estimate("original", "candidate", _CONFIDENCE)
    speed = (
        f"{estimate.speedup:.3f}x the original's speed on it, "
        f"{_CONFIDENCE:.0%} CI [{estimate.low:.3f}, {estimate.high:.3f}]"
    )
    if shown_faster(estimate, settings.min_gain):
        return _with_speed(correct, speed, None)
    return _with_speed(correct, speed, "not shown faster than the original on it")


def shown_faster(estimate: SpeedupEstimate, min_gain: float) -> bool:
    """Surely faster than the original, and by half the acceptance margin at the estimate."""
    return bool(decide(estimate, 0.0)) and estimate.speedup >= _least_speedup(min_gain)


def _least_speedup(min_gain: float) -> float:
    """What a faster holdout must show at the point estimate: gains shrink off the shown
    inputs, so half the margin a verdict asks."""
    return 1 + min_gain / 2


def _with_speed(correct: Holdout, speed: str | None, failure: str | None) -> Holdout:
    return Holdout(correct.passed, correct.total, failure, speed)
