"""Whether a candidate keeps results between calls.

In fresh processes of each side (`harness.bench.setup`), rounds A and B are timed on first sight
and then sent again. A function that keeps nothing takes about as long the second time; one
that caches its results (bounded or not, keyed on the input or on its `id`) answers a round it
has seen far quicker. The baseline is the control: the same rounds, the same warm caches of the
machine. Lazy initialisation that does not depend on the input is done by the process's first
round, before A and B, and so does not count.
"""

import statistics
from dataclasses import dataclass

from scipy import stats

from harness.bench.setup import FreshStart

SIGNIFICANCE = 0.05
# A candidate keeps results when a round seen before takes under this share of the relative
# time the baseline's does (and every process shows it, p < SIGNIFICANCE).
KEPT_SHARE = 0.5


@dataclass(frozen=True)
class Repeats:
    baseline_again: float  # median over fresh processes: rounds seen before / the same at first
    candidate_again: float
    p_value: float  # one-sided: the candidate's rounds seen before are relatively quicker

    @property
    def keeps_results(self) -> bool:
        quicker = self.candidate_again < KEPT_SHARE * self.baseline_again
        return quicker and self.p_value < SIGNIFICANCE

    @property
    def suspected(self) -> bool:
        """Quicker on repeats by the median, not significantly: more processes decide (with four
        a side, one disturbed candidate process alone can leave p at 4/70, above 0.05)."""
        return self.candidate_again < KEPT_SHARE * self.baseline_again and not self.keeps_results

    def summary(self) -> dict[str, float]:
        return {"again_baseline": self.baseline_again, "again_candidate": self.candidate_again}

    def describe(self) -> str:
        return (
            "keeps results between calls: in fresh processes, inputs it had seen before took "
            f"{self.candidate_again:.0%} of the time they first took, the baseline's "
            f"{self.baseline_again:.0%}"
        )


def repeats(starts: dict[str, list[FreshStart]]) -> Repeats:
    base = [_again(start) for start in starts["baseline"]]
    cand = [_again(start) for start in starts["candidate"]]
    quicker = stats.mannwhitneyu(cand, base, alternative="less", method="exact").pvalue
    return Repeats(statistics.median(base), statistics.median(cand), float(quicker))


def _again(start: FreshStart) -> float:
    return start.again / start.first_sight if start.first_sight > 0 else 1.0
