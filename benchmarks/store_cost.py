"""What the experiment store costs, on the embedded MLflow store (SQLite under a fresh folder).

- start-up: opening a new store and starting a session (schema creation included);
- seconds per logged candidate after start-up (goal < 0.1 s), median and 95th percentile, for a
  candidate with its artifacts and two traced model calls;
- size of the store (database + artifacts) per 100 candidates;
- `harness ui` start time until the UI answers.

Writes results/benchmarks/store_cost.json.

    .venv/bin/python benchmarks/store_cost.py [--candidates 100]
"""

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import write
from rich.console import Console

from harness.records import CandidateRecord, ModelCall, Review
from harness.store.entries import CandidateEntry, SessionEntry
from harness.store.mlflow_store import MLflowStore
from harness.verdict import Check, SideTimes, Timings, Verdict

SOURCE = "def squares(xs):\n    return [x * x for x in xs]\n" * 20


def _entry(step: int) -> CandidateEntry:
    calls = (
        ModelCall(
            "optimizer", "local:qwen", "optimizer-2", "prompt " * 400, SOURCE, 900, 300, 0, 3
        ),
        ModelCall("validator", "local:qwen", "validator-1", "review " * 300, "{}", 700, 50, 0, 1),
    )
    record = CandidateRecord(
        f"r{step}c1",
        step,
        "original",
        "accepted" if step % 3 else "rejected",
        "benchmark: x",
        step,
        source=SOURCE,
        diff="--- a\n+++ b\n" + SOURCE,
        verdict=Verdict(
            "squares",
            step,
            [Check("benchmark", True, "faster")],
            speedup=1.1,
            speedup_ci=(1.05, 1.2),
            timings=Timings((SideTimes("baseline", (0.01,) * 200, (0.01,) * 10),), 20),
        ),
        review=Review(True, ["fine"]),
        calls=calls,
        seconds=8.0,
    )
    return CandidateEntry(record, step, 1.1**step)


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def store_figures(count: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp(prefix="harness-store-"))
    started = time.perf_counter()
    store = MLflowStore(f"sqlite:///{folder / 'mlflow.db'}", folder / "mlartifacts")
    store.start_session(SessionEntry("s1", "squares", {"optimizer": "local:qwen"}))
    startup = time.perf_counter() - started
    seconds = []
    for step in range(1, count + 1):
        started = time.perf_counter()
        store.log_candidate("s1", _entry(step))
        seconds.append(time.perf_counter() - started)
    store.close()
    with sqlite3.connect(folder / "mlflow.db") as database:  # fold the write-ahead log in
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {
        "startup_seconds": startup,
        "seconds_per_candidate_median": float(np.median(seconds)),
        "seconds_per_candidate_p95": float(np.percentile(seconds, 95)),
        "store_mb_per_100_candidates": _size(folder) / 1e6 * 100 / count,
        "candidates": count,
        "folder": str(folder),
    }


def ui_start_seconds(folder: str) -> float:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{folder}/mlflow.db"}
    command = [sys.executable, "-m", "harness", "ui", "--port", str(port)]
    started = time.perf_counter()
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    line = server.stdout.readline()
    seconds = time.perf_counter() - started
    server.send_signal(2)
    server.wait(timeout=30)
    if "http://" not in line:
        raise RuntimeError(f"harness ui did not start: {line!r}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100)
    args = parser.parse_args()
    figures: dict[str, float | str] = {**store_figures(args.candidates)}
    figures["ui_start_seconds"] = ui_start_seconds(str(figures["folder"]))
    path = write("store_cost", figures)
    Console().print(figures)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
