"""The correctness gate's stages, cheapest first; each gives a Check, or None if not relevant."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, find, reject, settings
from hypothesis.errors import Flaky, NoSuchExample, Unsatisfiable

from harness.errors import TargetError
from harness.sandbox.attempts import attempt
from harness.sandbox.process import SandboxError
from harness.targets.code import Code, entry_path, files, frozen_code, is_multi_file
from harness.targets.inputs import Case, InputSource
from harness.targets.loader import Target
from harness.verdict import Check, Counterexample
from harness.verify.differential import Differential, Mismatch, shown
from harness.verify.screen import screen_change
from harness.verify.target_tests import TestRun


@dataclass
class GateContext:
    target: Target
    source: Code
    seed: int
    inputs: InputSource
    differential: Differential
    workdir: Path
    tests: TestRun | None = None  # the target's own tests, once started

    def stop_background(self) -> None:
        if self.tests is not None:
            self.tests.stop()


Stage = Callable[[GateContext], Check | None]


def static_screen(ctx: GateContext) -> Check:
    name, target = "static screen", ctx.target
    entry, problems = entry_path(target), []
    # A repository's own code is judged by what a candidate changes in it.
    original = files(target, frozen_code(target)) if target.layout is not None else {}
    for path, text in files(target, ctx.source).items():
        where = f"{path}: " if is_multi_file(target) else ""
        try:
            function = target.function if path == entry else None
            in_package = target.layout is not None
            findings = screen_change(text, original.get(path), function, target.arity, in_package)
            problems += [f"{where}{finding}" for finding in findings]
        except SyntaxError as exc:
            problems.append(f"{where}syntax error at line {exc.lineno}: {exc.msg}")
        except RecursionError:  # what the screen cannot read is not let through
            problems.append(f"{where}nested too deeply for the screen to read; write it flatter")
    if problems:
        return Check(name, False, "; ".join(problems))
    return Check(name, True, "no flagged constructs; entry function found with the right arity")


def import_candidate(ctx: GateContext) -> Check:
    name = "import in sandbox"
    try:
        ctx.differential.candidate.start()
    except SandboxError as exc:
        tried = attempt(str(exc))
        detail = f"{tried} when imported" if tried else "the module does not import in the sandbox"
        return Check(name, False, f"{detail}: {exc}")
    return Check(name, True, "imported in a separate, limited process")


def recorded_calls(ctx: GateContext) -> Check | None:
    """A repository target's recorded calls against the frozen original. A call on which the
    original itself fails (it raised while the workload ran) says nothing, and is skipped."""
    return _calls_check(ctx, "recorded calls", ctx.inputs.recorded_cases())


def unusual_text(ctx: GateContext) -> Check | None:
    """Recorded calls with odd text in their strings; one the original fails on is skipped."""
    return _calls_check(ctx, "recorded calls with odd text", ctx.inputs.unusual_cases())


def _calls_check(ctx: GateContext, name: str, cases: list[Case]) -> Check | None:
    if not cases:
        return None
    skipped = 0
    for case in cases:
        try:
            mismatch = ctx.differential.check(case.args)
        except TargetError:
            skipped += 1
            continue
        if mismatch:
            return _failed(name, f"{case.label}: {mismatch.reason}", mismatch)
    if skipped == len(cases):  # nothing was judged: no evidence either way
        return None
    note = f" ({skipped} on which the original fails skipped)" if skipped else ""
    return Check(name, True, f"{len(cases) - skipped} calls agree with the original{note}")


def edge_cases(ctx: GateContext) -> Check | None:
    return _differential_check(ctx, "edge cases", ctx.inputs.edge_cases())


# Structured cases are also drawn at this many of the largest small sizes: cheap, and a wrong
# answer there is a small counterexample; at the smallest sizes they would repeat the edge cases.
STRUCTURED_SMALL_SIZES = 2


def small_inputs(ctx: GateContext) -> Check | None:
    sizes = ctx.target.config.inputs.small_sizes
    largest = sorted(sizes)[-STRUCTURED_SMALL_SIZES:]
    cases = ctx.inputs.random_cases(sizes, ctx.seed, "small")
    cases += ctx.inputs.structured_cases(largest, ctx.seed, "small")
    return _differential_check(ctx, "small random inputs", cases)


def benchmark_size_inputs(ctx: GateContext) -> Check | None:
    """Random cases at the timing sizes, then the generator's structured ones there."""
    sizes = ctx.target.config.inputs.bench_sizes
    cases = ctx.inputs.random_cases(sizes, ctx.seed, "bench")
    cases += ctx.inputs.structured_cases(sizes, ctx.seed, "bench")
    return _differential_check(ctx, "benchmark-size inputs", cases)


def _differential_check(ctx: GateContext, name: str, cases: list[Case]) -> Check | None:
    """None when there are no such inputs (a repository target without a generator)."""
    if not cases:
        return None
    for case in cases:
        mismatch = ctx.differential.check(case.args)
        if mismatch:
            return _failed(name, f"{case.label}: {mismatch.reason}", mismatch)
    return Check(name, True, f"{len(cases)} inputs agree with the reference")


def _failed(name: str, detail: str, mismatch: Mismatch) -> Check:
    # A call that raised, timed out or returned non-plain data has no output to show; "None"
    # would read as if it returned None.
    actual = shown(mismatch.actual) if mismatch.kind == "ok" else f"({mismatch.reason})"
    example = Counterexample(shown(mismatch.args), shown(mismatch.expected), actual)
    return Check(name, False, detail, example)


class _StopShrinking(Exception):
    """A timeout or crash: each retry is expensive, so the unshrunk input is reported."""

    def __init__(self, mismatch: Mismatch) -> None:
        self.mismatch = mismatch


def property_based(ctx: GateContext) -> Check | None:
    name = "property-based inputs (hypothesis)"
    examples = ctx.target.config.inputs.property_examples
    strategy = ctx.inputs.strategy()
    if strategy is None or examples == 0:
        return None

    def disagrees(args: list[Any]) -> bool:
        try:
            mismatch = ctx.differential.check(args)
        except TargetError:  # the original fails on this generated input: it tells nothing
            reject()
        if mismatch is not None and mismatch.kind in {"timeout", "crash", "protocol"}:
            raise _StopShrinking(mismatch)
        return mismatch is not None

    config = settings(
        max_examples=examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    try:
        found = find(strategy, disagrees, settings=config, random=random.Random(ctx.seed))
    except NoSuchExample:
        return Check(name, True, f"{examples} generated inputs agree with the reference")
    except Unsatisfiable:
        return None  # the original fails on every generated input: this stage cannot judge
    except _StopShrinking as stop:
        return _failed(name, stop.mismatch.reason, stop.mismatch)
    except Flaky as flaky:  # wrong once on an input, right on it the next time
        detail = str(flaky).splitlines()[0][:300]
        return Check(name, False, f"gives different answers for the same input ({detail})")
    mismatch = ctx.differential.check(found)
    if mismatch is None:
        return Check(
            name,
            False,
            f"gives different answers for the same input: disagreed on {shown(found)} once, "
            "agreed on a re-run",
        )
    return _failed(name, f"minimal failing input (shrunk): {mismatch.reason}", mismatch)


def left_processes(ctx: GateContext) -> Check | None:
    """Processes the candidate started that are still running in its box (a daemon, a shell):
    the box holds them and ends them with it, but a faithful replacement starts none."""
    count = ctx.differential.candidate.stray_processes()
    if not count:
        return None
    return Check(
        "processes", False, f"tried to start processes: {count} still running in its sandbox"
    )


def start_target_tests(ctx: GateContext) -> None:
    """Start the target's own tests once the candidate imports; they run beside the
    differential stages and `target_tests` collects them."""
    command = ctx.target.config.test_command
    if command:
        ctx.tests = TestRun(ctx.target, ctx.source, command, ctx.workdir)


def target_tests(ctx: GateContext) -> Check | None:
    if ctx.tests is None:
        return None
    passed, detail = ctx.tests.result()
    return Check("target's own tests", passed, detail)


# Cheap and decisive: nothing is timed before the candidate is known to load.
BEFORE_BENCHMARK: list[Stage] = [static_screen, import_candidate, start_target_tests]
# Run beside the benchmark, on the cores it does not measure on; their verdict decides first.
BESIDE_BENCHMARK: list[Stage] = [
    recorded_calls,
    unusual_text,
    edge_cases,
    small_inputs,
    property_based,
    benchmark_size_inputs,
    left_processes,
    target_tests,
]
