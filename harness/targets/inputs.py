"""Inputs for a target, from the target's own (trusted) generator module.

The generator module defines `generate(rng, size) -> list` (one call's positional arguments),
`edge_cases() -> list[list]` and, optionally, `strategy()` returning a hypothesis strategy of
argument lists and `structured(rng, size) -> list[list]`: a handful of adversarial argument lists
at `size` that random draws rarely or never make (a string against its rotation, all-equal or
extreme values, degenerate shapes), drawn from `rng` so each seed gives others.
"""

import copy
import hashlib
import importlib.util
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis.strategies import SearchStrategy

from harness.errors import ConfigError
from harness.sandbox.codec import Keywords, decode, encode
from harness.targets.derived import call_strategy, unusual_calls
from harness.targets.loader import Target


@dataclass(frozen=True)
class Case:
    """One call's positional arguments, with a label saying where they came from."""

    label: str
    args: list[Any]


class InputSource:
    """Inputs from the target's generator module and, for a repository target, the calls
    recorded while its workload ran (those also feed the benchmark, one per round)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._module = _load_module(target) if target.config.inputs.generator else None
        recorded = target.layout.recorded if target.layout is not None else None
        calls = _read_recorded(recorded) if recorded is not None else []
        self._recorded = [call for call in calls if not _held_out(call, len(calls))]
        self._holdout = [call for call in calls if _held_out(call, len(calls))]
        shown = _shown(self._recorded)
        self._shown = [self._recorded[i] for i in shown]
        self._timed = [c for i, c in enumerate(self._recorded) if i not in shown] or self._recorded

    def recorded_cases(self) -> list[Case]:
        """The recorded calls a verdict checks and times, and a prompt may show; the holdout is
        not among them."""
        return [Case(f"recorded call #{i}", args) for i, args in enumerate(self._recorded)]

    def shown_cases(self) -> list[Case]:
        """The recorded calls a prompt may show as examples: a few short ones, spread over the
        lengths. Verdicts check them but do not time them, so a fast path for them gains
        nothing (unless there is no other call to time)."""
        return [Case(f"shown call #{i}", args) for i, args in enumerate(self._shown)]

    def recorded_holdout(self) -> list[Case]:
        """The recorded calls kept apart from every verdict and prompt."""
        return [Case(f"holdout call #{i}", args) for i, args in enumerate(self._holdout)]

    def holdout_cases(self) -> list[Case]:
        """Inputs no model ever sees, for final acceptance only: the recorded holdout and the
        same calls with odd text in their strings; from a generator, cases at every correctness
        and benchmark size, and at sizes between them and a quarter above the largest (code
        right only on the sizes a prompt names fails there), drawn from a seed stream of their
        own (no verdict draws from it); the generator's structured cases too, at the same sizes
        and from that stream."""
        cases = self.recorded_holdout()
        if self._module is None:
            odd = unusual_calls(self._holdout)
            return cases + [Case(f"holdout call with odd text #{i}", a) for i, a in enumerate(odd)]
        inputs = self.target.config.inputs
        shown = sorted({*inputs.small_sizes, *inputs.bench_sizes})
        sizes, stream = shown + _sizes_between(shown), f"{HOLDOUT_STREAM}:{self.target.name}"
        generated = [
            Case(f"holdout size {size} #{i}", self._checked(self._function("generate")(rng, size)))
            for size in sizes
            for i in range(inputs.cases_per_size)
            for rng in [random.Random(f"{stream}:{size}:{i}")]
        ]
        return cases + generated + self._structured(sizes, stream, "holdout")

    def unusual_cases(self) -> list[Case]:
        """Without a generator of the target's own: recorded calls with odd text put into their
        string arguments (see `derived.unusual_calls`)."""
        if self._module is not None:
            return []
        calls = unusual_calls(self._recorded)
        return [Case(f"recorded call with odd text #{i}", args) for i, args in enumerate(calls)]

    def edge_cases(self) -> list[Case]:
        if self._module is None:
            return []
        cases = self._function("edge_cases")()
        return [Case(f"edge case #{i}", self._checked(args)) for i, args in enumerate(cases)]

    def random_cases(self, sizes: list[int], seed: int, stage: str) -> list[Case]:
        if self._module is None:
            return []
        per_size = self.target.config.inputs.cases_per_size
        return [
            Case(
                f"{stage} size {size} #{i}",
                self.arguments(random.Random(f"{seed}:{stage}:{size}:{i}"), size),
            )
            for size in sizes
            for i in range(per_size)
        ]

    def structured_cases(self, sizes: list[int], seed: int, stage: str) -> list[Case]:
        """The generator's structured cases at each of `sizes` (none if it has no `structured`),
        drawn from a stream of their own: the random cases of the same seed stay as they were."""
        return self._structured(sizes, str(seed), stage)

    def _structured(self, sizes: list[int], stream: str, stage: str) -> list[Case]:
        if getattr(self._module, "structured", None) is None:
            return []
        make = self._function("structured")
        return [
            Case(f"{stage} structured size {size} #{i}", self._checked(args))
            for size in sizes
            for i, args in enumerate(
                make(random.Random(f"{stream}:{stage}:structured:{size}"), size)
            )
        ]

    def arguments(self, rng: random.Random, size: int) -> list[Any]:
        """One call's arguments at `size`, drawn from `rng` (a recorded call, if there are)."""
        if self._recorded:
            return copy.deepcopy(rng.choice(self._recorded))
        return self._checked(self._function("generate")(rng, size))

    def timing_arguments(self, rng: random.Random, size: int) -> list[Any]:
        """What one timed round gets: one call's arguments, or, for a target that replays
        recorded calls, all of them in an order drawn from `rng` (see `Target.replays_calls`)."""
        if not self.target.replays_calls:
            return self.arguments(rng, size)
        calls = copy.deepcopy(self._timed)
        rng.shuffle(calls)
        return calls

    @property
    def holdout_timeable(self) -> bool:
        """Whether the holdout can be timed: generated inputs can always be drawn; held-out
        recorded calls only when there are enough to make a round worth timing."""
        return not self.target.replays_calls or len(self._holdout) >= HOLDOUT_MIN_TIMED

    def holdout_timing_arguments(self, rng: random.Random, size: int) -> list[Any]:
        """A timed round of the holdout: the held-out calls, shuffled; from a generator, one
        call at a size near `size` but not one a prompt names (a fast path for the shown sizes
        meets sizes it was not written for)."""
        if self.target.replays_calls:
            calls = copy.deepcopy(self._holdout)
            rng.shuffle(calls)
            return calls
        return self._checked(self._function("generate")(rng, _unshown_size(rng, size)))

    def strategy(self) -> SearchStrategy[list[Any]] | None:
        """The generator's own strategy; without a generator, calls derived from the recorded
        ones (the holdout left out)."""
        if self._module is None:
            return call_strategy(self._recorded)
        make = getattr(self._module, "strategy", None)
        return None if make is None else make()

    def _function(self, name: str) -> Callable[..., Any]:
        function: Callable[..., Any] | None = getattr(self._module, name, None)
        if function is None or not callable(function):
            path = self.target.folder / self.target.config.inputs.generator
            raise ConfigError(f"{path}: define a function `{name}`; see README 'Target format'")
        return function

    def _checked(self, args: Any) -> list[Any]:
        positional = (
            args[:-1] if type(args) is list and args and type(args[-1]) is Keywords else args
        )
        if type(args) is not list or len(positional) != self.target.arity:
            raise ConfigError(
                f"{self.target.name}: the generator must return a list of "
                f"{self.target.arity} argument(s), got {args!r:.80}"
            )
        return args


def _load_module(target: Target) -> ModuleType:
    path = target.folder / target.config.inputs.generator
    name = f"_harness_inputs_{target.name}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOLDOUT_STREAM = "holdout"  # the seed stream of generated holdout inputs
HOLDOUT_SHARE = 5  # one recorded call in this many is held out ...
HOLDOUT_MIN_CALLS = 10  # ... once there are at least this many
SHOWN_CALLS = 8  # recorded calls a prompt may show, which verdicts then do not time
SHOWN_WIDTH = 140  # characters of a shown call's arguments at most
HOLDOUT_MIN_TIMED = 6  # held-out calls at least for the holdout's rounds to be timed


def _shown(calls: list[list[Any]]) -> set[int]:
    """Indices of the calls a prompt may show: up to `SHOWN_CALLS`, a quarter of them at most,
    the shortest that fit a prompt's line, spread over their lengths."""
    count = min(SHOWN_CALLS, max(1, len(calls) // 4))
    lengths = [(len(repr(call)), i) for i, call in enumerate(calls)]
    short = [i for length, i in sorted(lengths) if length <= SHOWN_WIDTH]
    return set(short[:: max(1, len(short) // count)][:count])


def _unshown_size(rng: random.Random, size: int) -> int:
    """A size a fifth to a third away from `size`: near it, but outside the band a generator's
    benchmark inputs vary in (a tenth, for bounds such as primes_below's), which a fast path for
    the shown inputs may cover."""
    return max(0, size + rng.choice([-1, 1]) * rng.randint(size // 5 + 1, max(2, size // 3)))


def _sizes_between(shown: list[int]) -> list[int]:
    """Sizes no stage names: halfway between neighbouring shown sizes, and above the largest."""
    middles = [(low + high) // 2 for low, high in itertools.pairwise(shown)]
    above = [shown[-1] + max(1, shown[-1] // 4)] if shown else []
    return sorted(set(middles + above) - set(shown))


def _held_out(call: list[Any], count: int) -> bool:
    """Whether a recorded call belongs to the holdout: decided by its content, so the split is
    the same in every process and session and needs no file of its own."""
    if count < HOLDOUT_MIN_CALLS:
        return False
    text = json.dumps(encode(call, "arguments"), sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=8).digest()[0] % HOLDOUT_SHARE == 0


def _read_recorded(path: Path) -> list[list[Any]]:
    """Recorded calls: one JSON line each, in the sandbox's plain-data encoding."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        calls = [decode(json.loads(line)) for line in lines if line.strip()]
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{path}: cannot read recorded calls ({exc}); run harness init again"
        ) from None
    if not all(type(call) is list for call in calls):
        raise ConfigError(f"{path}: every line must be a JSON list of arguments")
    return calls
