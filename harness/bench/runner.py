"""Interleaved benchmarking of several contenders, each in its own fresh sandboxed process.

Blocks alternate the contenders (A B, then B A, ...) so drift hits all sides alike; every round
gets fresh arguments, identical across contenders within a block; processes are replaced every few
blocks so that one process's luck (memory layout, hash seed) is part of the measured noise.
"""

import contextlib
import os
import random
import secrets
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from harness.bench.prefetch import BlockInputs
from harness.bench.stats import SpeedupEstimate, decide, speedup_interval
from harness.sandbox.limits import Limits, measuring_core
from harness.sandbox.process import RoundInput, SandboxError, SandboxProcess, SandboxSpec
from harness.sandbox.worker import encode
from harness.targets.loader import Target

OutputCheck = Callable[[list[Any], Any], str | None]
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
    warmup_rounds: int = Field(1, ge=0, description="Untimed rounds at the start of a block.")
    processes_per_side: int = Field(3, ge=1, description="Processes per side, used in turn.")
    plausibility_bound: float = Field(50.0, gt=1, description="Speedups above this are flagged.")


@dataclass(frozen=True)
class Contender:
    label: str
    module_file: Path
    module_name: str
    function: str
    sandboxed: bool = True


@dataclass
class SideRecord:
    """Everything measured for one contender."""

    label: str
    block_medians: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    timed: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class BenchOutcome:
    sides: dict[str, SideRecord]
    rounds_per_block: int
    stop_reason: str
    seconds: float

    @property
    def blocks(self) -> int:
        return min(len(side.block_medians) for side in self.sides.values())

    def estimate(self, slower: str, faster: str) -> SpeedupEstimate:
        n = self.blocks
        return speedup_interval(
            self.sides[slower].block_medians[:n], self.sides[faster].block_medians[:n]
        )

    @property
    def problems(self) -> list[str]:
        return [f"{s.label}: {p}" for s in self.sides.values() for p in s.problems]


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
    ) -> None:
        self.target, self.contenders, self.settings = target, contenders, settings
        self.seed, self.make_arguments, self.check_output = seed, make_arguments, check_output
        self.workdir = workdir
        self.processes: dict[tuple[str, int], SandboxProcess] = {}
        self._warm: set[tuple[str, int]] = set()
        self._inputs: BlockInputs | None = None
        self.core = measuring_core()
        # Timing inputs also depend on a secret, so even a known seed does not reveal them.
        self._secret = secrets.token_hex(8)
        self.sides = {c.label: SideRecord(c.label) for c in contenders}

    def run(self, decide_pair: tuple[str, str] | None = None) -> BenchOutcome:
        """Measure until the pair's CI is decisive, the block limit, or the time budget."""
        started = time.monotonic()
        with _parent_off_core(self.core):
            try:
                rounds = self._calibrate()
                self._inputs = BlockInputs(self._arguments, rounds)
                reason = self._blocks(rounds, started, decide_pair)
            finally:
                self._close()
                if self._inputs is not None:
                    self._inputs.close()
        return BenchOutcome(self.sides, rounds, reason, time.monotonic() - started)

    def _blocks(self, rounds: int, started: float, pair: tuple[str, str] | None) -> str:
        settings = self.settings
        for block in range(settings.max_blocks):
            self._block(block, rounds)
            done = block + 1
            if any(side.problems for side in self.sides.values()):
                return f"integrity check failed in block {done}"
            if pair and done >= settings.min_blocks:
                estimate = speedup_interval(
                    self.sides[pair[0]].block_medians, self.sides[pair[1]].block_medians
                )
                if decide(estimate, settings.min_gain) is not None:
                    return f"decided after {done} blocks"
            if time.monotonic() - started > settings.budget_seconds and done >= 2:
                return f"time budget of {settings.budget_seconds:g} s reached after {done} blocks"
        return f"block limit ({settings.max_blocks}) reached"

    def _calibrate(self) -> int:
        """Rounds per block so that the first contender's block lasts about `block_seconds`."""
        first = self.contenders[0].label
        inputs = self._round_inputs(self.settings.warmup_rounds + 2)
        try:
            warmup = self.settings.warmup_rounds
            process = self._process(first, 0)
            result = process.bench(f"{first}-calibration", inputs, warmup, self._timeout(2))
            self._warm.add((first, 0))
        except SandboxError as exc:
            self.sides[first].problems.append(f"could not start: {exc}")
            return 1
        if not result.result.ok or result.stats is None:
            self.sides[first].problems.append(f"calibration failed: {result.result.error}")
            return 1
        per_call = max(float(result.stats["median"]), 1e-7)
        return max(3, min(self.settings.max_rounds, round(self.settings.block_seconds / per_call)))

    def _block(self, block: int, rounds: int) -> None:
        """R rounds; in each, every contender times the same fresh input, in rotating order."""
        keep = random.Random(f"{self.seed}:keep:{block}").randrange(rounds)
        samples: dict[str, list[float]] = {label: [] for label in self.sides}
        walls = dict.fromkeys(self.sides, 0.0)
        slot = block % self.settings.processes_per_side
        assert self._inputs is not None
        for index, (arguments, encoded) in enumerate(self._inputs.get(block)):
            shift = index % len(self.contenders)
            for contender in self.contenders[shift:] + self.contenders[:shift]:
                round_input = RoundInput(encoded, index == keep)
                measured = self._measure(contender, slot, round_input, arguments)
                if measured is None:
                    return
                samples[contender.label].append(measured[0])
                walls[contender.label] += measured[1]
        for label, side in self.sides.items():
            self._finish_block(side, slot, samples[label], walls[label])

    def _finish_block(self, side: SideRecord, slot: int, samples: list[float], wall: float) -> None:
        strays = self.processes[(side.label, slot)].stray_processes()
        if strays:
            side.problems.append(f"left {strays} process(es) running after returning")
        side.block_medians.append(statistics.median(samples))
        side.times.extend(samples)
        side.timed.append(sum(samples))
        side.wall.append(wall)

    def _measure(
        self, contender: Contender, slot: int, round_input: RoundInput, arguments: list[Any]
    ) -> tuple[float, float] | None:
        """(time inside the timed call, wall time seen from here), or None after a problem."""
        side = self.sides[contender.label]
        try:
            process = self._process(contender.label, slot)
        except SandboxError as exc:
            side.problems.append(f"could not start: {exc}")
            return None
        key = (contender.label, slot)
        warmup = 0 if key in self._warm else self.settings.warmup_rounds
        inputs = [RoundInput(round_input.args, False)] * warmup + [round_input]
        started = time.perf_counter()
        result = process.bench(contender.label, inputs, warmup, self._timeout(len(inputs)))
        wall = time.perf_counter() - started
        self._warm.add(key)
        if not result.result.ok or result.stats is None:
            side.problems.append(f"{result.result.kind}: {result.result.error}")
            return None
        for output in result.kept:
            problem = self.check_output(arguments, output)
            if problem:
                side.problems.append(f"output of a timed call is wrong: {problem}")
                return None
        side.options = dict(self._last_options(process))
        return float(result.stats["data"][0]), wall

    def _last_options(self, process: SandboxProcess) -> dict[str, Any]:
        options = process.last_reply.get("options", {})
        return options if isinstance(options, dict) else {}

    def _round_inputs(self, rounds: int) -> list[RoundInput]:
        return [
            RoundInput(encode(self._arguments(-1, index), "arguments"), False)
            for index in range(rounds)
        ]

    def _arguments(self, block: int, index: int) -> list[Any]:
        sizes = self.target.config.inputs.bench_sizes
        rng = random.Random(f"{self.seed}:{self._secret}:timing:{block}:{index}")
        return self.make_arguments(rng, sizes[(block + index) % len(sizes)])

    def _timeout(self, rounds: int) -> float:
        return self.target.config.limits.call_timeout_seconds * rounds + 30.0

    def _process(self, label: str, slot: int) -> SandboxProcess:
        if (label, slot) not in self.processes:
            self._launch_all()
        process = self.processes[(label, slot)]
        if not process.alive:
            process.start()
            self._warm.discard((label, slot))
        return process

    def _launch_all(self) -> None:
        """Every side's processes, started together; a block uses each side's process in turn,
        so one process's luck (memory layout, hash seed) is noise in the interval, not bias."""
        for slot in range(self.settings.processes_per_side):
            for contender in self.contenders:
                self.processes[(contender.label, slot)] = self._spawn(contender, slot)
                self.processes[(contender.label, slot)].launch()
        for process in self.processes.values():
            process.wait_ready()

    def _spawn(self, contender: Contender, slot: int) -> SandboxProcess:
        folder = self.workdir / f"bench-{contender.label}-{slot}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        module_file = contender.module_file
        if contender.sandboxed:
            module_file = folder / contender.module_file.name
            shutil.copyfile(contender.module_file, module_file)
        limits = self.target.config.limits
        spec = SandboxSpec(
            module_file,
            contender.module_name,
            contender.function,
            folder,
            sandboxed=contender.sandboxed,
            limits=Limits(
                cpu_seconds=limits.cpu_seconds * 4, memory_mb=limits.memory_mb, pin_cpu=self.core
            ),
        )
        return SandboxProcess(spec)

    def _close(self) -> None:
        for process in self.processes.values():
            process.close()
        self.processes.clear()


@contextlib.contextmanager
def _parent_off_core(core: int | None) -> Iterator[None]:
    """Keep this process (input generation, checks) off the core the measured processes use."""
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if core is None or len(cores - {core}) < 1:
        yield
        return
    os.sched_setaffinity(0, cores - {core})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cores)
