"""What the kernel sandbox costs: process start and one verdict, with and without it.

- process start: a sandboxed worker from launch to its ready greeting, on each bundled target's
  baseline module (numpy preloaded where the module needs it, as verdicts do), boxed and unboxed
  interleaved; goal: at most 30 ms added per process;
- one A/A verdict (each bundled target's baseline against itself, as verdict_quality's overhead
  figure is mostly made of) boxed and unboxed interleaved: its wall time, and the share of it
  spent outside timed calls.

Writes results/benchmarks/sandbox_cost.json.

    .venv/bin/python benchmarks/sandbox_cost.py [--starts 30] [--verdicts 3]
"""

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from _common import median, timed_verdict, write
from rich.console import Console
from rich.table import Table

from harness.bench.runner import BenchSettings
from harness.sandbox.boundary import Boundary, Unboxed, use
from harness.sandbox.bubblewrap import kernel_boundary
from harness.sandbox.limits import Limits
from harness.sandbox.messages import SandboxSpec
from harness.sandbox.process import SandboxProcess
from harness.targets.code import imports_only_stdlib
from harness.targets.layout import place
from harness.targets.layout import spec as module_spec
from harness.targets.loader import bundled_names, load_target


def start_seconds(name: str, boundary: Boundary, workdir: Path) -> float:
    use(boundary)
    target = load_target(name)
    source = target.baseline_source()
    module = place(target, source, workdir / "src")
    spec = module_spec(target, module, workdir, Limits())
    preload = () if imports_only_stdlib([source]) else SandboxSpec.preload
    process = SandboxProcess(replace(spec, preload=preload))
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    process.close()
    return seconds


def starts(count: int, sides: dict[str, Boundary]) -> dict[str, dict[str, float | None]]:
    figures: dict[str, dict[str, float | None]] = {}
    for name in bundled_names():
        times: dict[str, list[float]] = {label: [] for label in sides}
        for index in range(count):
            for label, boundary in sides.items():
                with tempfile.TemporaryDirectory(prefix="harness-start-") as tmp:
                    times[label].append(start_seconds(name, boundary, Path(tmp) / f"w{index}"))
        figures[name] = {label: median(values) for label, values in times.items()}
    return figures


def verdicts(count: int, sides: dict[str, Boundary]) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    for name in bundled_names():
        target = load_target(name)
        source = target.baseline_source()
        runs: dict[str, list[dict[str, Any]]] = {label: [] for label in sides}
        for index in range(count):
            for label, boundary in sides.items():
                use(boundary)
                runs[label].append(timed_verdict(target, source, 4000 + index, BenchSettings()))
        figures[name] = {
            label: {
                "median_seconds": median([run["seconds"] for run in done]),
                "overhead_fraction": median(
                    [(r["seconds"] - r["timed_seconds"]) / r["seconds"] for r in done]
                ),
                "accepted": sum(run["accepted"] for run in done),
                "verdicts": len(done),
            }
            for label, done in runs.items()
        }
    return figures


def show(start: dict[str, dict[str, float | None]], verdict: dict[str, dict[str, Any]]) -> None:
    table = Table(title="Sandbox cost (medians)")
    for column in ("target", "start boxed ms", "start unboxed ms", "added ms"):
        table.add_column(column, justify="right")
    for column in ("verdict boxed s", "verdict unboxed s", "overhead boxed", "unboxed"):
        table.add_column(column, justify="right")
    sides = ("boxed", "unboxed")
    for name, times in start.items():
        boxed, unboxed = times["boxed"] or 0.0, times["unboxed"] or 0.0
        seconds = verdict.get(name, {})
        table.add_row(
            name,
            f"{boxed * 1000:.1f}",
            f"{unboxed * 1000:.1f}",
            f"{(boxed - unboxed) * 1000:+.1f}",
            *(f"{seconds.get(side, {}).get('median_seconds') or 0:.2f}" for side in sides),
            *(f"{seconds.get(side, {}).get('overhead_fraction') or 0:.1%}" for side in sides),
        )
    Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=30, help="process starts per side")
    parser.add_argument("--verdicts", type=int, default=5, help="verdicts per side and target")
    args = parser.parse_args()
    sides: dict[str, Boundary] = {"boxed": kernel_boundary(), "unboxed": Unboxed()}
    start = starts(args.starts, sides)
    verdict = verdicts(args.verdicts, sides) if args.verdicts else {}
    added = [times["boxed"] - times["unboxed"] for times in start.values()]  # type: ignore[operator]
    figures = {
        "boundary": sides["boxed"].name,
        "start_seconds": start,
        "median_added_start_seconds": median(added),
        "max_added_start_seconds": max(added),
        "verdicts": verdict,
        "median_overhead_fraction": {
            side: median([per_target[side]["overhead_fraction"] for per_target in verdict.values()])
            for side in sides
        },
    }
    show(start, verdict)
    path = write("sandbox_cost", figures)
    print(f"boundary: {figures['boundary']}")
    print(f"added per process start: median {figures['median_added_start_seconds'] * 1000:.1f} ms")
    print(f"A/A verdict time outside timed calls: {figures['median_overhead_fraction']}")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
