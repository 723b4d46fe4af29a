"""`harness tune`: flags into a request, a line per finished trial, a summary (or `--show`)."""

import argparse
import json
from typing import TYPE_CHECKING, Any

from rich.console import Console

from harness.errors import HarnessError
from harness.records import CandidateRecord
from harness.targets.loader import load_target
from harness.tune.show import print_shown, show, shown_json
from harness.tune.space import load_space
from harness.tune.study import TuneRequest, default_study_name, shown_url, storage_url, tune

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial


def tune_command(args: argparse.Namespace) -> int:
    if args.show:
        return _show(args)
    request = tune_request(args)
    console = Console(stderr=True)
    mine: list[FrozenTrial] = []

    def finished(study: "optuna.Study", trial: "FrozenTrial") -> None:
        mine.append(trial)
        console.print(
            trial_line(trial, study.metric_names or ["value"]), highlight=False, soft_wrap=True
        )

    def judged(number: int, record: CandidateRecord) -> None:
        speed = f" {record.speedup:.2f}x" if record.speedup else ""
        line = f"  trial {number} {record.id}: {record.status}{speed} {record.reason[:80]}"
        console.print(line, markup=False, highlight=False, style="dim", soft_wrap=True)

    study = tune(request, finished, judged)
    if args.json:
        print(json.dumps(_summary_json(study, mine, request)))
    else:
        console.print(
            f"study {study.study_name}: {len(mine)} trials run here, {len(study.trials)} in all; "
            f"the best: harness tune --show --study {study.study_name}"
            + (f" --storage {shown_url(args.storage)}" if args.storage else ""),
            highlight=False,
            soft_wrap=True,
        )
    return 0


def tune_request(args: argparse.Namespace) -> TuneRequest:
    if not args.target:
        raise HarnessError("give a TARGET, or --show (see `harness tune --help`)")
    space = load_space(args.space).with_rounds(args.rounds)
    space = space.with_startup_trials(args.startup_trials)
    return TuneRequest(
        args.target, space, args.objective, args.trials, args.storage, args.study, args.tracking_uri
    )


def _show(args: argparse.Namespace) -> int:
    name = args.study
    if name is None and args.target:
        name = default_study_name(load_target(args.target).name, args.objective)
    shown = show(args.storage, name)
    if args.json:
        print(json.dumps(shown_json(shown)))
    else:
        print_shown(shown, Console())
    return 0


def trial_line(trial: "FrozenTrial", names: list[str]) -> str:
    state = trial.state.name.lower()
    if state == "pruned" and trial.intermediate_values:
        step = max(trial.intermediate_values)
        outcome = f"after round {step}: {trial.intermediate_values[step]:.4g}"
    elif trial.values:
        outcome = ", ".join(f"{n} {v:.4g}" for n, v in zip(names, trial.values, strict=True))
    else:
        outcome = "no value"
    params = " ".join(f"{key}={value}" for key, value in trial.params.items())
    return f"trial {trial.number} {state}: {outcome} ({trial.user_attrs.get('session')}) {params}"


def _summary_json(
    study: "optuna.Study", mine: list["FrozenTrial"], request: TuneRequest
) -> dict[str, Any]:
    def row(trial: "FrozenTrial") -> dict[str, Any]:
        keys = ("session", "speedup", "cost_usd")
        head = {"trial": trial.number, "state": trial.state.name.lower(), "values": trial.values}
        return head | {"params": trial.params} | {key: trial.user_attrs.get(key) for key in keys}

    best = study.best_trial if len(study.directions) == 1 and _any_complete(study) else None
    return {
        "study": study.study_name,
        "storage": shown_url(storage_url(request.storage)),
        "objective": request.objective,
        "trials": [row(trial) for trial in mine],
        "best": row(best) if best is not None else None,
    }


def _any_complete(study: "optuna.Study") -> bool:
    from optuna.trial import TrialState

    return bool(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
