"""`harness tune --show`: the best settings (or the Pareto front), every trial as CSV, and the
best settings as a TOML file that `harness run --settings` takes."""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from harness.errors import ConfigError
from harness.loop.settings import SessionSettings
from harness.toml_text import dumps
from harness.tune.study import open_storage, require_optuna, shown_url, storage_url, tune_folder

if TYPE_CHECKING:
    import optuna
    from optuna.trial import FrozenTrial


@dataclass(frozen=True)
class Shown:
    study: str
    metric_names: list[str]
    front: list["FrozenTrial"]  # the best trial, or the Pareto front
    best: "FrozenTrial"
    trials: int
    csv: Path
    toml: Path


def find_study(storage: str | None, name: str | None) -> "optuna.Study":
    """The named study, or the only one in the storage."""
    import optuna

    backend = open_storage(storage_url(storage))
    names = sorted(optuna.get_all_study_names(backend))
    if name is None and len(names) == 1:
        name = names[0]
    if name is None or name not in names:
        which = f"no study {name!r}" if name else "give --study NAME (or TARGET)"
        listed = ", ".join(names) or "none yet"
        raise ConfigError(f"{which} in {shown_url(storage_url(storage))}; studies there: {listed}")
    return optuna.load_study(study_name=name, storage=backend)


def show(storage: str | None, name: str | None) -> Shown:
    require_optuna()
    study = find_study(storage, name)
    names = study.metric_names or [f"value_{i}" for i in range(len(study.directions))]
    front = _front(study)
    best = max(front, key=lambda trial: (trial.values[0], -_cost(trial)))
    folder = tune_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]", "_", study.study_name)
    csv = folder / f"{stem}.csv"
    study.trials_dataframe().to_csv(csv, index=False)
    toml = folder / f"{stem}-best.toml"
    toml.write_text(best_toml(best, study.study_name), encoding="utf-8")
    return Shown(study.study_name, names, front, best, len(study.trials), csv, toml)


def _front(study: "optuna.Study") -> list["FrozenTrial"]:
    from optuna.trial import TrialState

    if not study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        raise ConfigError(f"study {study.study_name!r} has no finished trial yet")
    if len(study.directions) == 1:
        return [study.best_trial]
    return sorted(study.best_trials, key=lambda trial: -trial.values[0])


def _cost(trial: "FrozenTrial") -> float:
    return float(trial.user_attrs.get("cost_usd", 0.0))


def best_toml(trial: "FrozenTrial", study: str) -> str:
    """The trial's whole session settings as TOML, checked to load back as SessionSettings."""
    if "settings" not in trial.user_attrs:
        raise ConfigError(f"trial {trial.number} of {study!r} was not run by harness tune")
    settings = SessionSettings.model_validate(trial.user_attrs["settings"])
    data = settings.model_dump(mode="json", exclude_none=True)
    comment = f"Best settings of study {study!r} (trial {trial.number}); written by harness tune"
    text = dumps(data, comment)
    if SessionSettings.model_validate(tomllib.loads(text)) != settings:
        raise ConfigError(f"the best settings of {study!r} do not survive TOML: {data}")
    return text


def print_shown(shown: Shown, console: Console) -> None:
    """One column per trial (the best, or each of the Pareto front), one row per figure and
    setting: narrow enough for a terminal."""
    multi = len(shown.metric_names) > 1
    title = f"study {shown.study}: " + ("Pareto front" if multi else "best trial")
    table = Table(title=f"{title} of {shown.trials} trials")
    table.add_column("")
    for trial in shown.front:
        table.add_column(f"trial {trial.number}", overflow="fold")
    for row, cells in _rows(shown).items():
        table.add_row(row, *cells)
    console.print(table)
    console.print(f"all trials: {shown.csv}", highlight=False, soft_wrap=True)
    console.print(f"best settings: {shown.toml}", highlight=False, soft_wrap=True)


def _rows(shown: Shown) -> dict[str, list[str]]:
    front = shown.front
    rows = {
        name: [f"{trial.values[i]:.4g}" for trial in front]
        for i, name in enumerate(shown.metric_names)
    }
    rows.setdefault("cost_usd", [f"{_cost(trial):.4f}" for trial in front])
    rows["session"] = [str(trial.user_attrs.get("session", "-")) for trial in front]
    for key in sorted({key for trial in front for key in trial.params}):
        rows[key] = [str(trial.params.get(key, "-")) for trial in front]
    return rows


def shown_json(shown: Shown) -> dict[str, Any]:
    def row(trial: "FrozenTrial") -> dict[str, Any]:
        values = dict(zip(shown.metric_names, trial.values, strict=True))
        return {"trial": trial.number, "values": values, "params": trial.params} | {
            key: trial.user_attrs.get(key) for key in ("session", "speedup", "cost_usd")
        }

    return {
        "study": shown.study,
        "trials": shown.trials,
        "best": row(shown.best),
        "front": [row(trial) for trial in shown.front],
        "csv": str(shown.csv),
        "settings": str(shown.toml),
    }
