"""How noisy a repository target's benchmark is when no process sees a recorded call twice.

A/A benchmarks (the unchanged original against itself) of the hottest functions of real
packages from PyPI, after `harness init` with no hand edits, under two ways of keeping every
timed round to calls its process has not seen:
- slices: each block's fresh processes get disjoint slices of the shuffled recorded calls, a
  warm-up slice and one per timed round (the default);
- fresh: one timed round per fresh process (`max_rounds = 1`), the rest of the calls its warm-up.
Run on code before the change, the script measures what it had instead: every round replaying
all recorded calls in one process (which a cache of results wins outright).
Figures per target and mode: the median width of the 95% interval of the A/A speedup (high over
low, minus one: lower is less noise), its largest, the blocks measured, and seconds per benchmark.

Writes results/benchmarks/unseen_rounds[-LABEL].json.

    .venv/bin/python benchmarks/unseen_rounds.py [--repeats 5] [--label old] [--folder DIR]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

from _common import write
from reach import PACKAGES, prepare
from rich.console import Console
from rich.table import Table

from harness.bench.runner import BenchSettings, Contender, InterleavedBenchmark
from harness.targets.inputs import InputSource
from harness.targets.loader import Target, load_target

CHOSEN = ("inflection", "python-slugify", "numpy-financial")
TOP = 2
MODES = {"slices": BenchSettings(), "fresh": BenchSettings(max_rounds=1)}


def targets(folder: Path) -> list[Target]:
    """The targets init wrote for the chosen packages under `folder`; init runs only for those
    not prepared there already (so code from before a change can time the same targets)."""
    found = []
    for package in [p for p in PACKAGES if p.name in CHOSEN]:
        prepared = list((folder / package.name).glob("*/harness.toml"))
        if prepared:
            root = prepared[0].parent
        else:
            root = prepare(package, folder / package.name)
            init = [sys.executable, "-m", "harness", "init", str(root), "--top", str(TOP)]
            subprocess.run(init, check=True, capture_output=True, timeout=1800)
        config = tomllib.loads((root / "harness.toml").read_text())
        found += [load_target(f"{root}::{entry['name']}") for entry in config["target"]]
    return found


def one_aa(target: Target, settings: BenchSettings, seed: int, workdir: Path) -> dict[str, Any]:
    original = target.baseline_source()
    contenders = [Contender("a", original), Contender("b", original)]
    inputs = InputSource(target)
    bench = InterleavedBenchmark(
        target, contenders, workdir, settings, seed, inputs.timing_arguments, lambda a, o: None
    )
    outcome = bench.run()
    estimate = outcome.estimate("a", "b")
    return {
        "width": estimate.high / estimate.low - 1,
        "blocks": outcome.blocks,
        "rounds": outcome.rounds_per_block,
        "calls_per_round": getattr(bench, "calls_per_round", len(inputs.recorded_cases())),
        "seconds": outcome.seconds,
        "problems": outcome.problems,
    }


def measure(target: Target, settings: BenchSettings, repeats: int) -> dict[str, Any]:
    runs = []
    for seed in range(repeats):
        with tempfile.TemporaryDirectory(prefix="unseen-") as tmp:
            runs.append(one_aa(target, settings, seed, Path(tmp)))
    widths = [run["width"] for run in runs]
    return {
        "median_width": round(statistics.median(widths), 4),
        "max_width": round(max(widths), 4),
        "blocks": statistics.median(run["blocks"] for run in runs),
        "rounds_per_block": runs[0]["rounds"],
        "calls_per_round": runs[0]["calls_per_round"],
        "seconds": round(statistics.median(run["seconds"] for run in runs), 2),
        "problems": sorted({p for run in runs for p in run["problems"]}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="A/A benchmarks per target and mode")
    parser.add_argument("--label", default="", help="suffix of the results file (e.g. old)")
    parser.add_argument("--folder", type=Path, help="where the packages are (or are put)")
    args = parser.parse_args()
    modes = MODES if args.label != "old" else {"replay": BenchSettings()}
    table = Table(title="A/A benchmarks of repository targets: 95% interval width")
    for column in ("target", "mode", "median width", "max width", "blocks", "rounds x calls", "s"):
        table.add_column(column)
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="unseen-packages-") as tmp:
        for target in targets(args.folder or Path(tmp)):
            name = f"{target.folder.name}::{target.name}"
            for mode, settings in modes.items():
                started = time.perf_counter()
                row = measure(target, settings, args.repeats)
                row["total_seconds"] = round(time.perf_counter() - started, 1)
                figures.setdefault(name, {})[mode] = row
                rounds = f"{row['rounds_per_block']} x {row['calls_per_round']}"
                table.add_row(
                    name, mode, f"{row['median_width']:.2%}", f"{row['max_width']:.2%}",
                    f"{row['blocks']:g}", rounds, f"{row['seconds']:.1f}",
                )  # fmt: skip
    Console(width=160).print(table)
    for mode in modes:
        widths = [rows[mode]["median_width"] for rows in figures.values()]
        print(f"{mode}: median of medians {statistics.median(widths):.2%}")
    suffix = f"-{args.label}" if args.label else ""
    print(f"wrote {write('unseen_rounds' + suffix, figures)}")


if __name__ == "__main__":
    main()
