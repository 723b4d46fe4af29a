"""A collection of wrong, cheating and hostile candidates, each rejected for the right reason;
correct-and-different candidates accepted; every bundled baseline verifies."""

import os
import time
from pathlib import Path

import pytest
from conftest import live_descendants

from harness.bench.runner import BenchSettings
from harness.targets.loader import bundled_names, load_target
from harness.verify.gate import Verifier

CANDIDATES = Path(__file__).parent / "candidates"
BENCH = BenchSettings(budget_seconds=8)

# candidate file -> (the check that must fail, words its detail must contain)
REJECTED = {
    "primes_below__off_by_one": ("edge cases", "wrong result"),
    "levenshtein__float_result": ("edge cases", "expected int, got float"),
    "levenshtein__empty_shortcut": ("edge cases", "wrong result"),
    "pairwise_distances__ndarray": ("edge cases", "numpy.ndarray"),
    # comes back as data (an object of its class), never compared with its own __eq__
    "pairwise_distances__always_equal": ("edge cases", "got pairwise_distances.Anything"),
    "rolling_median__sorts_input": ("edge cases", "mutates its inputs"),
    "rolling_median__lazy": ("edge cases", "generator"),
    "top_k_words__tie_order": ("edge cases", "wrong result"),
    "top_k_words__wrong_when_large": ("benchmark-size inputs", "wrong result"),
    "matmul__square_only": ("edge cases", ""),
    "matmul__reads_reference": ("static screen", "imports the reference"),
    "top_k_words__edits_tests": ("static screen", "writes files"),
    "top_k_words__wrong_on_test_input": ("target's own tests", "failed with exit code 1"),
    "primes_below__deletes_files": ("static screen", "os.remove"),
    "primes_below__patches_timer_at_runtime": ("import in sandbox", "replaced json.dumps"),
    "levenshtein__leaves_thread": ("edge cases", "background thread"),
    "squares__hang": ("edge cases", "timed out"),
    "squares__segfault": ("edge cases", "SIGSEGV"),
    "squares__memory_bomb": ("edge cases", "MemoryError"),
    "squares__fork_bomb": ("static screen", "os.fork"),
    "squares__tampers_at_import": ("import in sandbox", "replaced time.perf_counter"),
    "squares__replaces_worker_timer": ("import in sandbox", "replaced __main__._TIMER"),
    "squares__inconsistent": (
        "property-based inputs (hypothesis)",
        "gives different answers for the same input",
    ),
}

# candidates that pass every correctness check and must be caught by the benchmark's integrity rules
REJECTED_BY_BENCHMARK = {
    "squares__wrong_under_benchmark": "output of a timed call is wrong",
    "squares__lazy_under_benchmark": "got squares.LazySquares",
    "squares__slower": "not faster",
    # slows the block's fixture clock from the first round on: its rounds are then reported
    # shorter than the CPU time the worker's own clock counts in them
    "squares__patches_fixture_timer": "reported rounds shorter than the CPU time",
}


def _target_for(name: str, squares_folder: Path) -> str:
    target = name.split("__")[0]
    return str(squares_folder) if target == "squares" else target


@pytest.mark.parametrize("name", REJECTED)
def test_wrong_candidates_are_rejected_for_the_right_reason(
    name: str, squares_folder: Path
) -> None:
    target = load_target(_target_for(name, squares_folder))
    source = (CANDIDATES / f"{name}.py").read_text()
    verdict = Verifier(bench=None).evaluate(target, source, seed=11)
    stage, words = REJECTED[name]
    failed = [check for check in verdict.checks if not check.passed]
    assert not verdict.correct and not verdict.accepted
    assert failed[0].name == stage, verdict.reasons
    assert words in failed[0].detail, failed[0].detail


def test_work_started_in_the_background_does_not_outlive_a_failed_verdict(
    squares_folder: Path,
) -> None:
    """The target's tests and the first benchmark processes start early; a candidate that fails
    correctness stops them all, however long they would have run."""
    config = squares_folder / "target.toml"
    slow_tests = "test_command = \"python -c 'import time; time.sleep(60)'\"\n"
    config.write_text(slow_tests + config.read_text())
    source = (CANDIDATES / "squares__hang.py").read_text()
    verdict = Verifier(BENCH).evaluate(load_target(str(squares_folder)), source, seed=12)
    assert not verdict.correct and [c.name for c in verdict.checks][-1] == "edge cases"
    deadline = time.monotonic() + 10
    while live_descendants(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not live_descendants(os.getpid())


def test_hostile_candidates_leave_the_target_folder_unharmed(squares_folder: Path) -> None:
    before = {p: p.read_bytes() for p in squares_folder.rglob("*.py")}
    target = load_target(str(squares_folder))
    for name in ["squares__hang", "squares__segfault", "squares__memory_bomb"]:
        Verifier(bench=None).evaluate(target, (CANDIDATES / f"{name}.py").read_text(), seed=1)
    assert {p: p.read_bytes() for p in squares_folder.rglob("*.py")} == before


@pytest.mark.parametrize("name", REJECTED_BY_BENCHMARK)
def test_benchmark_integrity_catches_what_correctness_cannot(
    name: str, squares_folder: Path
) -> None:
    target = load_target(str(squares_folder))
    verdict = Verifier(BENCH).evaluate(target, (CANDIDATES / f"{name}.py").read_text(), seed=5)
    benchmark = [check for check in verdict.checks if check.name == "benchmark"]
    assert benchmark and not benchmark[0].passed and not verdict.accepted
    assert REJECTED_BY_BENCHMARK[name] in benchmark[0].detail, benchmark[0].detail


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_baseline_verifies_against_its_reference(name: str) -> None:
    target = load_target(name)
    verdict = Verifier(bench=None).evaluate(target, target.baseline_source(), seed=3)
    assert verdict.correct, verdict.reasons


@pytest.mark.parametrize("name", bundled_names())
def test_correct_faster_examples_are_accepted(name: str) -> None:
    target = load_target(name)
    source = (target.folder / "examples" / "fast.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=4)
    assert verdict.accepted, verdict.reasons
    assert verdict.speedup_ci is not None and verdict.speedup_ci[0] > 1.03
    assert verdict.speedup is not None and bool(verdict.flags) == (verdict.speedup > 50)


def test_correct_and_different_candidate_is_correct() -> None:
    target = load_target("levenshtein")
    source = (CANDIDATES / "levenshtein__lru_cache_inside.py").read_text()
    assert Verifier(bench=None).evaluate(target, source, seed=6).correct
