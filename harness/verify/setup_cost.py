"""Whether a candidate's one-time setup pays for itself.

A table built at import or a cache filled by the first call costs once per process, outside the
interleaved rounds. `harness.bench.setup` times it for both sides in fresh processes; the cost the
candidate adds is spread over the calls a process makes in real use (`calls_per_process`), and
the speedup judged is the one left. Process starts vary by milliseconds, so what counts is the
added cost the samples make sure of (a lower confidence bound from a one-sided rank test): a
compiled regex or a small table at import is lost in that noise.
"""

import math
import statistics
from dataclasses import dataclass

from scipy import stats

from harness.bench.setup import FreshStart

SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class SetupCost:
    baseline_s: float  # median over fresh processes: launch until the first round is answered
    candidate_s: float
    extra_s: float  # the candidate's beyond the baseline's that is sure (see `surely_extra`)
    rounds_per_process: float  # the calls a process makes in real use, in timed rounds

    @property
    def counted(self) -> bool:
        return self.extra_s > 0

    def amortized(self, speedup: float, baseline_round_s: float) -> float:
        """`speedup` with the added setup spread over a process's rounds."""
        if not self.counted or speedup <= 0 or baseline_round_s <= 0:
            return speedup
        candidate_round_s = 0.0 if math.isinf(speedup) else baseline_round_s / speedup
        return baseline_round_s / (candidate_round_s + self.extra_s / self.rounds_per_process)

    def summary(self) -> dict[str, float]:
        return {
            "setup_baseline_s": self.baseline_s,
            "setup_candidate_s": self.candidate_s,
            "setup_extra_s": self.extra_s,
            "rounds_per_process": self.rounds_per_process,
        }

    def describe(self, calls_per_process: int) -> str:
        return (
            f"a fresh process of the candidate takes {self.candidate_s * 1000:.1f} ms to import "
            f"and answer its first call, the baseline's {self.baseline_s * 1000:.1f} ms; at "
            f"least {self.extra_s * 1000:.1f} ms more, spread over {calls_per_process} calls "
            "per process (the target's calls_per_process)"
        )


def setup_cost(starts: dict[str, list[FreshStart]], rounds_per_process: float) -> SetupCost:
    """From `measure_fresh_starts`'s samples of the baseline and the candidate."""
    base = [start.setup for start in starts["baseline"]]
    cand = [start.setup for start in starts["candidate"]]
    return SetupCost(
        statistics.median(base),
        statistics.median(cand),
        surely_extra(cand, base),
        max(rounds_per_process, 1e-9),
    )


def surely_extra(candidate: list[float], baseline: list[float]) -> float:
    """How much longer the candidate surely takes: the largest shift that still leaves it
    significantly slower (a one-sided lower confidence bound, from inverting the rank test), or
    0. A chance run of slow starts counts for little; a real one for nearly all of it."""
    surely = 0.0
    for shift in sorted({c - b for c in candidate for b in baseline}):
        if shift <= 0:
            continue
        below = shift * (1 - 1e-9)  # just under a pairwise difference: no ties
        moved = [seconds - below for seconds in candidate]
        if stats.mannwhitneyu(moved, baseline, alternative="greater").pvalue >= SIGNIFICANCE:
            break
        surely = below
    return surely
