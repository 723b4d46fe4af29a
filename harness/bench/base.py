"""The timing role's interface, implemented by `harness.bench.runner.InterleavedBenchmark`."""

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from harness.bench.outcome import BenchOutcome


class Benchmark(Protocol):
    """Times contenders against each other until the chosen pair's interval is decisive."""

    def run(self, decide_pair: tuple[str, str] | None = None) -> "BenchOutcome": ...
