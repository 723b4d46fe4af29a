"""Studies: Optuna's storage (SQLite under results/ by default; a PostgreSQL URL lets workers on
several machines share one study), the sampler and pruner, and the tuning loop."""

import contextlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from harness.bench.command import results_dir
from harness.errors import ConfigError
from harness.store import resolve_tracking_uri
from harness.store.mlflow_store import MLflowStore
from harness.targets.loader import load_target
from harness.tune.objective import Objective, ObjectiveName
from harness.tune.record import StudyRun
from harness.tune.space import TuneSpace
from harness.tune.trial import CandidateCallback, TrialContext, run_trial

if TYPE_CHECKING:
    import optuna

INSTALL = {
    "optuna": "pip install 'optuna==5.0.0'",
    "psycopg": "pip install 'psycopg[binary]==3.3.9'",  # SQLAlchemy's driver for postgresql://
}


def require_optuna() -> None:
    try:
        import optuna
    except ImportError:
        raise ConfigError(f"harness tune needs optuna: {INSTALL['optuna']}") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # harness prints its own progress


def storage_url(storage: str | None) -> str:
    """`--storage`, else SQLite at results/optuna.db (absolute, so the cwd does not matter)."""
    if storage:
        return storage
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'optuna.db'}"


def shown_url(url: str) -> str:
    """The URL without its password, fit for logs and params."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_storage(url: str) -> "optuna.storages.BaseStorage":
    import optuna

    try:
        return optuna.storages.RDBStorage(url)
    except ImportError as exc:  # Optuna wraps the driver's ModuleNotFoundError
        missing = getattr(exc.__cause__, "name", None) or getattr(exc, "name", None) or "a driver"
        hint = INSTALL.get(missing, f"pip install {missing}")
        raise ConfigError(f"storage {shown_url(url)} needs {missing}: {hint}") from None
    except Exception as exc:  # SQLAlchemy's errors: a bad URL, a server that is not there
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigError(f"cannot open storage {shown_url(url)}: {first}") from None


@dataclass(frozen=True)
class TuneRequest:
    target: str
    space: TuneSpace
    objective: ObjectiveName = "speedup"
    trials: int = 10
    storage: str | None = None
    study: str | None = None
    tracking_uri: str | None = None


def default_study_name(target_name: str, objective: ObjectiveName) -> str:
    return f"{target_name}-{objective}"


def open_study(request: TuneRequest, name: str, objective: Objective) -> "optuna.Study":
    import optuna

    space = request.space
    pruner: optuna.pruners.BasePruner = optuna.pruners.NopPruner()
    if space.pruner.kind == "median":
        pruner = optuna.pruners.MedianPruner(
            n_startup_trials=space.pruner.startup_trials, n_warmup_steps=space.pruner.warmup_rounds
        )
    study = optuna.create_study(
        storage=open_storage(storage_url(request.storage)),
        study_name=name,
        directions=objective.directions,
        sampler=optuna.samplers.TPESampler(seed=space.sampler_seed),
        pruner=pruner,
        load_if_exists=True,
    )
    wanted = [d.upper() for d in objective.directions]
    if [d.name for d in study.directions] != wanted:
        raise ConfigError(
            f"study {name!r} exists with directions {[d.name.lower() for d in study.directions]},"
            f" not {objective.directions} ({objective.name}); choose another --study"
        )
    _name_metrics(study, objective.metric_names)
    return study


def _name_metrics(study: "optuna.Study", names: list[str]) -> None:
    """Names the dashboard's axes (experimental in Optuna 5). Workers starting together may
    race to write them; whoever loses has nothing left to do."""
    import optuna

    if study.metric_names == names:
        return
    with (
        warnings.catch_warnings(),
        contextlib.suppress(optuna.exceptions.StorageInternalError),
    ):
        warnings.simplefilter("ignore")
        study.set_metric_names(names)


TrialCallback = Callable[["optuna.Study", "optuna.trial.FrozenTrial"], None]


def tune(
    request: TuneRequest,
    on_trial: TrialCallback | None = None,
    on_candidate: CandidateCallback | None = None,
) -> "optuna.Study":
    """Run `request.trials` trials (this worker's share: others may run against the same
    study at the same time) and return the study. `on_trial` is called as each trial ends,
    `on_candidate` as each candidate is judged."""
    require_optuna()
    if request.trials < 1:
        raise ConfigError("--trials must be at least 1")
    target = load_target(request.target)
    objective = Objective(request.objective)
    name = request.study or default_study_name(target.name, request.objective)
    study = open_study(request, name, objective)
    store = MLflowStore(*resolve_tracking_uri(request.tracking_uri))
    params = {"objective": objective.name, "storage": shown_url(storage_url(request.storage))}
    space = request.space.model_dump(mode="json")
    study_run = StudyRun(store, name, params | {"target": target.name}, space)
    context = TrialContext(target, request.space, objective, study_run, on_candidate)
    try:
        study.optimize(
            lambda trial: run_trial(trial, context),
            n_trials=request.trials,
            callbacks=[on_trial] if on_trial is not None else [],
        )
    finally:
        study_run.close(_summary(study))
    return study


def _summary(study: "optuna.Study") -> dict[str, float]:
    from optuna.trial import TrialState

    states = [trial.state for trial in study.get_trials(deepcopy=False)]
    summary = {
        "trials_complete": float(states.count(TrialState.COMPLETE)),
        "trials_pruned": float(states.count(TrialState.PRUNED)),
    }
    if len(study.directions) == 1 and summary["trials_complete"]:
        summary["best_value"] = float(study.best_value)
    return summary


def tune_folder() -> Path:
    return results_dir() / "tune"
