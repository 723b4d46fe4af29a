"""Baseline, candidate and reference timed side by side, every output of every side checked
against the reference (`harness bench`, and the final check of a session)."""

import json
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.bench.outcome import BenchOutcome
from harness.bench.report import Row, pytest_benchmark_json, rows
from harness.bench.runner import BenchSettings, Contender, InterleavedBenchmark
from harness.paths import results_dir
from harness.targets.code import Code, baseline_code
from harness.targets.inputs import InputSource
from harness.targets.loader import Target
from harness.verify.differential import Differential


def bench(
    target: Target,
    candidate: Code | None,
    settings: BenchSettings,
    seed: int,
    folder: Path | None = None,
    also: Sequence[Contender] = (),
) -> tuple[BenchOutcome, list[Row], Path]:
    """Time baseline, candidate, `also` (more versions, each under its own label) and reference;
    the JSON goes to `folder` (default results/bench)."""
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
        workdir = Path(tmp)
        contenders = [Contender("baseline", baseline_code(target))]
        if candidate is not None:
            contenders.append(Contender("candidate", candidate))
        contenders += [*also, Contender("reference", None)]
        differential = Differential(target, baseline_code(target), workdir)
        try:
            runner = InterleavedBenchmark(
                target,
                contenders,
                workdir,
                settings,
                seed,
                InputSource(target).timing_arguments,
                differential.round_problem,
            )
            outcome = runner.run(("baseline", "candidate") if candidate is not None else None)
        finally:
            differential.close()
    path = _write(target, outcome, folder or results_dir() / "bench")
    return outcome, rows(outcome), path


def _write(target: Target, outcome: BenchOutcome, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{target.name}-{stamp}.json"
    path.write_text(json.dumps(pytest_benchmark_json(target.name, outcome.timings()), indent=1))
    return path
