"""Each side in fresh processes, on the parent's clock: the one-time cost of a process (import
and first round), and whether a round it has seen before comes back quicker than it first did.

The timed rounds cannot show either. Their processes are warmed up before they are timed, so work
done once per process (a table built at import, a cache filled by the first call) is not in
them; and a candidate that keeps its results between calls gains nothing on rounds it has not
seen. Here each sample starts one fresh process per side on the measuring core, the sides in
turn, times it from launch until its first round is answered, then times rounds A, B and the
same two again: the process cannot shorten what the parent sees. For a repository target the
three rounds are disjoint parts of its recorded calls, and rounds holding no call measure what
handling a round costs, which is taken off the others.
"""

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from harness.bench.runner import InterleavedBenchmark
from harness.sandbox.messages import RoundInput, round_answer
from harness.sandbox.process import SandboxError, SandboxProcess

_SEEN_ROUNDS = 2  # rounds timed on first sight, then again
_EMPTY_ROUNDS = 3  # rounds of no recorded call: what handling a round costs, at the least
_FLOOR_SECONDS = 1e-6


class SetupFailed(Exception):
    """A side's fresh process did not start or failed a round."""


@dataclass(frozen=True)
class FreshStart:
    """One fresh process, on the parent's clock (seconds)."""

    setup: float  # launch until the first round was answered
    first_sight: float  # rounds A and B, the first time the process saw them
    again: float  # the same rounds, sent again


def measure_fresh_starts(
    bench: InterleavedBenchmark, samples: int, first: int = 0
) -> dict[str, list[FreshStart]]:
    """Per side, one `FreshStart` per sample (numbered from `first`, each with inputs of its
    own); every side gets the same inputs in a sample."""
    labels = [contender.label for contender in bench.contenders]
    starts: dict[str, list[FreshStart]] = {label: [] for label in labels}
    for sample in range(first, first + samples):
        shift = sample % len(labels)
        arguments = _sample_rounds(bench, sample)
        rounds = [RoundInput.of(each) for each in arguments]
        for label in labels[shift:] + labels[:shift]:
            start, outputs = _one_start(bench, label, sample, rounds)
            _check_outputs(bench, label, [arguments[0], *arguments[1:] * 2], outputs)
            starts[label].append(start)
    return starts


def _sample_rounds(bench: InterleavedBenchmark, sample: int) -> list[list[Any]]:
    """The first round, then A and B, the first unlike the others: at the largest correctness
    size, since a generator may give one input per benchmark size (A and B may then be alike,
    which only makes B a repeat as well). For a target whose rounds replay every recorded call,
    three disjoint parts of them: a round holding all would have shown the process A and B."""
    if bench.target.replays_calls:
        calls = bench.fresh_arguments(sample, -1)
        return [calls[part :: 1 + _SEEN_ROUNDS] for part in range(1 + _SEEN_ROUNDS)]
    small = bench.target.config.inputs.small_sizes
    first = bench.fresh_arguments(sample, -1, max(small) if small else None)
    return [first, *(bench.fresh_arguments(sample, index) for index in range(_SEEN_ROUNDS))]


def _check_outputs(
    bench: InterleavedBenchmark, label: str, arguments: list[list[Any]], outputs: list[Any]
) -> None:
    """Rounds timed here are timed rounds too: their outputs must be right."""
    for each, output in zip(arguments, outputs, strict=True):
        problem = bench.check_output(each, output)
        if problem:
            raise SetupFailed(f"{label}: output of a timed call is wrong: {problem}")


def _one_start(
    bench: InterleavedBenchmark, label: str, sample: int, rounds: list[RoundInput]
) -> tuple[FreshStart, list[Any]]:
    """One fresh process's start, and the outputs of its rounds: the first, A, B, A, B."""
    first, seen = rounds[0], rounds[1:]
    process = bench.spawn(label, f"setup-{label}-{sample}")
    timeout = bench.target.config.limits.call_timeout_seconds * (1 + 2 * len(seen)) + 30.0
    try:
        with _on_core(bench.core):  # the child is made where it will run, and stays there
            started = time.perf_counter()
            process.launch()
        process.wait_ready()
        _, first_output = _timed_rounds(process, label, [first], timeout)
        setup = time.perf_counter() - started
        empty = [RoundInput.of([])] * _EMPTY_ROUNDS if bench.target.replays_calls else []
        walls, outputs = _timed_rounds(process, label, [*seen, *seen, *empty], timeout)
    except (SandboxError, OSError) as exc:
        raise SetupFailed(f"{label}: a fresh process did not start: {exc}") from None
    finally:
        process.close()
    # What a round costs with no call in it (handing over, the parent's answer) is not the
    # function's: with a few quick recorded calls per round it would hide a cache's gain.
    handling = min(walls[2 * len(seen) :], default=0.0)
    first_sight, again = (
        max(sum(part) - handling * len(seen), _FLOOR_SECONDS)
        for part in (walls[: len(seen)], walls[len(seen) : 2 * len(seen)])
    )
    return FreshStart(setup, first_sight, again), first_output + outputs[: 2 * len(seen)]


def _timed_rounds(
    process: SandboxProcess, label: str, rounds: list[RoundInput], timeout: float
) -> tuple[list[float], list[Any]]:
    """Each round's time on the parent's clock, and its output."""
    answered = []
    process.bench_open("seen", len(rounds), timeout)
    for round_input in rounds:
        timed = process.bench_feed(round_input)
        if timed is None:
            break
        answered.append(timed)
    result = process.bench_close().result
    if not result.ok or len(answered) < len(rounds):
        raise SetupFailed(f"{label}: a fresh process's rounds failed: {result.error}")
    try:
        outputs = [round_answer(timed)[0] for timed in answered]
    except ValueError as exc:
        raise SetupFailed(f"{label}: a fresh process's {exc}") from None
    return [timed.wall for timed in answered], outputs


@contextlib.contextmanager
def _on_core(core: int | None) -> Iterator[None]:
    """This thread on `core` for a moment: a process started now inherits it."""
    if core is None or not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)
