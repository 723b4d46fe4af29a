"""The holdout: inputs no verdict, prompt or validator sees, judged at final acceptance and by
`harness verify --holdout`."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from repos import harness_init, make_repo

from harness.bench.runner import BenchSettings
from harness.bench.stats import SpeedupEstimate
from harness.loop.examples import examples
from harness.targets.inputs import InputSource
from harness.targets.loader import Target, load_target
from harness.verify.gate import Verifier
from harness.verify.holdout import judge_holdout, shown_faster

CANDIDATES = Path(__file__).parent / "candidates"
BENCH = BenchSettings(budget_seconds=6)
FAST = "def squares(xs):\n    return [x * x for x in xs]\n"


def test_a_bundled_targets_holdout_is_its_own_seed_stream_at_every_size(squares: Target) -> None:
    source = InputSource(squares)
    holdout = [case.args for case in source.holdout_cases()]
    config = squares.config.inputs
    # the shown sizes 0, 1, 5 and 500; between them 3 and 252; above them 625
    assert len(holdout) == config.cases_per_size * 7
    assert [len(args[0]) for args in holdout[-2:]] == [625, 625]
    assert holdout == [case.args for case in InputSource(squares).holdout_cases()]  # fixed
    shown = [
        case.args
        for seed in range(20)
        for stage, sizes in (("small", config.small_sizes), ("bench", config.bench_sizes))
        for case in source.random_cases(sizes, seed, stage)
    ]
    large = [args for args in holdout if len(args[0]) > 5]
    assert large and not any(args in shown for args in large)  # no verdict draws them


def test_a_repository_targets_holdout_is_recorded_calls_kept_apart(tmp_path: Path) -> None:
    """Split by their content, so every process agrees; the odd-text pass applies to them too."""
    text = "def shout(word):\n    return word.upper() + '!'\n"
    tests = (
        "from words.core import shout\n\n\ndef test_shout():\n"
        "    for n in range(60):\n        assert shout('w' * n).endswith('!')\n"
    )
    files = {"words/__init__.py": "", "words/core.py": text, "test_words.py": tests}
    repo = make_repo(tmp_path / "words", files)
    done = harness_init(str(repo))
    assert done.returncode == 0, done.stdout + done.stderr
    source = InputSource(load_target(f"{repo}::shout"))
    shown = [case.args for case in source.recorded_cases()]
    held = [case.args for case in source.recorded_holdout()]
    assert held and not any(args in shown for args in held)
    assert len(shown) + len(held) == 60
    odd = [case for case in source.holdout_cases() if "odd text" in case.label]
    assert odd and all(case.args not in held + shown for case in odd)
    prompt_examples = examples(load_target(f"{repo}::shout"), limit=60)
    assert prompt_examples.count("shout(") >= 8
    assert not any(f"shout({args[0]!r})" in prompt_examples for args in held)


def test_judging_the_holdout_stops_at_the_first_disagreement(squares: Target) -> None:
    right = judge_holdout(squares, FAST, BENCH)
    assert right.ok and right.passed == right.total > 0
    assert right.summary == f"holdout: {right.total}/{right.total} passed"
    assert right.speed is not None and "x the original's speed on it, 99% CI" in right.speed
    wrong = judge_holdout(squares, FAST.replace("x * x", "x * abs(x)"), BENCH)
    assert not wrong.ok and wrong.failure is not None and wrong.speed is None
    assert wrong.failure.startswith("holdout size") and "wrong result" in wrong.failure


def test_the_original_is_not_timed_against_itself(squares: Target) -> None:
    original = judge_holdout(squares, squares.baseline_source(), BENCH)
    assert original.ok and original.speed is None


def test_a_fast_path_for_the_size_the_prompt_names_is_not_faster_on_the_holdout() -> None:
    """Accepted by a verdict, which times that size; the holdout times sizes near it."""
    target = load_target("primes_below")
    source = (CANDIDATES / "primes_below__fast_at_shown_size.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=11)
    assert verdict.accepted, verdict.reasons
    holdout = judge_holdout(target, source, BENCH)
    assert holdout.passed == holdout.total > 0, holdout.detail
    assert holdout.failure == "not shown faster than the original on it", holdout.detail


def test_code_right_only_on_the_shown_sizes_fails_the_holdout() -> None:
    target = load_target("primes_below")
    source = (CANDIDATES / "primes_below__right_on_shown_sizes.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=12)
    assert verdict.accepted, verdict.reasons
    holdout = judge_holdout(target, source, BENCH)
    assert holdout.failure is not None and holdout.failure.startswith("holdout size 50000 ")
    assert "wrong result" in holdout.failure


def test_a_cache_keyed_on_the_inputs_identity_is_rejected() -> None:
    target = load_target("primes_below")
    source = (CANDIDATES / "primes_below__id_cache.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=13)
    assert not verdict.accepted
    assert any("wrong result" in r or "keeps results" in r for r in verdict.reasons), (
        verdict.reasons
    )


def test_verify_with_holdout_adds_the_holdout_to_the_verdict(
    squares_folder: Path, tmp_path: Path
) -> None:
    candidate = tmp_path / "fast.py"
    candidate.write_text(FAST)
    command = [sys.executable, "-m", "harness", "verify", str(squares_folder), "--candidate"]
    done = subprocess.run(
        [*command, str(candidate), "--holdout", "--json", "--budget", "4"],
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"COLUMNS": "200"},
    )
    verdict = json.loads(done.stdout)
    [holdout] = [check for check in verdict["checks"] if check["name"] == "holdout"]
    pattern = r"holdout: (\d+)/\1 passed; [\d.]+x the original's speed on it, 99% CI \[.+\]"
    assert holdout["passed"] and re.fullmatch(pattern, holdout["detail"]), holdout["detail"]


@pytest.mark.parametrize(
    ("speedup", "low", "high", "shown"),
    [
        (1.037, 0.936, 1.150, False),  # CI once: a speed of 1 left wide by noise
        (1.008, 1.002, 1.014, False),  # surely faster, by less than half the margin
        (1.060, 0.990, 1.140, False),  # the margin at the estimate, not surely faster
        (1.080, 1.020, 1.140, True),
        (1.020, 1.005, 1.035, True),
    ],
)
def test_shown_faster_needs_the_interval_above_1_and_half_the_margin(
    speedup: float, low: float, high: float, shown: bool
) -> None:
    assert shown_faster(SpeedupEstimate(speedup, low, high, 10), 0.03) is shown
