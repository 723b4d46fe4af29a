"""What a benchmark measured: per side, the reported round times beside what the parent and the
kernel saw of each round, and the outcome over all sides."""

import statistics
from dataclasses import dataclass, field
from typing import Any

from harness.bench.stats import SpeedupEstimate, log_ratio_interval, paired_log_ratio
from harness.sandbox.messages import TimedRound
from harness.verdict import SideTimes, Timings


@dataclass
class SideRecord:
    """Everything measured for one contender."""

    label: str
    block_medians: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # per round, as the process reports them
    wall: list[float] = field(default_factory=list)  # per block, seen from the parent
    timed: list[float] = field(default_factory=list)  # per block, the reported round times
    timed_cpu: list[float] = field(default_factory=list)  # per block, the reported CPU times
    # Per block, the process's CPU time in the whole block on the kernel's clock: its rounds,
    # opening and closing the block (it is stopped in between, so nothing else is left out).
    cpu: list[float] = field(default_factory=list)
    # Per round: the wall time seen from the parent minus the timed call. Round k of every side
    # (here and in `times`) timed the same input, next to each other in time.
    untimed: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def round_walls(self) -> list[float]:
        """Per round, the wall time seen from the parent: the timed call and everything else the
        round took (handing its input over, setup and teardown, the parent's answer)."""
        return [timed + untimed for timed, untimed in zip(self.times, self.untimed, strict=False)]

    def add_block(
        self, samples: list[float], cpu: list[float], rounds: list[TimedRound], outside: float
    ) -> None:
        """One block's reported round times and CPU times, and its rounds as the parent saw
        them."""
        self.block_medians.append(statistics.median(samples))
        self.times.extend(samples)
        self.timed.append(sum(samples))
        self.timed_cpu.append(sum(cpu))
        self.wall.append(sum(r.wall for r in rounds))
        self.cpu.append(sum(r.cpu for r in rounds) + outside)
        self.untimed.extend(r.wall - time for r, time in zip(rounds, samples, strict=True))


@dataclass
class BenchOutcome:
    sides: dict[str, SideRecord]
    rounds_per_block: int
    stop_reason: str
    seconds: float
    calls_per_round: int = 1  # more for a repository target: a slice of its recorded calls

    @property
    def blocks(self) -> int:
        return min(len(side.block_medians) for side in self.sides.values())

    def estimate(self, slower: str, faster: str, confidence: float = 0.95) -> SpeedupEstimate:
        return paired_estimate(
            self.sides[slower], self.sides[faster], self.rounds_per_block, confidence
        )

    @property
    def problems(self) -> list[str]:
        return [f"{s.label}: {p}" for s in self.sides.values() for p in s.problems]

    def timings(self) -> Timings:
        """What was measured, as the plain values a verdict carries."""
        sides = tuple(
            SideTimes(s.label, tuple(s.times), tuple(s.block_medians), dict(s.options))
            for s in self.sides.values()
        )
        return Timings(sides, self.rounds_per_block)


# A block's reported CPU time may exceed its reported time by this much at most: the CPU clock is
# read inside each interval the timer measures, on one core. Not by nothing: the first round
# after a process moves to the measuring core has read up to 0.08 ms more CPU than wall time
# here (the cores' clocks differ a little), never more than one round a block.
_CPU_OVER_WALL_SECONDS = 2e-4


def reported(stats: dict[str, Any], key: str) -> list[float]:
    values = stats.get(key)
    if not isinstance(values, list) or not all(type(v) in (int, float) for v in values):
        return []
    return [float(value) for value in values]


def report_problem(samples: list[float], cpu: list[float], rounds: int) -> str | None:
    """Why a block's reported times cannot be right, or None."""
    if len(samples) != rounds or len(cpu) != rounds:
        return f"reported {len(samples)} round times and {len(cpu)} CPU times for {rounds} rounds"
    if sum(cpu) > sum(samples) + _CPU_OVER_WALL_SECONDS:
        return "reported rounds shorter than the CPU time it reported for them"
    return None


def paired_estimate(
    slower: SideRecord, faster: SideRecord, rounds: int, confidence: float = 0.95
) -> SpeedupEstimate:
    """`slower`'s time over `faster`'s, from each block's round-by-round ratios (see
    `paired_log_ratio`); every block has `rounds` rounds."""
    blocks = min(len(slower.block_medians), len(faster.block_medians))
    spans = [slice(block * rounds, (block + 1) * rounds) for block in range(blocks)]
    ratios = [paired_log_ratio(slower.times[span], faster.times[span]) for span in spans]
    return log_ratio_interval(ratios, confidence)
