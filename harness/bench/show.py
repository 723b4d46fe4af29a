"""`harness bench` output: a rich table, or one JSON object."""

from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.bench.outcome import BenchOutcome
from harness.bench.report import Row


def bench_json(
    target: str, outcome: BenchOutcome, rows: list[Row], path: Path, seed: int
) -> dict[str, Any]:
    return {
        "target": target,
        "seed": seed,
        "blocks": outcome.blocks,
        "rounds_per_block": outcome.rounds_per_block,
        "stop_reason": outcome.stop_reason,
        "results_file": str(path),
        "contenders": [asdict(row) for row in rows],
    }


def print_bench(target: str, outcome: BenchOutcome, rows: list[Row], path: Path) -> None:
    console = Console()
    table = Table(
        title=f"harness bench {target}: {outcome.blocks} blocks x "
        f"{outcome.rounds_per_block} rounds, {outcome.stop_reason}"
    )
    for column in ["", "median", "vs baseline (95% CI)", "vs reference", "way to reference", "CV"]:
        table.add_column(column, justify="right" if column else "left")
    for row in rows:
        table.add_row(
            row.label,
            _ms(row.median_s),
            _speedup(row),
            _x(row.vs_reference),
            _percent(row.way_to_reference),
            _percent(row.cv),
        )
    console.print(table)
    for row in rows:
        for problem in row.problems:
            console.print(f"[red]{escape(row.label)}: {escape(problem)}[/]", highlight=False)
    console.print(f"pytest-benchmark JSON: {path}", highlight=False)


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.3f} ms"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _speedup(row: Row) -> str:
    if row.speedup is None or row.ci is None:
        return "-"
    return f"{row.speedup:.2f}x [{row.ci[0]:.2f}, {row.ci[1]:.2f}]"
