"""Structured inputs (a generator's optional `structured(rng, size)`): adversarial cases random
draws rarely make, checked by the verdict stages and, from a stream of their own, the holdout;
and benchmark inputs that are fresh every call, so no timed round repeats the one before."""

import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest

from harness.sandbox.codec import encode
from harness.targets.inputs import InputSource
from harness.targets.loader import Target, bundled_names, load_target
from harness.verify.differential import Differential
from harness.verify.gate import Verifier

CANDIDATES = Path(__file__).parent / "candidates"


def _text(args: list[Any]) -> str:
    """Arguments as comparable text (numpy arrays do not compare with ==)."""
    return json.dumps(encode(args, "arguments"), sort_keys=True)


@pytest.mark.parametrize("name", bundled_names())
def test_structured_cases_are_valid_at_every_size_and_change_with_the_seed(name: str) -> None:
    """Valid: the reference answers each (a case it fails on would raise TargetError) and the
    original agrees with it by the target's rule."""
    target = load_target(name)
    source = InputSource(target)
    sizes = target.config.inputs.bench_sizes
    first, second = (source.structured_cases(sizes, seed, "bench") for seed in (1, 2))
    assert 4 * len(sizes) <= len(first) <= 8 * len(sizes)
    assert first[0].label == f"bench structured size {sizes[0]} #0"
    assert [_text(case.args) for case in first] != [_text(case.args) for case in second]
    small = source.structured_cases(target.config.inputs.small_sizes, 1, "small")
    with tempfile.TemporaryDirectory() as tmp:
        differential = Differential(target, target.baseline_source(), Path(tmp))
        try:
            differential.candidate.start()
            for case in small + first:
                mismatch = differential.check(case.args)
                assert mismatch is None, f"{case.label}: {mismatch.reason}"
        finally:
            differential.close()


def test_the_holdouts_structured_cases_are_not_the_ones_verdicts_check() -> None:
    target = load_target("levenshtein")
    source = InputSource(target)
    size = target.config.inputs.bench_sizes[0]
    held = [
        c for c in source.holdout_cases() if c.label.startswith(f"holdout structured size {size} ")
    ]
    shown = {
        _text(c.args) for seed in range(10) for c in source.structured_cases([size], seed, "bench")
    }
    assert held and not any(_text(case.args) in shown for case in held)


def test_a_target_without_structured_keeps_its_cases(squares: Target) -> None:
    source = InputSource(squares)
    assert source.structured_cases([0, 5, 500], 1, "bench") == []
    assert not any("structured" in case.label for case in source.holdout_cases())


@pytest.mark.parametrize("name", bundled_names())
def test_benchmark_inputs_are_fresh_every_call(name: str) -> None:
    target = load_target(name)
    source, rng = InputSource(target), random.Random(3)
    size = target.config.inputs.bench_sizes[0]
    draws = [_text(source.timing_arguments(rng, size)) for _ in range(5)]
    assert len(set(draws)) == 5


def test_primes_below_bounds_vary_within_a_tenth_of_the_size() -> None:
    source, rng = InputSource(load_target("primes_below")), random.Random(4)
    bounds = [source.timing_arguments(rng, 40_000)[0] for _ in range(400)]
    assert all(36_000 <= n <= 44_000 for n in bounds) and len(set(bounds)) > 300
    assert abs(sum(bounds) / len(bounds) - 40_000) < 500  # the same work per call, on average


def test_a_banded_levenshtein_right_on_random_inputs_fails_on_a_shifted_string() -> None:
    """Exact while the alignment stays near the diagonal, as it does for every random and edge
    case; a string against itself shifted by a quarter of its length leaves the band."""
    target = load_target("levenshtein")
    source = (CANDIDATES / "levenshtein__wrong_when_shifted.py").read_text()
    verdict = Verifier(bench=None).evaluate(target, source, seed=14)
    passed = [check.name for check in verdict.checks if check.passed]
    failed = [check for check in verdict.checks if not check.passed]
    assert not verdict.correct and failed[0].name == "benchmark-size inputs", verdict.reasons
    assert {"edge cases", "small random inputs", "property-based inputs (hypothesis)"} <= set(
        passed
    )
    assert failed[0].detail.startswith("bench structured size 350 #"), failed[0].detail
    assert "wrong result" in failed[0].detail
