"""Fresh processes of each side, timed by the parent: a candidate's one-time setup (import, first
call) is spread over the calls a process makes, and one that answers inputs it has seen before
far quicker than the baseline does keeps results between calls and is rejected."""

from dataclasses import replace
from pathlib import Path

import pytest

from harness.bench.runner import BenchSettings
from harness.bench.setup import FreshStart
from harness.targets.loader import load_target
from harness.verify.carried import repeats
from harness.verify.gate import Verifier
from harness.verify.setup_cost import setup_cost

CANDIDATES = Path(__file__).parent / "candidates"
BENCH = BenchSettings(budget_seconds=8)


def _starts(baseline: list[float], candidate: list[float]) -> dict[str, list[FreshStart]]:
    return {
        "baseline": [FreshStart(seconds, 0.1, 0.1) for seconds in baseline],
        "candidate": [FreshStart(seconds, 0.1, 0.1) for seconds in candidate],
    }


def test_an_added_setup_counts_for_what_the_samples_make_sure_of() -> None:
    slower = setup_cost(_starts([0.10, 0.11, 0.10, 0.12], [0.60, 0.61, 0.62, 0.60]), 10)
    # the lower bound of the shift: the starts differ by 0.48 s at the least
    assert slower.counted and slower.extra_s == pytest.approx(0.48)
    # 5 ms per round once set up, 50 ms before: 10x; 0.48 s more setup over 10 rounds: ~0.9x
    assert slower.amortized(10.0, 0.05) == pytest.approx(0.05 / (0.005 + 0.048))
    assert slower.amortized(float("inf"), 0.05) == pytest.approx(0.05 / 0.048)
    noise = setup_cost(_starts([0.10, 0.13, 0.11, 0.12], [0.12, 0.11] * 2), 10)
    assert not noise.counted and noise.amortized(3.0, 0.05) == 3.0
    faster = setup_cost(_starts([0.30] * 4, [0.10] * 4), 10)
    assert not faster.counted  # a quicker start is not a gain: the rounds measure that
    barely = setup_cost(_starts([0.10, 0.11, 0.10, 0.12], [0.125, 0.13, 0.14, 0.13]), 10)
    assert barely.extra_s < 0.01  # every start slower, but by how much is not sure


def test_a_table_built_at_import_that_never_pays_for_itself_is_rejected() -> None:
    """The attack: all primes below 12 million sieved at import, each call a slice of them."""
    target = load_target("primes_below")
    source = (CANDIDATES / "primes_below__table_at_import.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=7)
    assert verdict.correct and not verdict.accepted, verdict.reasons
    [benchmark] = [check for check in verdict.checks if check.name == "benchmark"]
    assert "one-time setup does not pay for itself" in benchmark.detail, benchmark.detail
    assert "10 calls per process" in benchmark.detail
    assert verdict.benchmark is not None
    assert verdict.benchmark["setup_candidate_s"] > verdict.benchmark["setup_baseline_s"] + 0.1


def test_the_same_table_pays_for_itself_in_a_process_that_calls_often() -> None:
    target = load_target("primes_below")
    often = target.config.model_copy(update={"calls_per_process": 10_000})
    source = (CANDIDATES / "primes_below__table_at_import.py").read_text()
    verdict = Verifier(BENCH).evaluate(replace(target, config=often), source, seed=7)
    assert verdict.accepted, verdict.reasons
    assert "setup spread over 10000 calls per process" in verdict.reasons[-1]


def test_a_small_table_and_a_compiled_regex_at_import_stay_accepted() -> None:
    target = load_target("primes_below")
    source = (CANDIDATES / "primes_below__small_table_at_import.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=8)
    assert verdict.accepted, verdict.reasons
    assert verdict.benchmark is not None and verdict.benchmark["setup_extra_s"] == 0.0


def test_inputs_answered_quicker_the_second_time_count_only_against_the_baseline() -> None:
    def starts(again: list[float]) -> list[FreshStart]:
        return [FreshStart(0.1, 0.050, 0.050 * share) for share in again]

    cached = repeats({"baseline": starts([0.97, 1.0, 0.95, 1.02]), "candidate": starts([0.02] * 4)})
    assert cached.keeps_results and cached.candidate_again == pytest.approx(0.02)
    assert "took 2% of the time they first took, the baseline's 98%" in cached.describe()
    warm = repeats({"baseline": starts([0.8, 0.82, 0.79, 0.81]), "candidate": starts([0.7] * 4)})
    assert not warm.keeps_results  # a little quicker, as a warm machine makes anything


def test_one_disturbed_process_a_side_leaves_a_cache_suspected_until_more_processes_decide() -> (
    None
):
    """Four processes a side: one baseline process disturbed on first sight (a repeat seems
    quick) and one candidate process disturbed on its repeat leave p = 24/70, not significant;
    the medians still say the candidate keeps results, so more processes are started."""

    def starts(again: list[float]) -> list[FreshStart]:
        return [FreshStart(0.1, 0.050, 0.050 * share) for share in again]

    baseline, candidate = [0.97, 1.0, 0.95, 0.15], [0.19, 0.2, 0.18, 0.99]
    four = repeats({"baseline": starts(baseline), "candidate": starts(candidate)})
    assert four.suspected and not four.keeps_results
    eight = repeats(
        {"baseline": starts([*baseline, 0.98, 0.96, 1.01, 0.97]),
         "candidate": starts([*candidate, 0.19, 0.21, 0.2, 0.18])}
    )  # fmt: skip
    assert eight.keeps_results and not eight.suspected
    honest = repeats({"baseline": starts(baseline), "candidate": starts([0.95, 1.0, 0.9, 0.97])})
    assert not honest.suspected


@pytest.mark.parametrize("name", ["primes_below__result_cache", "primes_below__bounded_cache"])
def test_a_faster_candidate_that_keeps_results_between_calls_is_rejected(name: str) -> None:
    target = load_target("primes_below")
    source = (CANDIDATES / f"{name}.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=9)
    assert verdict.correct and not verdict.accepted, verdict.reasons
    [benchmark] = [check for check in verdict.checks if check.name == "benchmark"]
    assert benchmark.detail.startswith("keeps results between calls"), benchmark.detail


@pytest.mark.parametrize("name", ["primes_below__lazy_table", "primes_below__helper_cache"])
def test_lazy_initialisation_and_a_cached_pure_helper_stay_accepted(name: str) -> None:
    target = load_target("primes_below")
    source = (CANDIDATES / f"{name}.py").read_text()
    verdict = Verifier(BENCH).evaluate(target, source, seed=10)
    assert verdict.accepted, verdict.reasons
    assert verdict.benchmark is not None and verdict.benchmark["again_candidate"] > 0.5
