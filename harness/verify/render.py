"""Human-readable verdicts (rich)."""

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.verdict import Verdict


def print_verdict(verdict: Verdict, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"harness verify {verdict.target} (seed {verdict.seed})", show_lines=False)
    table.add_column("check")
    table.add_column("", justify="center")
    table.add_column("detail", overflow="fold")
    for check in verdict.checks:
        mark = "[green]pass[/]" if check.passed else "[red]FAIL[/]"
        table.add_row(escape(check.name), mark, escape(check.detail))
    console.print(table)
    example = verdict.counterexample
    if example:
        console.print("[bold]counterexample[/]")
        console.print(f"  input:    {example.args}", markup=False, highlight=False)
        console.print(f"  expected: {example.expected}", markup=False, highlight=False)
        console.print(f"  actual:   {example.actual}", markup=False, highlight=False)
    if verdict.benchmark:
        console.print(_benchmark_line(verdict.benchmark), highlight=False)
    for flag in verdict.flags:
        console.print(f"[yellow]flag:[/] {escape(flag)}", highlight=False)
    if verdict.sandbox.startswith("none"):
        console.print(f"[bold red]UNSAFE:[/] sandbox {verdict.sandbox}", highlight=False)
    else:
        console.print(f"sandbox: {verdict.sandbox}", markup=False, highlight=False)
    if verdict.accepted:
        console.print(f"[bold green]ACCEPTED[/] correct, and {verdict.speedup:.2f}x faster")
    else:
        console.print(f"[bold red]REJECTED[/] {escape(verdict.reasons[0])}", highlight=False)


def _benchmark_line(summary: dict[str, Any]) -> str:
    def ms(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds * 1000:.3f} ms"

    wall = summary["wall_speedup"]
    setup = (
        f"; setup (fresh process, import and first call) baseline "
        f"{ms(summary['setup_baseline_s'])}, candidate {ms(summary['setup_candidate_s'])}"
        if "setup_baseline_s" in summary
        else ""
    )
    return (
        f"median baseline {ms(summary['baseline_median_s'])}, candidate "
        f"{ms(summary['candidate_median_s'])}; {summary['blocks']} blocks x "
        f"{summary['rounds_per_block']} rounds; CV {summary['cv_baseline']:.0%} / "
        f"{summary['cv_candidate']:.0%}; wall-clock speedup "
        f"{'-' if wall is None else f'{wall:.2f}x'}; {summary['seconds']:.1f} s measuring{setup}"
    )
