"""Human-readable verdicts (rich)."""

from rich.console import Console
from rich.table import Table

from harness.verify.verdict import Verdict


def print_verdict(verdict: Verdict, console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"harness verify {verdict.target} (seed {verdict.seed})", show_lines=False)
    table.add_column("check")
    table.add_column("", justify="center")
    table.add_column("detail", overflow="fold")
    for check in verdict.checks:
        mark = "[green]pass[/]" if check.passed else "[red]FAIL[/]"
        table.add_row(check.name, mark, check.detail)
    console.print(table)
    example = verdict.counterexample
    if example:
        console.print("[bold]counterexample[/]")
        console.print(f"  input:    {example.args}", markup=False, highlight=False)
        console.print(f"  expected: {example.expected}", markup=False, highlight=False)
        console.print(f"  actual:   {example.actual}", markup=False, highlight=False)
    if verdict.accepted:
        console.print("[bold green]ACCEPTED[/] correct on every check")
    else:
        console.print(f"[bold red]REJECTED[/] {verdict.reasons[0]}", highlight=False)
