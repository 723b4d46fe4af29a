"""Wall time of one `harness verify` per bundled target (goal: correctness part under 10 s).

Runs the real CLI on each target's example candidate, and times the correctness part alone
through the API. Writes results/benchmarks/verify_cost.json.

    .venv/bin/python benchmarks/verify_cost.py
"""

import json
import subprocess
import sys
import time

from _common import median, timed_verdict, write
from rich.console import Console
from rich.table import Table

from harness.targets.loader import bundled_names, load_target

REPEATS = 3


def cli_seconds(name: str, candidate: str) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    command = [sys.executable, "-m", "harness", "verify", name, "--candidate", candidate, "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    rows = {}
    for name in bundled_names():
        target = load_target(name)
        candidate = str(target.folder / "examples" / "fast.py")
        source = (target.folder / "examples" / "fast.py").read_text()
        correctness = [
            timed_verdict(target, source, seed, None)["seconds"] for seed in range(REPEATS)
        ]
        full = [cli_seconds(name, candidate) for _ in range(REPEATS)]
        rows[name] = {
            "correctness_seconds_median": median(correctness),
            "verify_cli_seconds_median": median([seconds for seconds, _ in full]),
            "accepted": [verdict["accepted"] for _, verdict in full],
        }
    path = write("verify_cost", {"repeats": REPEATS, "targets": rows})
    table = Table(title=f"harness verify cost (median of {REPEATS})")
    for column in ["target", "correctness part", "whole verify (CLI)", "accepted"]:
        table.add_column(column)
    for name, row in rows.items():
        table.add_row(
            name,
            f"{row['correctness_seconds_median']:.2f} s",
            f"{row['verify_cli_seconds_median']:.2f} s",
            str(row["accepted"]),
        )
    Console().print(table)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
