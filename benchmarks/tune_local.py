"""Does `harness tune` pay off with the default local model?

On one bundled target: a study of `--trials` trials over the default search space (local model
as optimizer, the optimizer reviewing its own candidates), timed; then the default session
settings and the study's best settings, each re-run `--repeats` times as plain sessions. Reports
the tuning cost in minutes, every trial, the best settings, and the median cumulative speedup of
default vs tuned settings.

Everything the runs write (sessions, the Optuna study, the MLflow store) goes under
results/benchmarks/tune_local/; the figures go to results/benchmarks/tune_local.json.

    .venv/bin/python benchmarks/tune_local.py [--target NAME] [--trials 8] [--repeats 3]
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import RESULTS, copy_bundled, write
from rich.console import Console

from harness.loop.finish import finish
from harness.loop.session import Session, new_session_id
from harness.loop.settings import SessionSettings
from harness.providers.models import DEFAULT_MODEL
from harness.targets.loader import Target, load_target
from harness.tune import TuneRequest, TuneSpace, show, tune

WORKDIR = RESULTS / "tune_local"
console = Console()


def tune_study(target: Path, trials: int, study: str) -> tuple[dict[str, Any], SessionSettings]:
    """Run the study; (its figures, the best trial's session settings)."""
    started = time.monotonic()
    request = TuneRequest(str(target), TuneSpace(), "speedup", trials, None, study)
    finished = tune(request, lambda _, trial: console.print(_trial_row(trial)))
    minutes = (time.monotonic() - started) / 60
    shown = show(None, study)
    best = SessionSettings.model_validate(shown.best.user_attrs["settings"])
    figures = {
        "study": study,
        "tuning_minutes": minutes,
        "trials": [_trial_row(trial) for trial in finished.trials],
        "best_trial": shown.best.number,
        "best_params": shown.best.params,
        "best_settings_file": str(shown.toml),
    }
    return figures, best


def _trial_row(trial: Any) -> dict[str, Any]:
    return {
        "trial": trial.number,
        "state": trial.state.name.lower(),
        "value": trial.value if trial.values else None,
        "params": trial.params,
        "minutes": trial.duration.total_seconds() / 60 if trial.duration else None,
    }


def rerun(target: Target, settings: SessionSettings, label: str, repeats: int) -> dict[str, Any]:
    """`repeats` plain sessions with `settings`; the median cumulative speedup."""
    runs = []
    for index in range(repeats):
        started = time.monotonic()
        session = Session.from_settings(target, settings, WORKDIR / new_session_id(target))
        result = finish(session, session.run())
        runs.append(
            {
                "session": session.id,
                "cumulative_speedup": result.cumulative_speedup,
                "cumulative_speedup_ci": list(result.cumulative_speedup_ci),
                "candidates": len(session.records),
                "minutes": (time.monotonic() - started) / 60,
            }
        )
        console.print(f"{label} {index + 1}/{repeats}", runs[-1])
    speedups = [run["cumulative_speedup"] for run in runs]
    return {"median_cumulative_speedup": statistics.median(speedups), "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="pairwise_distances")
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["HARNESS_RESULTS"] = str(WORKDIR)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    study = f"{args.target}-{time.strftime('%Y%m%d-%H%M%S')}"
    with tempfile.TemporaryDirectory(prefix="harness-tune-local-") as tmp:
        folder = copy_bundled(args.target, Path(tmp))
        figures, best = tune_study(folder, args.trials, study)
        target = load_target(str(folder))
        default = SessionSettings(optimizer=f"local:{DEFAULT_MODEL}")
        figures = {"model": f"local:{DEFAULT_MODEL}", "target": args.target} | figures
        figures["default"] = rerun(target, default, "default", args.repeats)
        figures["tuned"] = rerun(target, best, "tuned", args.repeats)
    path = write("tune_local", figures)
    console.print({k: v for k, v in figures.items() if k not in ("trials", "default", "tuned")})
    for label in ("default", "tuned"):
        console.print(f"{label}: median {figures[label]['median_cumulative_speedup']:.3g}x")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
