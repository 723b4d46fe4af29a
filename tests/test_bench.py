"""The speed half of the verdict: statistics, the acceptance rule, integrity rules, harness bench."""

import json
import math
import random
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from harness.bench.outcome import BenchOutcome, SideRecord
from harness.bench.runner import BenchSettings, Contender, InterleavedBenchmark
from harness.bench.stats import SpeedupEstimate, decide, log_ratio_interval
from harness.sandbox.messages import SandboxSpec
from harness.sandbox.process import SandboxProcess
from harness.targets.loader import Target
from harness.verify.gate import Verifier
from harness.verify.speed import SpeedReport, speed_check

CANDIDATES = Path(__file__).parent / "candidates"


def _interval(baseline: list[float], candidate: list[float]) -> SpeedupEstimate:
    """The interval on per-block figures of two sides."""
    return log_ratio_interval([math.log(b / c) for b, c in zip(baseline, candidate, strict=True)])


def test_interval_brackets_a_clear_speedup() -> None:
    rng = random.Random(0)
    baseline = [2.0 * (1 + rng.gauss(0, 0.01)) for _ in range(8)]
    candidate = [1.0 * (1 + rng.gauss(0, 0.01)) for _ in range(8)]
    estimate = _interval(baseline, candidate)
    assert estimate.low < 2.0 < estimate.high and estimate.low > 1.9
    assert decide(estimate, 0.03) is True


def _disturbed(rng: random.Random) -> float:
    return rng.lognormvariate(0, 0.02) * (1 + (rng.expovariate(3) if rng.random() < 0.3 else 0))


def _rounds_of_varying_size(seed: int, rounds: int) -> BenchOutcome:
    """Ten blocks of equally fast sides timing rounds a third above or below one size (as the
    holdout's are); a busy machine disturbs a third of the rounds, each on its own."""
    rng = random.Random(seed)
    sizes = [rng.choice([0.7, 1.3]) * rng.uniform(0.95, 1.05) for _ in range(10 * rounds)]
    sides = {
        label: SideRecord(label, times=[size * _disturbed(rng) for size in sizes])
        for label in ("original", "candidate")
    }
    for side in sides.values():
        side.block_medians = [
            statistics.median(side.times[b * rounds : (b + 1) * rounds]) for b in range(10)
        ]
    return BenchOutcome(sides, rounds, "decided", 1.0)


def test_blocks_pair_their_rounds_so_varying_sizes_leave_the_interval_narrow() -> None:
    paired, unpaired = [], []
    for seed in range(40):
        outcome = _rounds_of_varying_size(seed, rounds=6)
        estimate = outcome.estimate("original", "candidate")
        assert decide(estimate, 0.03) is not True
        paired.append(math.log(estimate.high / estimate.low))
        sides = outcome.sides
        medians = _interval(sides["original"].block_medians, sides["candidate"].block_medians)
        unpaired.append(math.log(medians.high / medians.low))
    assert statistics.median(paired) < 0.6 * statistics.median(unpaired), (paired, unpaired)


def test_identical_timings_are_never_faster() -> None:
    rng = random.Random(1)
    times = [1 + rng.gauss(0, 0.02) for _ in range(10)]
    assert decide(_interval(times, list(times)), 0.03) is False


def test_one_block_is_undecided() -> None:
    estimate = _interval([2.0], [1.0])
    assert (estimate.low, estimate.high) == (0.0, math.inf) and decide(estimate, 0.03) is None


def test_a_a_candidate_is_not_accepted(squares: Target) -> None:
    verdict = Verifier(BenchSettings(budget_seconds=6)).evaluate(
        squares, squares.baseline_source(), seed=21
    )
    assert verdict.correct and not verdict.accepted
    assert verdict.checks[-1].name == "benchmark" and not verdict.checks[-1].passed


def test_faster_candidate_is_accepted_with_its_interval(squares: Target) -> None:
    source = (squares.folder / "examples" / "fast.py").read_text()
    verdict = Verifier(BenchSettings(budget_seconds=6)).evaluate(squares, source, seed=22)
    assert verdict.accepted and verdict.speedup_ci is not None
    assert verdict.speedup_ci[0] > 1.03 and verdict.benchmark is not None
    summary = verdict.benchmark
    assert summary["blocks"] >= 2 and summary["rounds_per_block"] >= 3
    assert summary["baseline_median_s"] > summary["candidate_median_s"]
    assert "cv_baseline" in summary and "wall_speedup" in summary


def test_min_gain_from_the_run_overrides_the_target(squares: Target) -> None:
    source = (squares.folder / "examples" / "fast.py").read_text()
    verdict = Verifier(BenchSettings(budget_seconds=4), min_gain=100_000.0).evaluate(
        squares, source, seed=23
    )
    assert verdict.correct and not verdict.accepted
    assert "100001" in verdict.checks[-1].detail


def _outcome(
    base_wall: list[float], base_timed: list[float], cand_wall: list[float], cand_timed: list[float]
) -> BenchOutcome:
    """One round per block: each wall and timed figure is a round's and a block's."""

    def side(label: str, wall: list[float], timed: list[float]) -> SideRecord:
        untimed = [w - t for w, t in zip(wall, timed, strict=True)]
        record = SideRecord(label, timed, timed, wall, timed, cpu=wall, untimed=untimed)
        record.timed_cpu = timed
        return record

    base, cand = side("baseline", base_wall, base_timed), side("candidate", cand_wall, cand_timed)
    return BenchOutcome({"baseline": base, "candidate": cand}, 1, "decided", 1.0)


def _report(outcome: BenchOutcome, speedup: float, wall_speedup: float) -> SpeedReport:
    summary = {"wall_speedup": wall_speedup}
    return SpeedReport(speedup, (speedup * 0.9, speedup * 1.1), True, summary, [], outcome)


def test_time_hidden_outside_the_timer_is_rejected() -> None:
    outcome = _outcome([0.12] * 5, [0.10] * 5, [0.30] * 5, [0.05] * 5)
    check = speed_check(_report(outcome, 2.0, 0.4), BenchSettings())
    assert not check.passed and "outside the timer" in check.detail


def test_in_process_speedup_the_wall_clock_does_not_see_is_rejected() -> None:
    # the timer saves 20 ms a round, the wall clock 5 ms: 15 ms moved outside the timer, more than
    # half the saving, less than the hidden-time limit (25 ms); more in tests/test_wall_clock.py
    outcome = _outcome([0.12] * 5, [0.10] * 5, [0.115] * 5, [0.08] * 5)
    check = speed_check(_report(outcome, 1.25, 1.04), BenchSettings())
    assert not check.passed and "wall clock" in check.detail


def test_plausibility_bound_flags_but_does_not_reject_when_the_clocks_agree() -> None:
    from harness.verify.speed import _report as summarize

    outcome = _outcome([0.1] * 5, [0.1] * 5, [0.01] * 5, [0.001] * 5)
    report = summarize(outcome, BenchSettings())
    assert report.flags and "plausibility" in report.flags[0] and report.decided is True
    assert speed_check(report, BenchSettings()).passed


def test_above_the_plausibility_bound_the_kernel_clock_must_see_nearly_all_the_saving() -> None:
    """100x claimed, 99 ms a round saved; the kernel's clock sees 80 ms of it: under the bound
    that would pass (half is enough), above it, it is rejected."""
    from harness.verify.speed import _report as summarize

    outcome = _outcome([0.1] * 5, [0.1] * 5, [0.01] * 5, [0.001] * 5)
    outcome.sides["candidate"].cpu = [0.02 + 0.001] * 5
    report = summarize(outcome, BenchSettings())
    check = speed_check(report, BenchSettings())
    assert not check.passed and "kernel" in check.detail and "plausibility bound" in check.detail
    assert speed_check(report, BenchSettings(plausibility_bound=200.0)).passed


def test_every_round_gets_fresh_inputs_shared_by_both_sides(
    squares: Target, tmp_path: Path
) -> None:
    seen: list[tuple[int, ...]] = []

    def make_arguments(rng: random.Random, size: int) -> list[Any]:
        args = [[rng.randint(-1000, 1000) for _ in range(size)]]
        seen.append(tuple(args[0]))
        return args

    contenders = [Contender(label, squares.baseline_source()) for label in ("a", "b")]
    settings = BenchSettings(min_blocks=2, max_blocks=3, budget_seconds=30)
    outcome = InterleavedBenchmark(
        squares, contenders, tmp_path, settings, 5, make_arguments, lambda args, output: None
    ).run()
    timed = outcome.blocks * outcome.rounds_per_block
    assert len(outcome.sides["a"].times) == len(outcome.sides["b"].times) == timed
    # Calibration, warm-up and timed inputs (and the next block's, drawn ahead) are all distinct.
    assert len(seen) >= timed + 2 and len(set(seen)) == len(seen)


def test_a_process_left_running_is_detected(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    module = tmp_path / "src" / "spawner.py"
    module.write_text(
        textwrap.dedent("""
        import subprocess
        def f(x):
            subprocess.Popen(["sleep", "30"])
            return x
    """)
    )
    process = SandboxProcess(SandboxSpec(module, "spawner", "f", tmp_path, sandboxed=False))
    try:
        assert process.call([1], timeout=10).ok
        assert process.stray_processes() == 1
    finally:
        process.close()
    deadline = time.monotonic() + 5
    while process.stray_processes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.stray_processes() == 0


def test_bench_command_writes_pytest_benchmark_json(squares_folder: Path, tmp_path: Path) -> None:
    env = {"HARNESS_RESULTS": str(tmp_path / "results"), "PATH": "/usr/bin:/bin"}
    command = [
        sys.executable,
        "-m",
        "harness",
        "bench",
        str(squares_folder),
        "--candidate",
        str(squares_folder / "examples" / "fast.py"),
        "--json",
        "--budget",
        "4",
        "--seed",
        "1",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    labels = [row["label"] for row in report["contenders"]]
    assert labels == ["baseline", "candidate", "reference"]
    candidate = report["contenders"][1]
    assert candidate["speedup"] > 1 and candidate["way_to_reference"] > 0
    written = json.loads(Path(report["results_file"]).read_text())
    assert {b["name"] for b in written["benchmarks"]} == set(labels)
    assert all(b["stats"]["rounds"] == len(b["stats"]["data"]) > 0 for b in written["benchmarks"])
    compare = subprocess.run(
        [str(Path(sys.executable).parent / "pytest-benchmark"), "compare", report["results_file"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert compare.returncode == 0 and "candidate" in compare.stdout, compare.stderr


def test_settings_refuse_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        BenchSettings.model_validate({"min_gain": 0.1, "rounds": 0})


def test_numpy_is_preloaded_only_for_code_importing_beyond_the_standard_library() -> None:
    from harness.targets.code import imports_only_stdlib

    assert imports_only_stdlib(["import heapq\nfrom collections import Counter\n", "x = 1"])
    assert imports_only_stdlib(["from . import helpers\nfrom .core import f\nimport os.path\n"])
    assert not imports_only_stdlib(["import heapq\n", "import numpy as np\n"])
    assert not imports_only_stdlib(["from scipy.spatial import distance\n"])
    assert not imports_only_stdlib(["def broken(:\n"])
