"""Interleaved benchmarking of several contenders, each in its own fresh sandboxed process.

Within a block the contenders alternate round by round (A B, then B A, ...) so drift hits all
sides alike; every round gets fresh arguments, identical across contenders. Every block gets a
fresh process per contender (see `pool`), so blocks are independent samples for the interval.
"""

import contextlib
import math
import random
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from harness.bench.checks import OutputCheck, OutputChecks
from harness.bench.cores import parent_off_core, quick_handoffs
from harness.bench.outcome import (
    BenchOutcome,
    SideRecord,
    paired_estimate,
    report_problem,
    reported,
)
from harness.bench.pool import Prepared, ProcessPairs
from harness.bench.prefetch import BlockInputs, InputBlock
from harness.bench.slices import MIN_POOL, CallSlices
from harness.bench.stats import SpeedupEstimate, decide
from harness.sandbox.limits import measuring_core
from harness.sandbox.messages import BlockResult, RoundInput, SandboxSpec, TimedRound
from harness.sandbox.process import SandboxProcess
from harness.targets.code import Code, files, imports_only_stdlib
from harness.targets.layout import place, reference_spec
from harness.targets.layout import spec as module_spec
from harness.targets.loader import Target

ArgumentMaker = Callable[[random.Random, int], list[Any]]


class BenchSettings(BaseModel):
    """How long and how hard to measure; `min_gain` is the acceptance margin."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_gain: float = Field(0.03, ge=0, description="Required speedup margin: CI low > 1 + this.")
    budget_seconds: float = Field(10.0, gt=0, description="Stop (undecided) after this long.")
    min_blocks: int = Field(5, ge=2, description="Blocks before an early decision.")
    max_blocks: int = Field(40, ge=2, description="Blocks at most.")
    block_seconds: float = Field(0.25, gt=0, description="Baseline time per side per block.")
    max_rounds: int = Field(50, ge=1, description="Timed rounds per block at most.")
    warmup_rounds: int = Field(1, ge=0, description="Untimed calls by each fresh process.")
    plausibility_bound: float = Field(50.0, gt=1, description="Speedups above this are flagged.")
    setup_samples: int = Field(
        4, ge=0, description="Fresh processes per side timing import and first call (0: off)."
    )


@dataclass(frozen=True)
class Contender:
    """One side: a module's source, run sandboxed; `None` is the known-good reference."""

    label: str
    source: Code | None


class InterleavedBenchmark:
    def __init__(
        self,
        target: Target,
        contenders: list[Contender],
        workdir: Path,
        settings: BenchSettings,
        seed: int,
        make_arguments: ArgumentMaker,
        check_output: OutputCheck,
        unseen: bool = True,
    ) -> None:
        """`unseen`: a repository target's rounds are slices of its recorded calls that the
        process has not seen (see `slices`; when it has `MIN_POOL` calls at least); else every
        round replays all of them."""
        self.target, self.contenders, self.settings = target, contenders, settings
        self.seed, self.make_arguments, self.check_output = seed, make_arguments, check_output
        self.workdir = workdir
        self.core = measuring_core()
        # Timing inputs also depend on a secret, so even a known seed does not reveal them.
        self._secret = secrets.token_hex(8)
        self.sides = {c.label: SideRecord(c.label) for c in contenders}
        self.rounds = 1  # timed rounds per block, once calibrated
        self._preload = self._preloads()
        self._pairs: ProcessPairs | None = None
        self._slices: CallSlices | None = None
        self.calls_per_round = 1  # calls in one timed round
        if target.replays_calls:
            pool = len(self._shuffled_calls(0))
            if unseen and pool >= MIN_POOL:
                self._slices = CallSlices(pool, self._shuffled_calls, settings.warmup_rounds > 0)
            self.calls_per_round = self._slices.per_round if self._slices else pool

    def prepare(self) -> None:
        """Start making the first block's processes ready now, e.g. while correctness is being
        checked, so the measurement does not wait for them. `close()` if `run()` never comes."""
        if self._pairs is None:
            labels = [contender.label for contender in self.contenders]
            warmup, timeout = self.settings.warmup_rounds, self._timeout(1)
            pairs = ProcessPairs(labels, self._spawn, self._warmup, warmup, self.core, timeout)
            pairs.prefetch(0)
            self._pairs = pairs

    def estimate(self, slower: str, faster: str, confidence: float = 0.95) -> SpeedupEstimate:
        """`slower`'s time over `faster`'s from the blocks measured so far."""
        return paired_estimate(self.sides[slower], self.sides[faster], self.rounds, confidence)

    def close(self) -> None:
        if self._pairs is not None:
            self._pairs.close()
            self._pairs = None

    def run(
        self, decide_pair: tuple[str, str] | None = None, stop: Callable[[], bool] | None = None
    ) -> BenchOutcome:
        """Measure until the pair's CI is decisive, the block limit, the time budget, or
        `stop()` says the outcome is no longer wanted (checked after every block)."""
        started = time.monotonic()
        with parent_off_core(self.core), quick_handoffs(), contextlib.ExitStack() as stack:
            self.prepare()
            assert self._pairs is not None
            pairs = self._pairs
            stack.callback(self.close)
            self._checks = OutputChecks(self.check_output, self.target.config.mutates_inputs)
            stack.callback(self._checks.close)
            first = pairs.get(0)
            stack.callback(first.close)
            rounds = self.rounds = self._calibrate(first)
            if self._record_checks(wait=False):
                seconds = time.monotonic() - started
                return BenchOutcome(
                    self.sides, rounds, "could not start", seconds, self.calls_per_round
                )
            inputs = BlockInputs(self._arguments, rounds)
            stack.callback(inputs.close)
            reason = self._blocks(pairs, first, inputs, started, decide_pair, stop)
            if self._record_checks(wait=True) and "integrity" not in reason:
                reason = "integrity check failed in a timed round's output"
        seconds = time.monotonic() - started
        return BenchOutcome(self.sides, rounds, reason, seconds, self.calls_per_round)

    def _record_checks(self, wait: bool) -> bool:
        """Record the problems of finished output checks; True if any side has problems."""
        for label, problem in self._checks.problems(wait):
            self.sides[label].problems.append(problem)
        return any(side.problems for side in self.sides.values())

    def _blocks(
        self,
        pairs: ProcessPairs,
        first: Prepared,
        inputs: BlockInputs,
        started: float,
        pair: tuple[str, str] | None,
        stop: Callable[[], bool] | None,
    ) -> str:
        settings = self.settings
        for block in range(settings.max_blocks):
            self._block(first if block == 0 else pairs.get(block), inputs.get(block), block)
            done = block + 1
            if self._record_checks(wait=False):
                return f"integrity check failed in block {done}"
            if stop is not None and stop():
                return f"stopped after {done} blocks"
            if pair and done >= settings.min_blocks and self._decisive(pair):
                return f"decided after {done} blocks"
            if time.monotonic() - started > settings.budget_seconds and done >= 2:
                return f"time budget of {settings.budget_seconds:g} s reached after {done} blocks"
        return f"block limit ({settings.max_blocks}) reached"

    def _decisive(self, pair: tuple[str, str]) -> bool:
        return decide(self.estimate(*pair), self.settings.min_gain) is not None

    def _calibrate(self, prepared: Prepared) -> int:
        """Rounds per block so that the first contender's block lasts about `block_seconds`."""
        first = self.contenders[0].label
        if self._unready(prepared):
            return 1
        limit = self.settings.max_rounds
        if self._slices is not None:
            if not self._slices.warms_up:
                return 1  # no warm-up slice: any round would show the process unseen calls
            limit = min(limit, self._slices.max_rounds)
            inputs = [RoundInput.of(self._warmup(0))] * 2  # what this process has seen already
        else:
            inputs = [RoundInput.of(self._arguments(-1, index)) for index in range(2)]
        process = prepared.processes[first]
        result = process.bench(f"{first}-calibration", inputs, self._timeout(2))
        if not result.result.ok or result.stats is None:
            self.sides[first].problems.append(f"calibration failed: {result.result.error}")
            return 1
        per_call = max(float(result.stats["median"]), 1e-7)
        return min(limit, max(3, round(self.settings.block_seconds / per_call)))

    def _block(self, prepared: Prepared, inputs: InputBlock, block: int) -> None:
        """R rounds; in each, every contender times the same fresh input, in rotating order.

        Each process holds one open pytest-benchmark block and is fed a round at a time, and is
        stopped whenever it is not being fed, so the sides alternate round by round while only
        one process can run at any moment.
        """
        try:
            if self._unready(prepared):
                return
            rounds = [round_input for _, round_input in inputs]
            shift = block % len(self.contenders)
            order = [c.label for c in self.contenders[shift:] + self.contenders[:shift]]
            answered, failed = self._feed(prepared.processes, order, rounds)
            for label in [failed] if failed else order:
                result = prepared.processes[label].bench_close()
                self._record(label, prepared.processes[label], result, answered[label], inputs)
        finally:
            prepared.close()

    def _feed(
        self, processes: dict[str, SandboxProcess], order: list[str], rounds: list[RoundInput]
    ) -> tuple[dict[str, list[TimedRound]], str | None]:
        """Each side's rounds as the parent saw them, and the side that stopped taking input,
        which ends the block (None if none did)."""
        answered: dict[str, list[TimedRound]] = {label: [] for label in order}
        timeout = self._timeout(len(rounds))
        for label in order:
            processes[label].bench_open(label, len(rounds), timeout)
        for index, round_input in enumerate(rounds):
            for label in order[index % len(order) :] + order[: index % len(order)]:
                timed = processes[label].bench_feed(round_input)
                if timed is None:
                    return answered, label
                answered[label].append(timed)
        return answered, None

    def _unready(self, prepared: Prepared) -> bool:
        for label, problem in prepared.problems.items():
            self.sides[label].problems.append(problem)
        return bool(prepared.problems)

    def _record(
        self,
        label: str,
        process: SandboxProcess,
        result: BlockResult,
        answered: list[TimedRound],
        inputs: InputBlock,
    ) -> None:
        """Take in one side's block: every round's output goes to be checked, the rounds'
        times as the process reports them beside what its windows cost on the kernel's clock."""
        side = self.sides[label]
        for (arguments, _), timed in zip(inputs, answered, strict=False):
            self._checks.submit(label, arguments, timed)
        if not result.result.ok or result.stats is None:
            side.problems.append(f"{result.result.kind}: {result.result.error}")
            return
        problems = self._round_problems(process, answered, len(inputs))
        if problems:
            side.problems.extend(problems)
            return
        options = process.last_reply.get("options", {})
        side.options = dict(options) if isinstance(options, dict) else {}
        samples, cpu = reported(result.stats, "data"), reported(result.stats, "cpu")
        problem = report_problem(samples, cpu, len(answered))
        if problem:
            side.problems.append(problem)
            return
        side.add_block(samples, cpu, answered, result.cpu_outside)

    def _round_problems(
        self, process: SandboxProcess, answered: list[TimedRound], rounds: int
    ) -> list[str]:
        problems = []
        if len(answered) < rounds:
            problems.append(f"answered {len(answered)} of {rounds} rounds")
        if any(math.isnan(t.cpu) for t in answered):
            problems.append("its CPU time could not be read: the process is gone")
        strays = process.stray_processes()
        if strays:
            problems.append(f"left {strays} process(es) running after returning")
        return problems

    def _warmup(self, block: int) -> list[Any]:
        return self._arguments(block, -1)

    def fresh_arguments(self, sample: int, index: int, size: int | None = None) -> list[Any]:
        """Round `index`'s arguments for the fresh processes of setup sample `sample`, which no
        block uses; at `size` instead of a benchmark size, if given. For a repository target,
        index -1 gives all its recorded calls, in an order of the sample's own."""
        if self._slices is not None and index == -1:
            return self._shuffled_calls(-2 - sample)
        if size is None:
            return self._arguments(-2 - sample, index)
        rng = random.Random(f"{self.seed}:{self._secret}:fresh:{sample}:{index}")
        return self.make_arguments(rng, size)

    def _arguments(self, block: int, index: int) -> list[Any]:
        if self._slices is not None:
            return self._slices.round_calls(block, index)
        sizes = self.target.config.inputs.bench_sizes
        rng = random.Random(f"{self.seed}:{self._secret}:timing:{block}:{index}")
        return self.make_arguments(rng, sizes[(block + index) % len(sizes)])

    def _shuffled_calls(self, block: int) -> list[Any]:
        """A repository target's recorded calls, all of them, in an order of `block`'s own."""
        rng = random.Random(f"{self.seed}:{self._secret}:timing:{block}")
        return self.make_arguments(rng, self.target.config.inputs.bench_sizes[0])

    def _timeout(self, rounds: int) -> float:
        return self.target.config.limits.call_timeout_seconds * rounds + 30.0

    def _spawn(self, label: str, block: int) -> SandboxProcess:
        return self.spawn(label, f"bench-{label}-{block}")

    def spawn(self, label: str, folder_name: str) -> SandboxProcess:
        """A process of one side, not started, working in its own fresh folder."""
        contender = next(c for c in self.contenders if c.label == label)
        folder = self.workdir / folder_name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        # Started on the parent's cores; moved to the measuring core once warm.
        if contender.source is None:
            spec = reference_spec(self.target, folder, "timed")
        else:
            module_file = place(self.target, contender.source, folder / "src")
            spec = module_spec(self.target, module_file, folder, "timed")
        return SandboxProcess(replace(spec, preload=self._preload))

    def _preloads(self) -> tuple[str, ...]:
        """What every measured process imports before the code under test, the same for all
        sides: nothing when all sides use the standard library alone (a process starts in
        half the time, and starting two per block is most of this process's work), else numpy
        (it cannot be imported once the sandbox's audit hook is on)."""
        sources = [contender.source for contender in self.contenders]
        if any(source is None for source in sources):  # the reference
            return SandboxSpec.preload
        texts = [text for s in sources if s is not None for text in files(self.target, s).values()]
        return () if imports_only_stdlib(texts) else SandboxSpec.preload
