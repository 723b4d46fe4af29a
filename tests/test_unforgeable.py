"""Measurements the candidate cannot forge or disturb: one hostile candidate per way it once got a
slower or wrong answer accepted, each rejected, and what the parent measures itself: processes
stopped outside their rounds, their CPU time counted by the kernel."""

import random
from pathlib import Path

import pytest

from harness.bench.runner import BenchSettings
from harness.sandbox.messages import RoundInput, round_answer
from harness.sandbox.process import SandboxProcess
from harness.targets.code import baseline_code
from harness.targets.layout import place
from harness.targets.layout import spec as module_spec
from harness.targets.loader import Target, load_target
from harness.verdict import Verdict
from harness.verify.gate import Verifier

CANDIDATES = Path(__file__).parent / "candidates"
BENCH = BenchSettings(budget_seconds=8)
UNTRUSTED = ("outside the timer", "disagree", "shorter than the CPU time")


def _verdict(target: Target, name: str, seed: int = 3) -> Verdict:
    source = (CANDIDATES / f"{name}.py").read_text()
    return Verifier(BENCH).evaluate(target, source, seed=seed)


def _benchmark_detail(verdict: Verdict) -> str:
    [benchmark] = [check for check in verdict.checks if check.name == "benchmark"]
    return benchmark.detail


def test_reply_times_forged_by_the_candidate_are_not_believed(squares: Target) -> None:
    verdict = _verdict(squares, "squares__forges_reply_times")
    assert verdict.correct and not verdict.accepted, verdict.reasons
    detail = _benchmark_detail(verdict)
    assert any(words in detail for words in UNTRUSTED), detail


def test_every_timed_output_is_checked_so_no_round_can_be_guessed(squares: Target) -> None:
    verdict = _verdict(squares, "squares__right_when_checked")
    assert verdict.correct and not verdict.accepted, verdict.reasons
    assert "output of a timed call is wrong" in _benchmark_detail(verdict)


def test_burning_cpu_while_waiting_does_not_slow_the_other_side(squares: Target) -> None:
    """The candidate is stopped whenever it is not being fed, so its timer's handler runs in its
    own rounds only: it cannot look faster than the baseline it equals."""
    verdict = _verdict(squares, "squares__burns_while_waiting")
    assert verdict.correct and not verdict.accepted, verdict.reasons
    assert verdict.benchmark is not None
    assert verdict.benchmark["baseline_median_s"] < 1.5 * verdict.benchmark["candidate_median_s"]


def test_work_in_finalizers_between_rounds_is_counted_and_finds_no_next_input(
    squares: Target,
) -> None:
    """The arguments are let go before the round's reply, so the finalizer runs inside the
    round (no next input to work ahead on), and its 5 ms show on the kernel's clock."""
    verdict = _verdict(squares, "squares__works_in_finalizers")
    assert verdict.correct and not verdict.accepted, verdict.reasons
    detail = _benchmark_detail(verdict)
    assert "outside the timer" in detail, detail
    assert verdict.benchmark is not None and verdict.benchmark["kernel_unseen_s"] > 0.004


def test_a_cache_filled_in_the_warm_up_gains_nothing() -> None:
    """Every round's bound is fresh, the warm-up's too: a cache keyed by the bound misses."""
    verdict = _verdict(load_target("primes_below"), "primes_below__warmup_cache")
    assert verdict.correct and not verdict.accepted, verdict.reasons


def test_an_algorithm_wrong_only_on_structured_inputs_is_rejected() -> None:
    verdict = _verdict(load_target("levenshtein"), "levenshtein__wrong_when_shifted")
    assert not verdict.correct
    assert any("structured" in reason for reason in verdict.reasons), verdict.reasons


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("squares__getattr_timer", "refused as an attribute"),
        ("squares__private_signal", "private twin of signal"),
    ],
)
def test_the_screen_sees_through_names_built_as_strings_and_private_twins(
    squares: Target, name: str, words: str
) -> None:
    verdict = _verdict(squares, name)
    assert not verdict.correct and verdict.checks[0].name == "static screen"
    assert words in verdict.checks[0].detail, verdict.checks[0].detail


def _state(pid: int) -> str:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2]


def test_a_measured_process_is_stopped_outside_its_rounds_and_its_cpu_counted(
    squares: Target, tmp_path: Path
) -> None:
    module = place(squares, baseline_code(squares), tmp_path / "src")
    process = SandboxProcess(module_spec(squares, module, tmp_path, "timed"))
    rng = random.Random(5)
    rounds = [RoundInput.of([[rng.randint(-900, 900) for _ in range(300)]]) for _ in range(4)]
    with process:
        process.start()
        pid = process.command_pid()
        assert pid is not None
        process.bench_open("stopped", len(rounds), 60.0)
        assert _state(pid) == "T"
        timed = [process.bench_feed(round_input) for round_input in rounds]
        assert _state(pid) == "T"
        result = process.bench_close()
    assert result.result.ok and result.stats is not None
    for answer, reported in zip(timed, result.stats["cpu"], strict=True):
        assert answer is not None and round_answer(answer)[1] is False
        # the kernel's count holds the call and what the round did around it, not much more;
        # the parent's clock holds it all (but for the cores' clocks differing a little)
        assert reported <= answer.cpu <= reported + 0.005
        assert answer.cpu <= answer.wall + 1e-4


def test_a_process_that_stops_only_after_the_wait_is_continued_all_the_same(
    squares: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a busy machine a child can stay runnable for seconds after its stop signal: the wait
    gives up, the stop lands later, and the next request must still continue it (it once sat
    stopped until a 40 s warm-up timeout)."""
    import os
    import signal

    import harness.sandbox.process as sandbox_process
    from harness.sandbox.freezer import FreezeError

    def stop_landing_late(pid: int) -> None:
        os.kill(pid, signal.SIGSTOP)
        raise FreezeError(f"process {pid} did not stop within 2 s")

    module = place(squares, baseline_code(squares), tmp_path / "src")
    process = SandboxProcess(module_spec(squares, module, tmp_path, "timed"))
    with process:
        process.start()
        monkeypatch.setattr(sandbox_process, "freeze", stop_landing_late)
        process.freeze()
        pid = process.command_pid()
        assert pid is not None and _state(pid) == "T"
        result = process.bench("warm-up", [RoundInput.of([[3, 4]])], 10.0).result
    assert result.ok, result.error
