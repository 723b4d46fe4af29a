"""The reported round times against the kernel's count of each process's CPU time.

The round times a verdict's interval is computed from are pytest-benchmark's, taken inside the
process under test: the least noisy figures there are, and the process's to forge. Beside each,
the process reports its thread's CPU time in the call, which cannot exceed it (the CPU clock is
read inside the timed interval). The kernel counts the CPU time of the whole process (every
thread, also ended ones) and the process cannot change that count; it is stopped outside its
rounds, so the count over a block is exactly what it ran for that block. Per block, the CPU
saving the reports claim is set against the saving the kernel's counts show; what the kernel
does not see was either forged or done outside the timer (before or after the call, in a
finalizer, in another thread). CPU is set against CPU: time the process waited while another
ran on its core is in its reported round times, but in neither of these.
"""

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.bench.outcome import BenchOutcome

# Per round, the part of the claimed saving the kernel's clock may miss: half of it, or this
# floor. An honest candidate's rounds differ from the baseline's outside the timer only by
# encoding a different output; see benchmarks/verdict_quality.py's `kernel_unseen_s` for the
# figures measured, per target.
UNSEEN_FRACTION = 0.5
UNSEEN_FLOOR_SECONDS = 0.0002
# Above the plausibility bound the kernel's clock must show nearly all of the saving.
IMPLAUSIBLE_UNSEEN_FRACTION = 0.1
# Time outside the timer beyond the baseline's, per round, that is an integrity failure whether
# or not a speedup is claimed: a quarter of the baseline's round, or this floor.
HIDDEN_FRACTION = 0.25
HIDDEN_FLOOR_SECONDS = 0.002


@dataclass(frozen=True)
class KernelClock:
    """Medians over blocks, per round: `claimed` the CPU saving the reports show, `unseen`
    the part of it the kernel's CPU counts do not; `speedup` the baseline's CPU time over the
    candidate's (the process's whole round: handing over input and output included)."""

    claimed: float
    unseen: float
    speedup: float

    def limit(self, implausible: bool = False) -> float:
        fraction = IMPLAUSIBLE_UNSEEN_FRACTION if implausible else UNSEEN_FRACTION
        return max(UNSEEN_FLOOR_SECONDS, fraction * self.claimed)

    def agrees(self, implausible: bool = False) -> bool:
        return self.unseen <= self.limit(implausible)

    @property
    def agreement(self) -> float | None:
        """The share of the claimed saving the kernel's clock sees (1: all of it)."""
        return (self.claimed - self.unseen) / self.claimed if self.claimed > 0 else None

    def disagreement(self, speedup: float, implausible: bool = False) -> str:
        seen, needed = self.claimed - self.unseen, self.claimed - self.limit(implausible)
        return (
            f"in-process timings ({speedup:.2f}x) disagree with the kernel's count of the "
            f"processes' CPU time ({self.speedup:.2f}x): per round the timer saves "
            f"{self.claimed * 1000:.3f} ms, the kernel's clock {seen * 1000:.3f} ms (needs at "
            f"least {needed * 1000:.3f} ms)"
        )

    def hidden(self, baseline_round: float) -> str | None:
        """An integrity failure, if the candidate runs far more outside its timer than the
        baseline does."""
        limit = max(HIDDEN_FLOOR_SECONDS, HIDDEN_FRACTION * baseline_round)
        if self.unseen <= limit:
            return None
        return (
            f"benchmark integrity: {self.unseen * 1000:.1f} ms of CPU per round outside the "
            f"timer beyond the baseline's, by the kernel's count (limit {limit * 1000:.1f} ms); "
            "timings are not trusted"
        )


def kernel_clock(outcome: "BenchOutcome", slower: str, faster: str) -> KernelClock | None:
    """`None` until both sides have a block with their CPU counted."""
    base, cand = outcome.sides[slower], outcome.sides[faster]
    blocks = min(len(base.cpu), len(cand.cpu), len(base.timed_cpu), len(cand.timed_cpu))
    if blocks == 0:
        return None
    rounds = outcome.rounds_per_block
    claimed = [(base.timed_cpu[k] - cand.timed_cpu[k]) / rounds for k in range(blocks)]
    seen = [(base.cpu[k] - cand.cpu[k]) / rounds for k in range(blocks)]
    ratios = [b / c if c > 0 else float("inf") for b, c in zip(base.cpu, cand.cpu, strict=False)]
    return KernelClock(
        statistics.median(claimed),
        statistics.median(c - s for c, s in zip(claimed, seen, strict=True)),
        statistics.median(ratios[:blocks]),
    )
