"""The verdict on a candidate: the JSON contract other tools script against, with the timings
its benchmark measured (plain numbers, kept out of that JSON: the store writes them in
pytest-benchmark's format)."""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Counterexample:
    """An input on which the candidate disagrees with the reference."""

    args: str
    expected: str
    actual: str


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str
    counterexample: Counterexample | None = None


@dataclass(frozen=True)
class SideTimes:
    """One contender's measured times (seconds per call), block by block."""

    label: str
    times: tuple[float, ...]
    block_medians: tuple[float, ...]
    options: dict[str, Any] = field(default_factory=dict)  # how the worker timed it


@dataclass(frozen=True)
class Timings:
    """What a benchmark measured, every side."""

    sides: tuple[SideTimes, ...]
    rounds_per_block: int


@dataclass
class Verdict:
    target: str
    seed: int
    checks: list[Check] = field(default_factory=list)
    speedup: float | None = None
    speedup_ci: tuple[float, float] | None = None
    benchmark: dict[str, Any] | None = None
    flags: list[str] = field(default_factory=list)
    sandbox: str = ""  # the boundary candidate code ran in
    timings: Timings | None = None  # not in the JSON: large, and the store's to write

    @property
    def correct(self) -> bool:
        correctness = [check for check in self.checks if check.name != "benchmark"]
        return bool(correctness) and all(check.passed for check in correctness)

    @property
    def accepted(self) -> bool:
        """Correct, and measurably faster: the benchmark check passed."""
        speed = [check for check in self.checks if check.name == "benchmark"]
        return self.correct and bool(speed) and speed[0].passed

    @property
    def reasons(self) -> list[str]:
        failed = [f"{check.name}: {check.detail}" for check in self.checks if not check.passed]
        if failed:
            return failed
        speed = [f"{c.name}: {c.detail}" for c in self.checks if c.name == "benchmark"]
        return ["correct: every check passed", *speed] if speed else ["correct, not benchmarked"]

    @property
    def counterexample(self) -> Counterexample | None:
        return next((c.counterexample for c in self.checks if c.counterexample), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "accepted": self.accepted,
            "correct": self.correct,
            "speedup": self.speedup,
            "speedup_ci": list(self.speedup_ci) if self.speedup_ci else None,
            "reasons": self.reasons,
            "checks": [
                {key: value for key, value in asdict(check).items() if value is not None}
                for check in self.checks
            ],
            "seed": self.seed,
            "benchmark": self.benchmark,
            "flags": self.flags,
            "sandbox": self.sandbox,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Verdict":
        """The verdict `to_json` wrote (its timings are not kept there)."""
        checks = [_check(check) for check in data.get("checks", [])]
        ci = data.get("speedup_ci")
        return cls(
            data.get("target", ""),
            int(data.get("seed", 0)),
            checks,
            data.get("speedup"),
            (float(ci[0]), float(ci[1])) if ci else None,
            data.get("benchmark"),
            list(data.get("flags", [])),
            str(data.get("sandbox", "")),
        )


def _check(data: dict[str, Any]) -> Check:
    example = data.get("counterexample")
    counterexample = Counterexample(**example) if isinstance(example, dict) else None
    return Check(data["name"], bool(data["passed"]), str(data.get("detail", "")), counterexample)
