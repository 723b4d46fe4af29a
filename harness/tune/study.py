"""Studies: Optuna's storage (SQLite under results/ by default; a PostgreSQL URL lets workers on
several machines share one study), the sampler and pruner, and the tuning loop."""

import contextlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.errors import ConfigError, missing
from harness.paths import results_dir
from harness.store import resolve_tracking_uri
from harness.store.mlflow_store import MLflowStore
from harness.targets.loader import load_target
from harness.tune.objective import Objective, ObjectiveName
from harness.tune.record import StudyRun
from harness.tune.space import TuneSpace, default_params
from harness.tune.trial import CandidateCallback, TrialContext, run_trial

if TYPE_CHECKING:
    import optuna

REQUIREMENTS = {
    "optuna": "optuna==5.0.0",
    "psycopg": "psycopg[binary]==3.3.9",  # SQLAlchemy's driver for postgresql://
}


def require_optuna() -> None:
    try:
        import optuna
    except ImportError:
        raise missing("harness tune", REQUIREMENTS["optuna"]) from None
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


@dataclass(frozen=True)
class Heartbeat:
    """Optuna's heartbeat: a worker writes one for its running trial every `interval` seconds; a
    trial left RUNNING with none for `grace` seconds (its worker was killed) is failed by the next
    worker that starts a trial and queued again with the same parameters, `retries` times at most.

    A trial is a whole session (a minute or many), so a retry a few minutes late costs little, but
    a live trial failed by mistake runs twice. Hence 30 s beats (one small UPDATE each) and 120 s
    of grace: four missed beats, enough for a database restart or a busy worker. Two retries: a
    trial whose settings kill their worker every time (out of memory) is not retried forever."""

    interval: int = 30
    grace: int = 120
    retries: int = 2

    def __post_init__(self) -> None:
        if not 1 <= self.interval < self.grace or self.retries < 0:
            raise ConfigError(f"heartbeat: want 1 <= interval < grace and retries >= 0: {self}")

    def storage_args(self) -> dict[str, Any]:
        """RDBStorage's keyword arguments (the names Optuna 5 uses; `failed_trial_callback` and
        `RetryFailedTrialCallback` are their deprecated aliases)."""
        from optuna.storages import RetryHeartbeatStaleTrialCallback

        retry = RetryHeartbeatStaleTrialCallback(max_retry=self.retries)
        return {
            "heartbeat_interval": self.interval,
            "grace_period": self.grace,
            "heartbeat_stale_trial_callback": retry,
        }


def open_storage(url: str, heartbeat: Heartbeat | None = None) -> "optuna.storages.BaseStorage":
    """The storage; with a `heartbeat` (workers running trials), dead workers' trials retried."""
    import optuna

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            args = heartbeat.storage_args() if heartbeat else {}
            return optuna.storages.RDBStorage(url, **args)
    except ImportError as exc:  # Optuna wraps the driver's ModuleNotFoundError
        driver = getattr(exc.__cause__, "name", None) or getattr(exc, "name", None) or "a driver"
        raise missing(f"storage {shown_url(url)}", REQUIREMENTS.get(driver, driver)) from None
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
    heartbeat: Heartbeat = Heartbeat()


def default_study_name(target_name: str, objective: ObjectiveName) -> str:
    return f"{target_name}-{objective}"


def open_study(request: TuneRequest, name: str, objective: Objective) -> "optuna.Study":
    import optuna

    space = request.space
    study = optuna.create_study(
        storage=open_storage(storage_url(request.storage), request.heartbeat),
        study_name=name,
        directions=objective.directions,
        sampler=optuna.samplers.TPESampler(
            n_startup_trials=space.sampler_startup_trials, seed=space.sampler_seed
        ),
        pruner=_pruner(space),
        load_if_exists=True,
    )
    _check_directions(study, objective)
    _name_metrics(study, objective.metric_names)
    _start_from_defaults(study, space)
    return study


def _pruner(space: TuneSpace) -> "optuna.pruners.BasePruner":
    import optuna

    if space.pruner.kind == "none":
        return optuna.pruners.NopPruner()
    return optuna.pruners.MedianPruner(
        n_startup_trials=space.pruner.startup_trials, n_warmup_steps=space.pruner.warmup_rounds
    )


def _check_directions(study: "optuna.Study", objective: Objective) -> None:
    found = [d.name.lower() for d in study.directions]
    if found != objective.directions:
        raise ConfigError(
            f"study {study.study_name!r} exists with directions {found}, not "
            f"{objective.directions} ({objective.name}); choose another --study"
        )


def _start_from_defaults(study: "optuna.Study", space: TuneSpace) -> None:
    """A fresh study's trial 0 runs the default settings, so the sampler starts from a known
    point. A resumed or shared study has trials already (`skip_if_exists` covers a worker that
    created the study at the same moment as this one)."""
    params = default_params(space)
    if params and not study.get_trials(deepcopy=False):
        study.enqueue_trial(params, skip_if_exists=True)


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
